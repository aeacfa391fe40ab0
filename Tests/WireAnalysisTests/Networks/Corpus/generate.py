#!/usr/bin/env python3
"""Writes the verdict corpus (docs/corpus.md): one folder per network, fresh `wg genkey` keys, expect.yaml.

Run once; a network whose folder exists is left alone (its keys are committed test keys), so adding a network
never changes the others. `--force NAME` rewrites one.
"""
import copy, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def genkey():
    priv = subprocess.run(["wg", "genkey"], capture_output=True, text=True, check=True).stdout.strip()
    pub = subprocess.run(["wg", "pubkey"], input=priv, capture_output=True, text=True, check=True).stdout.strip()
    return priv, pub


# ---- topologies -------------------------------------------------------------------------------------------
def two_host(v6=False, keepalive=25):
    """srv (public) <-> cli (behind NAT, dials srv)."""
    t = "fd00:20::" if v6 else "10.20.0."
    pub = "2001:db8::10" if v6 else "192.0.2.10"
    ep = f"[{pub}]:51820" if v6 else f"{pub}:51820"
    m = "/128" if v6 else "/32"
    net = "fd00:20::/64" if v6 else "10.20.0.0/24"
    return {
        "srv": {"facts": {"public_addresses": [pub]},
                "ifaces": {"wg0": {"addr": [t + "1" + ("/64" if v6 else "/24")], "port": 51820,
                                   "peers": [{"ref": "cli/wg0", "allowed": [t + "2" + m], "name": "cli"}]}}},
        "cli": {"facts": {"behind_nat": True},
                "ifaces": {"wg0": {"addr": [t + "2" + m],
                                   "peers": [{"ref": "srv/wg0", "allowed": [net], "endpoint": ep,
                                              "keepalive": keepalive, "name": "srv"}]}}},
    }


def hub_spoke(v6=False, keepalive=25, client_allowed=None):
    """hub (public, forwards) with alice and bob behind NAT on one interface."""
    t = "fd00:30::" if v6 else "10.30.0."
    pub = "2001:db8::30" if v6 else "192.0.2.30"
    ep = f"[{pub}]:51820" if v6 else f"{pub}:51820"
    m = "/128" if v6 else "/32"
    net = client_allowed or ("fd00:30::/64" if v6 else "10.30.0.0/24")
    fwd = "sysctl -w net.ipv6.conf.all.forwarding=1" if v6 else "sysctl -w net.ipv4.ip_forward=1"
    hosts = {"hub": {"facts": {"public_addresses": [pub]},
                     "ifaces": {"wg0": {"addr": [t + "1" + ("/64" if v6 else "/24")], "port": 51820, "postup": [fwd],
                                        "peers": []}}}}
    for n, name in ((2, "alice"), (3, "bob")):
        hosts["hub"]["ifaces"]["wg0"]["peers"].append({"ref": f"{name}/wg0", "allowed": [t + str(n) + m], "name": name})
        hosts[name] = {"facts": {"behind_nat": True},
                       "ifaces": {"wg0": {"addr": [t + str(n) + m],
                                          "peers": [{"ref": "hub/wg0", "allowed": [net], "endpoint": ep,
                                                     "keepalive": keepalive, "name": "hub"}]}}}
    return hosts


def two_hub(v6=False, keepalive=25, both_subnets=True):
    """hub wg0 (51820) with alice, wg1 (51821) with bob; forwarding on; clients behind NAT."""
    pub = "2001:db8::40" if v6 else "192.0.2.40"
    a = ("fd00:40::", "fd00:41::") if v6 else ("10.40.0.", "10.41.0.")
    net = ("fd00:40::/64", "fd00:41::/64") if v6 else ("10.40.0.0/24", "10.41.0.0/24")
    m = "/128" if v6 else "/32"
    plen = "/64" if v6 else "/24"
    fwd = "sysctl -w net.ipv6.conf.all.forwarding=1" if v6 else "sysctl -w net.ipv4.ip_forward=1"
    hosts = {"hub": {"facts": {"public_addresses": [pub], "names": ["hub.example"]}, "ifaces": {}}}
    for i, (client, port) in enumerate((("alice", 51820), ("bob", 51821))):
        ifname = f"wg{i}"
        hosts["hub"]["ifaces"][ifname] = {"addr": [a[i] + "1" + plen], "port": port,
                                          "postup": [fwd] if i == 0 else [],
                                          "peers": [{"ref": f"{client}/wg0", "allowed": [a[i] + "2" + m], "name": client}]}
        ep = f"[{pub}]:{port}" if v6 else f"{pub}:{port}"
        allowed = [net[0], net[1]] if both_subnets else [net[i]]
        hosts[client] = {"facts": {"behind_nat": True},
                         "ifaces": {"wg0": {"addr": [a[i] + "2" + m],
                                            "peers": [{"ref": f"hub/{ifname}", "allowed": allowed, "endpoint": ep,
                                                       "keepalive": keepalive, "name": f"hub {ifname}"}]}}}
    return hosts


def gateway(v6=False, masquerade="eth0"):
    """gw (public) forwards lap's full tunnel to the internet with MASQUERADE on its uplink."""
    pub = "2001:db8::50" if v6 else "192.0.2.50"
    ep = f"[{pub}]:51820" if v6 else f"{pub}:51820"
    t = "fd00:50::" if v6 else "10.50.0."
    tool = "ip6tables" if v6 else "iptables"
    fwd = "sysctl -w net.ipv6.conf.all.forwarding=1" if v6 else "sysctl -w net.ipv4.ip_forward=1"
    post = [fwd]
    if masquerade:
        post.append(f"{tool} -t nat -A POSTROUTING -o {masquerade} -j MASQUERADE")
    return {
        "gw": {"facts": {"public_addresses": [pub]},
               "ifaces": {"wg0": {"addr": [t + "1" + ("/64" if v6 else "/24")], "port": 51820, "postup": post,
                                  "peers": [{"ref": "lap/wg0", "allowed": [t + "2" + ("/128" if v6 else "/32")],
                                             "name": "lap"}]}}},
        "lap": {"facts": {"behind_nat": True},
                "ifaces": {"wg0": {"addr": [t + "2" + ("/128" if v6 else "/32")],
                                   "peers": [{"ref": "gw/wg0", "allowed": ["::/0" if v6 else "0.0.0.0/0"],
                                              "endpoint": ep, "keepalive": 25, "name": "gw"}]}}},
    }


# ---- writing ----------------------------------------------------------------------------------------------
def write(name, hosts, expect, intent=None):
    d = os.path.join(HERE, name)
    force = "--force" in sys.argv and name in sys.argv
    if os.path.exists(d) and not force:
        return False
    os.makedirs(d, exist_ok=True)
    keys = {}
    for h, spec in hosts.items():
        for i in spec["ifaces"]:
            keys[f"{h}/{i}"] = genkey()
    for h, spec in hosts.items():
        hd = os.path.join(d, h)
        os.makedirs(hd, exist_ok=True)
        for i, ispec in spec["ifaces"].items():
            lines = [f"# {h}/{i}", "[Interface]"]
            priv = ispec.get("private") or keys[f"{h}/{i}"][0]
            lines.append(f"PrivateKey = {priv}")
            lines.append("Address = " + ", ".join(ispec["addr"]))
            if ispec.get("port"):
                lines.append(f"ListenPort = {ispec['port']}")
            if ispec.get("table"):
                lines.append(f"Table = {ispec['table']}")
            for c in ispec.get("preup", []):
                lines.append(f"PreUp = {c}")
            for c in ispec.get("postup", []):
                lines.append(f"PostUp = {c}")
            for p in ispec["peers"]:
                lines += ["", "[Peer]", f"# {p.get('name', p['ref'])}"]
                key = p.get("key") or keys[p["ref"]][1]
                if key == "OWN":
                    key = keys[f"{h}/{i}"][1]
                elif key.startswith("KEY:"):
                    key = keys[key[4:]][1]
                lines.append(f"PublicKey = {key}")
                lines.append("AllowedIPs = " + ", ".join(p["allowed"]))
                if p.get("endpoint"):
                    lines.append(f"Endpoint = {p['endpoint']}")
                if p.get("keepalive"):
                    lines.append(f"PersistentKeepalive = {p['keepalive']}")
            path = os.path.join(hd, f"{i}.conf")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            os.chmod(path, 0o600)
        facts = spec.get("facts") or {}
        raw = spec.get("facts_raw", "")
        if facts or raw:
            with open(os.path.join(hd, "host.yaml"), "w") as f:
                for k, v in facts.items():
                    if isinstance(v, bool):
                        v = "true" if v else "false"
                    elif isinstance(v, list):
                        v = "[" + ", ".join(v) + "]"
                    f.write(f"{k}: {v}\n")
                f.write(raw)
    if intent:
        with open(os.path.join(d, "intent.yaml"), "w") as f:
            f.write(intent)
    with open(os.path.join(d, "expect.yaml"), "w") as f:
        f.write("about: " + json.dumps(expect["about"]) + "\n")
        if expect.get("twin"):
            f.write(f"twin: {expect['twin']}\n")
        f.write("lint: [" + ", ".join(sorted(expect.get("lint", []))) + "]\n")
        f.write(f"default: {expect.get('default', 'reach')}\n")
        pairs = expect.get("pairs", [])
        f.write("pairs:" + ("\n" if pairs else " []\n"))
        for p in pairs:
            fields = [f"from: {p[0]}", f"to: {p[1]}"]
            v = p[2]
            if isinstance(v, str):
                fields.append(f"all: {v}")
            else:
                fields += [f"cold: {v[0]}", f"warm: {v[1]}", f"idle: {v[2]}"]
            for k in ("blame", "at"):
                if len(p) > 3 and k in p[3]:
                    fields.append(f"{k}: {p[3][k]}")
            f.write("  - { " + ", ".join(fields) + " }\n")
    return True


def everything_from(hosts, host, v6=False):
    """Every (from, to, verdict) pair touching `host`: unreachable both ways."""
    out = []
    addrs = {h: [a.split("/")[0] for i in s["ifaces"].values() for a in i["addr"]] for h, s in hosts.items()}
    for h in hosts:
        if h == host:
            continue
        for a in addrs[host]:
            out.append((h, a, "drop"))
        for a in addrs[h]:
            out.append((host, a, "drop"))
    return out


NETWORKS = []


def net(name):
    def deco(fn):
        NETWORKS.append((name, fn))
        return fn
    return deco


# ---- the networks -----------------------------------------------------------------------------------------
def healthy(name, hosts, about, pairs=(), lint=()):
    write(name, hosts, {"about": about, "lint": list(lint), "pairs": list(pairs)})


def fault(name, hosts, about, twin, pairs, lint, default="reach", intent=None):
    write(name, hosts, {"about": about, "twin": twin, "lint": list(lint), "pairs": list(pairs), "default": default},
          intent)


def main():
    V = {False: "", True: "-v6"}
    for v6 in (False, True):
        s = V[v6]
        a20 = "fd00:20::" if v6 else "10.20.0."
        healthy("two-host" + s, two_host(v6), "healthy: a client behind NAT with keepalive dials a public server")
        healthy("hub-spoke" + s, hub_spoke(v6), "healthy: two clients behind NAT reach each other through a hub")
        healthy("two-hub" + s, two_hub(v6), "healthy: a hub with wg0 and wg1, clients route both subnets")
        t50 = "2001:db8:ffff:ffff::1" if v6 else "203.0.113.254"
        healthy("gateway" + s, gateway(v6), "healthy: a full-tunnel client reaches the internet through a gateway",
                pairs=[("lap", t50, "reach")])

        # Time: a client behind NAT without keepalive.
        fault("nat-no-keepalive" + s, two_host(v6, keepalive=None),
              "client behind NAT without PersistentKeepalive: the server reaches it only after it sent, until the "
              "NAT mapping expires", "two-host" + s,
              [("srv", a20 + "2", ("drop", "reach", "drop"), {"blame": "PersistentKeepalive"})],
              ["keepalive-missing"])

        # Endpoint at the wrong port: the Endpoint is blamed, not keepalive.
        h = two_host(v6)
        pub = "[2001:db8::10]" if v6 else "192.0.2.10"
        h["cli"]["ifaces"]["wg0"]["peers"][0]["endpoint"] = f"{pub}:51821"
        fault("endpoint-wrong-port" + s, h, "the client's Endpoint names a port nothing listens on",
              "two-host" + s,
              [("cli", a20 + "1", "drop", {"blame": "Endpoint", "at": "cli/wg0.conf"}),
               ("srv", a20 + "2", "drop", {"blame": "Endpoint", "at": "cli/wg0.conf"})],
              ["endpoint-port-mismatch"])

        # Each side lists its own public key as the peer: wg accepts it and ignores that peer.
        h = two_host(v6)
        h["srv"]["ifaces"]["wg0"]["peers"][0]["key"] = "OWN"
        h["cli"]["ifaces"]["wg0"]["peers"][0]["key"] = "OWN"
        fault("own-key" + s, h, "each side lists its own public key as its peer (wg ignores such a peer)",
              "two-host" + s,
              [("cli", a20 + "1", "drop", {"blame": "PublicKey", "at": "cli/wg0.conf"}),
               ("srv", a20 + "2", "drop", {"blame": "PublicKey", "at": "srv/wg0.conf"})],
              ["key-mismatch"])

        # A reused tunnel address: bob has alice's address.
        h = hub_spoke(v6)
        t30 = "fd00:30::" if v6 else "10.30.0."
        m = "/128" if v6 else "/32"
        h["bob"]["ifaces"]["wg0"]["addr"] = [t30 + "2" + m]
        h["hub"]["ifaces"]["wg0"]["peers"][1]["allowed"] = [t30 + "2" + m]
        fault("reused-address" + s, h, "bob uses alice's tunnel address; the hub gives it to bob (listed later)",
              "hub-spoke" + s,
              [("hub", t30 + "2", "drop", {"blame": "Address"}), ("alice", t30 + "2", "drop", {"blame": "Address"}),
               ("bob", t30 + "2", "drop", {"blame": "Address"}), ("alice", t30 + "1", "drop")],
              ["allowedips-overlap", "duplicate-address"])

        # UDP to the ListenPort dropped in INPUT.
        h = two_host(v6)
        tool = "ip6tables" if v6 else "iptables"
        h["srv"]["ifaces"]["wg0"]["postup"] = [f"{tool} -A INPUT -p udp --dport 51820 -j DROP"]
        fault("input-drop-udp" + s, h, "the server's INPUT chain drops UDP to its ListenPort", "two-host" + s,
              [("cli", a20 + "1", "drop", {"blame": "INPUT rule", "at": "srv/wg0.conf"}),
               ("srv", a20 + "2", "drop", {"blame": "INPUT rule", "at": "srv/wg0.conf"})],
              ["input-blocked"])

        # A reply path dropped in FORWARD (only NEW accepted, no ESTABLISHED rule).
        h = two_hub(v6)
        h["hub"]["ifaces"]["wg0"]["postup"] += [
            f"{tool} -P FORWARD DROP",
            f"{tool} -A FORWARD -i wg0 -o wg1 -m conntrack --ctstate NEW -j ACCEPT",
            f"{tool} -A FORWARD -i wg1 -o wg0 -m conntrack --ctstate NEW -j ACCEPT"]
        a40, a41 = ("fd00:40::", "fd00:41::") if v6 else ("10.40.0.", "10.41.0.")
        fault("forward-reply-drop" + s, h, "the hub's FORWARD chain accepts new connections but drops their replies",
              "two-hub" + s,
              [("alice", a41 + "2", "drop", {"blame": "FORWARD policy", "at": "hub/wg0.conf"}),
               ("bob", a40 + "2", "drop", {"blame": "FORWARD policy", "at": "hub/wg0.conf"})],
              ["forward-blocked"])

        # The gateway without MASQUERADE.
        fault("gateway-no-masquerade" + s, gateway(v6, masquerade=None),
              "the gateway forwards the full tunnel to the internet without MASQUERADE: replies never return",
              "gateway" + s, [("lap", t50, "drop", {"blame": "MASQUERADE"})], ["masquerade-missing"])

        # Two interfaces on one ListenPort: the second never comes up.
        h = two_hub(v6)
        h["hub"]["ifaces"]["wg1"]["port"] = 51820
        pubep = "[2001:db8::40]" if v6 else "192.0.2.40"
        h["bob"]["ifaces"]["wg0"]["peers"][0]["endpoint"] = f"{pubep}:51820"
        fault("dup-listenport" + s, h, "hub/wg1 pins wg0's ListenPort: wg1 never comes up (Address already in use)",
              "two-hub" + s,
              [("alice", a40 + "1", "reach"), ("hub", a40 + "2", "reach")],
              ["listen-port-collision", "interface-down"], default="drop")

    # IPv4 only from here.
    h = two_host(keepalive=None)
    h["cli"]["ifaces"]["wg0"]["postup"] = ["ping -c1 -W5 10.20.0.1"]
    fault("nat-postup-ping", h,
          "client behind NAT without keepalive pings the server at up: reachable from the start, until the NAT "
          "mapping expires", "two-host",
          [("srv", "10.20.0.2", ("reach", "reach", "drop"), {"blame": "PersistentKeepalive"})],
          ["keepalive-missing", "postup-may-fail"])

    h = two_host()
    h["srv"]["ifaces"]["wg0"]["postup"] = ["ping -c1 -W1 10.20.0.2"]
    fault("postup-ping-fails", h,
          "the server's PostUp pings the client, which is not up yet: the ping fails and wg-quick removes srv/wg0",
          "two-host", [("cli", "10.20.0.1", "drop", {"blame": "PostUp", "at": "srv/wg0.conf"}),
                       ("srv", "10.20.0.2", "drop", {"blame": "PostUp", "at": "srv/wg0.conf"})],
          ["interface-down", "postup-may-fail"])

    h = two_host()
    h["cli"]["ifaces"]["wg0"]["private"] = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm"
    fault("corrupt-privatekey", h, "the client's PrivateKey is cut short: wg-quick refuses the file", "two-host",
          [("cli", "10.20.0.1", "drop", {"blame": "PrivateKey", "at": "cli/wg0.conf"}),
           ("srv", "10.20.0.2", "drop", {"blame": "PrivateKey", "at": "cli/wg0.conf"})],
          ["config-invalid"])

    h = two_host()
    h["srv"]["ifaces"]["wg0"]["postup"] = ["iptables -A OUTPUT -o wg0 -j DROP"]
    fault("output-drop-tunnel", h, "the server's OUTPUT chain drops everything into wg0, replies included",
          "two-host", [("cli", "10.20.0.1", "drop", {"blame": "OUTPUT rule", "at": "srv/wg0.conf"}),
                       ("srv", "10.20.0.2", "drop", {"blame": "OUTPUT rule", "at": "srv/wg0.conf"})],
          ["output-blocked"])

    h = two_hub()
    h["alice"]["ifaces"]["wg0"]["peers"][0]["endpoint"] = "hub.exmaple:51820"
    fault("unresolvable-name", h, "alice's Endpoint name has a typo that resolves nowhere: alice/wg0 never comes up",
          "two-hub", everything_from(h, "alice"), ["interface-down"])

    fault("gateway-masquerade-wg0", gateway(masquerade="wg0"),
          "the gateway masquerades out of the tunnel instead of its uplink", "gateway",
          [("lap", "203.0.113.254", "drop", {"blame": "MASQUERADE"})], ["masquerade-wrong-interface"])

    iso = ("groups:\n  wg0-clients: [clients of hub/wg0]\n  wg1-clients: [clients of hub/wg1]\n"
           "rules:\n  - isolate: [wg0-clients, wg1-clients]\n")
    h = two_hub()
    h["hub"]["ifaces"]["wg0"]["postup"] += ["iptables -A FORWARD -i wg0 -o wg1 -j DROP",
                                           "iptables -A FORWARD -i wg1 -o wg0 -j DROP"]
    fault("two-hub-isolated", h, "healthy: the hub isolates wg0's clients from wg1's, as intent.yaml says",
          None, [("alice", "10.41.0.2", "drop"), ("bob", "10.40.0.2", "drop")], [], intent=iso)
    fault("two-hub-isolation-leaks", two_hub(),
          "intent.yaml isolates wg0's clients from wg1's, but the hub forwards between them", "two-hub-isolated",
          [], ["intent-leak"], intent=iso)

    h = two_hub(both_subnets=False)
    h["alice"]["ifaces"]["wg0"]["peers"][0]["allowed"] = ["10.40.0.1/32"]
    h["bob"]["ifaces"]["wg0"]["peers"][0]["allowed"] = ["10.41.0.1/32"]
    fault("two-hub-32", h, "clients of both hub interfaces route only the hub's own /32: client-to-client is dead",
          "two-hub", [("alice", "10.41.0.2", "drop", {"blame": "AllowedIPs", "at": "alice/wg0.conf"}),
                      ("alice", "10.41.0.1", "drop"), ("bob", "10.40.0.2", "drop"), ("bob", "10.40.0.1", "drop")],
          ["client-to-client-blocked"])

    h = gateway()
    h["lap"]["ifaces"]["wg0"]["peers"][0]["allowed"] = ["0.0.0.0/0", "::/0"]
    healthy("full-tunnel-v4-only", h,
            "healthy: a full-tunnel client routes ::/0 as a leak guard but has no IPv6 address",
            pairs=[("lap", "203.0.113.254", "reach")])

    h = hub_spoke()
    h["hub"]["ifaces"]["wg0"]["peers"][0]["allowed"] = ["10.30.0.0/24"]
    h["hub"]["ifaces"]["wg0"]["peers"][1]["allowed"] = ["10.30.0.0/24"]
    fault("subnet-on-two-peers", h, "the hub lists 10.30.0.0/24 on both peers; the later (bob) takes it",
          "hub-spoke", [("hub", "10.30.0.2", "drop", {"blame": "AllowedIPs", "at": "hub/wg0.conf"}),
                        ("alice", "10.30.0.1", "drop"), ("alice", "10.30.0.3", "drop"),
                        ("bob", "10.30.0.2", "drop", {"blame": "AllowedIPs", "at": "hub/wg0.conf"})],
          ["allowedips-overlap"])

    h = two_hub()
    h["bob"]["ifaces"]["wg0"]["peers"][0]["key"] = "KEY:hub/wg0"
    fault("wrong-key-for-wg1", h, "bob dials hub/wg1's port with hub/wg0's public key", "two-hub",
          [(x, y, v, {"blame": "PublicKey", "at": "bob/wg0.conf"}) for x, y, v in everything_from(h, "bob")],
          ["key-mismatch"])

    h = two_hub()
    h["bob"]["ifaces"]["wg0"]["peers"][0]["endpoint"] = "192.0.2.40:51820"
    fault("wrong-port-for-wg1", h, "bob dials hub/wg0's port (51820) for hub/wg1", "two-hub",
          [(x, y, v, {"blame": "Endpoint", "at": "bob/wg0.conf"}) for x, y, v in everything_from(h, "bob")],
          ["endpoint-port-mismatch"])

    h = hub_spoke(keepalive=None)
    fault("hub-spoke-no-keepalive", h,
          "clients behind NAT without keepalive: reachable through the hub only after they sent, until the NAT "
          "mapping expires", "hub-spoke",
          [("hub", "10.30.0.2", ("drop", "reach", "drop")), ("hub", "10.30.0.3", ("drop", "reach", "drop")),
           ("alice", "10.30.0.3", ("drop", "reach", "drop")), ("bob", "10.30.0.2", ("drop", "reach", "drop"))],
          ["keepalive-missing"])

    h = gateway()
    h["lap"]["ifaces"]["wg0"]["peers"][0]["allowed"] = ["0.0.0.0/0", "::/0"]
    h["lap"]["ifaces"]["wg0"]["peers"][0]["keepalive"] = None
    fault("mld-full-tunnel", h,
          "a full-tunnel client without keepalive: its kernel's IPv6 router solicitations at up (::/0 covers "
          "ff02::2) tell the gateway its endpoint, until the NAT mapping expires", "full-tunnel-v4-only",
          [("gw", "10.50.0.2", ("reach", "reach", "drop")), ("lap", "203.0.113.254", "reach")],
          ["keepalive-missing"])

    h = hub_spoke()
    h["alice"]["ifaces"]["wg0"]["table"] = "off"
    h["alice"]["ifaces"]["wg0"]["postup"] = ["ip route add 10.30.0.0/24 dev wg0"]
    healthy("postup-route", h, "healthy: alice routes the tunnel subnet with her own PostUp `ip route add ... dev wg0`",
            lint=["postup-may-fail"])




def extra():
    """Networks added after the first 41."""
    h = two_host()
    h["srv"]["ifaces"]["wg0"]["addr"] = ["10.20.0.1/32"]
    h["srv"]["ifaces"]["wg0"]["table"] = "off"
    h["srv"]["ifaces"]["wg0"]["postup"] = ["sysctl -w net.ipv4.conf.all.rp_filter=1"]
    fault("rp-filter-strict", h,
          "the server keeps wg-quick's routes out (Table = off) and filters reverse paths strictly: the client's "
          "packets are dropped on arrival as spoofed", "rp-filter-ok",
          [("cli", "10.20.0.1", "drop", {"blame": "rp_filter", "at": "srv/wg0.conf"}),
           ("srv", "10.20.0.2", "drop")], ["rp-filter"])
    h = two_host()
    h["srv"]["ifaces"]["wg0"]["postup"] = ["sysctl -w net.ipv4.conf.all.rp_filter=1"]
    healthy("rp-filter-ok", h, "healthy: strict reverse-path filtering on a server whose routes match its peers")
    h = two_host()
    h["srv"]["ifaces"]["wg0"]["postup"] = ["ping -c1 -W1 10.20.0.2 || true"]
    healthy("postup-ping-handled", h,
            "healthy: the server's PostUp ping fails at up (the client is not up yet) but `|| true` keeps wg0 up")
    h = two_host()
    h["srv"]["ifaces"]["wg0"]["postup"] = [
        "nft add table inet f",
        "nft add chain inet f input '{ type filter hook input priority 0 ; }'",
        "nft add rule inet f input udp dport 51820 drop"]
    fault("input-drop-nft", h, "the server's nft input chain drops UDP to its ListenPort", "two-host",
          [("cli", "10.20.0.1", "drop", {"blame": "INPUT rule", "at": "srv/wg0.conf"}),
           ("srv", "10.20.0.2", "drop", {"blame": "INPUT rule", "at": "srv/wg0.conf"})], ["input-blocked"])

    # Time: a keepalive longer than the NAT's UDP timeout lets the mapping expire between two keepalives.
    h = two_host()
    h["cli"]["facts"]["nat_udp_timeout"] = 30
    healthy("nat-keepalive-under-timeout", h,
            "healthy: a client behind a NAT that forgets idle UDP mappings after 30 s keeps alive every 25 s")
    h = two_host(keepalive=60)
    h["cli"]["facts"]["nat_udp_timeout"] = 30
    fault("nat-keepalive-too-long", h,
          "a client behind a NAT that forgets idle UDP mappings after 30 s keeps alive only every 60 s: the server "
          "reaches it right after up and within 30 s after each keepalive, not after its mapping expired",
          "nat-keepalive-under-timeout",
          [("srv", "10.20.0.2", ("reach", "reach", "drop"), {"blame": "PersistentKeepalive", "at": "cli/wg0.conf"})],
          ["keepalive-longer-than-nat-timeout"])


if __name__ == "__main__":
    main()
    extra()
