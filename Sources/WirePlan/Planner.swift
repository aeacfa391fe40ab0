import WireAnalysis
import WireConfig
import WireNet

/// Turns a topology into every host's wg-quick configs, its `host.yaml` facts and the network's `intent.yaml`
/// (docs/plan.md): the files as text, by path relative to the output directory.
///
/// Hub peers are narrowed to each client's /32 (/128) and LANs. A client's AllowedIPs hold exactly the prefixes it
/// may reach or be reached from (intent.md: a ping and its reply), whole subnets when every address in them may,
/// else single addresses. The hub enforces the intent with an nftables forward chain, since a client can widen its
/// own AllowedIPs. Hosts behind NAT keep their mappings open with PersistentKeepalive = 25.
public struct Planner: Sendable {
    public var topology: Topology
    /// Private keys to keep, by `HOST/IFACE`; the others are generated.
    public var keys: [String: WireKey]

    public init(topology: Topology, keys: [String: WireKey] = [:]) {
        self.topology = topology
        self.keys = keys
        for net in topology.networks {
            for h in net.allHosts where self.keys["\(h)/\(net.name)"] == nil {
                self.keys["\(h)/\(net.name)"] = .generatePrivate()
            }
        }
    }

    /// Whether traffic from one party must reach another; the first planning pass allows everything.
    public typealias Reach = (IntentParty, IntentParty) -> Bool

    /// Every file of the plan, by relative path (`hub/wg0.conf`, `hub/host.yaml`, `intent.yaml`).
    public func files(reach: Reach = { _, _ in true }) -> [String: String] {
        var files: [String: String] = [:]
        for net in topology.networks {
            for h in net.allHosts {
                files["\(h)/\(net.name).conf"] = config(host: h, network: net, reach: reach)
            }
        }
        for host in topology.hosts where topology.networks.contains(where: { $0.allHosts.contains(host.name) }) {
            files["\(host.name)/host.yaml"] = facts(host)
        }
        if topology.intent.isStated { files["intent.yaml"] = IntentPrinter.print(topology.intent) }
        return files
    }

    // MARK: addresses

    /// The tunnel addresses of a host on a network: the hub takes .1, members follow in order.
    public func addresses(of host: String, on net: Topology.WireNetwork) -> [IPAddress] {
        guard let i = net.allHosts.firstIndex(of: host) else { return [] }
        return net.subnets.map {
            $0.address.withLeftAligned($0.address.leftAligned + (UInt128(i + 1) << UInt128(128 - $0.address.bitWidth)))
        }
    }

    /// Every address of a host with the prefix it stands for: tunnel addresses (as /32, /128) and LANs.
    func places(of host: String) -> [(prefix: IPPrefix, probe: IPAddress)] {
        var out: [(IPPrefix, IPAddress)] = []
        for net in topology.networks where net.allHosts.contains(host) {
            out += addresses(of: host, on: net).map { (IPPrefix.host($0), $0) }
        }
        for lan in topology.host(host)?.lans ?? [] { out.append((lan, lanAddress(lan))) }
        return out
    }

    func lanAddress(_ lan: IPPrefix) -> IPAddress {
        lan.address.withLeftAligned(lan.address.leftAligned + (UInt128(1) << UInt128(128 - lan.address.bitWidth)))
    }

    /// The hub networks a hub forwards between: every network it is the hub of.
    func hubNetworks(_ hub: String) -> [Topology.WireNetwork] { topology.networks.filter { $0.hub == hub } }

    /// True when `a` may start traffic to `b` or answer `b`: the prefixes a client must route to the hub.
    func related(_ a: String, _ aAddr: IPAddress, _ b: String, _ bAddr: IPAddress, _ reach: Reach) -> Bool {
        reach(IntentParty(host: a, address: aAddr), IntentParty(host: b, address: bAddr))
            || reach(IntentParty(host: b, address: bAddr), IntentParty(host: a, address: aAddr))
    }

    // MARK: configs

    func config(host name: String, network net: Topology.WireNetwork, reach: Reach) -> String {
        let host = topology.host(name)!
        let key = keys["\(name)/\(net.name)"]!
        let isHub = net.hub == name
        let mine = addresses(of: name, on: net)
        var out = "# \(name)/\(net.name), written by wiresmith plan from \(topology.file); plan again keeps the keys\n"
        out += "[Interface]\n"
        out += "PrivateKey = \(key.base64)\n"
        out +=
            "Address = "
            + zip(mine, net.subnets).map { isHub ? "\($0)/\($1.length)" : "\($0)/\($0.bitWidth)" }.joined(
                separator: ", ")
            + "\n"
        if listens(name, net) { out += "ListenPort = \(net.port)\n" }
        if !isHub {
            let dns = host.dns.isEmpty ? topology.dns : host.dns
            if !dns.isEmpty { out += "DNS = \(dns.joined(separator: ", "))\n" }
        }
        if let mtu = host.mtu ?? topology.mtu { out += "MTU = \(mtu)\n" }
        for (up, down) in hooks(host: host, network: net, reach: reach) {
            out += "PostUp = \(up)\n"
            if let down { out += "PostDown = \(down)\n" }
        }
        for peerName in net.allHosts where peerName != name && (isHub || net.hub == nil || peerName == net.hub) {
            let peer = topology.host(peerName)!
            let peerKey = keys["\(peerName)/\(net.name)"]!
            out += "\n[Peer]\n# \(peerName)/\(net.name)\n"
            out += "PublicKey = \(peerKey.publicKey.base64)\n"
            let allowed: [IPPrefix]
            if net.hub == nil || isHub {
                allowed = addresses(of: peerName, on: net).map(IPPrefix.host) + peer.lans
            } else {
                allowed = clientRoutes(client: name, network: net, reach: reach)
            }
            out += "AllowedIPs = \(allowed.map(\.description).joined(separator: ", "))\n"
            if let a = peer.publicAddress, self.listens(peerName, net) {
                out += "Endpoint = \(a.isIPv4 ? a.description : "[\(a)]"):\(net.port)\n"
            }
            if host.behindNAT { out += "PersistentKeepalive = 25\n" }
        }
        return out
    }

    /// The hub listens, every member of a mesh, and every client with a public address (so the hub can dial it
    /// before it has sent anything).
    func listens(_ name: String, _ net: Topology.WireNetwork) -> Bool {
        net.hub == nil || net.hub == name || topology.host(name)?.reachable == true
    }

    /// What a hub-and-spoke client routes to its hub.
    func clientRoutes(client: String, network net: Topology.WireNetwork, reach: Reach) -> [IPPrefix] {
        guard let hub = net.hub, let me = topology.host(client) else { return [] }
        if me.fullTunnel { return [IPPrefix("0.0.0.0/0")!, IPPrefix("::/0")!] }
        let mine = addresses(of: client, on: net)
        func myAddress(_ family: IPAddress) -> IPAddress? { mine.first { $0.isIPv4 == family.isIPv4 } }
        var candidates: [(IPPrefix, [(String, IPAddress)])] = []
        for other in hubNetworks(hub) {
            for (i, s) in other.subnets.enumerated() {
                let targets = other.allHosts.filter { $0 != client }.map { ($0, addresses(of: $0, on: other)[i]) }
                candidates.append((s, targets))
            }
            for m in other.allHosts where m != client {
                for lan in topology.host(m)?.lans ?? [] where !candidates.contains(where: { $0.0 == lan }) {
                    candidates.append((lan, [(m, lanAddress(lan))]))
                }
            }
        }
        var out: [IPPrefix] = []
        for (prefix, targets) in candidates {
            guard let from = myAddress(prefix.address) else { continue }
            let wanted = targets.filter { related(client, from, $0.0, $0.1, reach) || $0.0 == hub }
            if wanted.count == targets.count {
                out.append(prefix)
            } else if prefix.length < prefix.address.bitWidth
                && targets.allSatisfy({
                    prefix.contains($0.1) && !(topology.host($0.0)?.lans.contains(prefix) ?? false)
                })
            {
                out += wanted.map { IPPrefix.host($0.1) }
            }
        }
        return out
    }

    // MARK: hooks

    /// PostUp/PostDown pairs. Every PostUp is idempotent (sysctl, `nft add table`, `nft flush table`,
    /// `nft add chain` with the same definition), so a rerun after a failed `up` succeeds, and no PostUp depends on
    /// state a PostDown may have left: wg-quick cannot stop halfway with rules that a second `up` then trips over.
    func hooks(host: Topology.Host, network net: Topology.WireNetwork, reach: Reach) -> [(String, String?)] {
        var out: [(String, String?)] = []
        let isHub = net.hub == host.name
        let forwards = isHub || !host.lans.isEmpty
        guard forwards else { return out }
        if net.subnets.contains(where: { $0.address.isIPv4 }) || host.lans.contains(where: { $0.address.isIPv4 }) {
            out.append(("sysctl -w net.ipv4.ip_forward=1", nil))
        }
        if net.subnets.contains(where: { $0.address.isIPv6 }) || host.lans.contains(where: { $0.address.isIPv6 }) {
            out.append(("sysctl -w net.ipv6.conf.all.forwarding=1", nil))
        }
        guard isHub else { return out }
        let tableName = net.name.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
        let table = "inet wiresmith_\(tableName)"
        var rules: [String] = []
        // Isolation: traffic entering from this interface's clients to anyone the intent denies them.
        let destinations = hubNetworks(host.name).flatMap { $0.allHosts }.filter { $0 != host.name }
        let uniqueDestinations = destinations.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for client in net.members.map(\.name) {
            for src in places(of: client) {
                for dst in uniqueDestinations + [host.name] where dst != client {
                    for t in places(of: dst) where t.probe.isIPv4 == src.probe.isIPv4 {
                        if dst == host.name && !host.lans.contains(t.prefix) { continue }
                        let from = IntentParty(host: client, address: src.probe)
                        let to = IntentParty(host: dst, address: t.probe)
                        if !reach(from, to) {
                            let ip = src.probe.isIPv4 ? "ip" : "ip6"
                            rules.append(
                                "nft add rule \(table) forward iifname \(net.name) \(ip) saddr \(src.prefix) "
                                    + "\(ip) daddr \(t.prefix) drop")
                        }
                    }
                }
            }
        }
        let fullTunnel = net.members.contains { topology.host($0.name)?.fullTunnel == true }
        guard !rules.isEmpty || fullTunnel else { return out }
        out.append(("nft add table \(table)", "nft delete table \(table)"))
        out.append(("nft flush table \(table)", nil))
        if !rules.isEmpty {
            out.append(
                ("nft add chain \(table) forward '{ type filter hook forward priority 0; policy accept; }'", nil))
            out.append(("nft add rule \(table) forward ct state established,related accept", nil))
            out += rules.map { ($0, nil) }
        }
        if fullTunnel {
            out.append(("nft add chain \(table) postrouting '{ type nat hook postrouting priority 100; }'", nil))
            for s in net.subnets {
                let ip = s.address.isIPv4 ? "ip" : "ip6"
                out.append(
                    ("nft add rule \(table) postrouting \(ip) saddr \(s) oifname \(host.uplink) masquerade", nil))
            }
        }
        return out
    }

    // MARK: host.yaml

    /// The facts the loader needs that configs cannot say (HostFacts): where the host sits and its LANs.
    func facts(_ host: Topology.Host) -> String {
        var out = "# \(host.name), written by wiresmith plan from \(topology.file)\n"
        if let a = host.publicAddress { out += "public_addresses: [\(a)]\n" }
        out += "behind_nat: \(host.behindNAT)\n"
        if host.uplink != "eth0" { out += "uplink: \(host.uplink)\n" }
        if !host.lans.isEmpty {
            out += "lans:\n"
            for (i, lan) in host.lans.enumerated() {
                out += "  - { name: lan\(i + 1), prefix: \(lan), interface: eth\(i + 1), gateway: true }\n"
            }
        }
        return out
    }
}
