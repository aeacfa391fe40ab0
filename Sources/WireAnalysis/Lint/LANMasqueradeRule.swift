import WireConfig

/// Finds a LAN behind a host, reached from the tunnels, whose machines do not send their replies back through that
/// host. When the LAN uses another router (host.yaml `gateway: false`; a doctor snapshot's LAN probe that a machine
/// there answered from the host's own address and not from its tunnel address; or a LAN machine's snapshot whose
/// route back to the tunnel does not go via the host), relayed packets arrive
/// with tunnel source addresses the LAN routes elsewhere: they need MASQUERADE out of the LAN link (or a route on
/// the LAN's router). `masquerade-missing` when no source NAT rule covers the LAN link;
/// `masquerade-wrong-interface` when the host's MASQUERADE names another link (not counting the uplink's when the
/// host is also an internet gateway). Rules come from host.yaml, the PostUp lines and snapshots (`EffectiveFacts`).
struct LANMasqueradeRule: LintRule {
    var codes: [FindingCode] { [.masqueradeMissing, .masqueradeWrongInterface] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            let facts = context.facts(host.name)
            let lans = facts.lans.filter { $0.gateway == false }
            guard !lans.isEmpty, let incoming = context.incoming[host.name] else { continue }
            let internetGateway = incoming.contains { li in
                context.links[li].peer.allowedIPs.contains { $0.isDefaultRoute }
            }
            for lan in lans {
                let family = IPFamily(lan.prefix.address)
                // Peers that route (part of) the LAN into this host, with their addresses the LAN sees as sources.
                var clients: [(LintContext.PeerLink, IPAddress)] = []
                for li in incoming {
                    let link = context.links[li]
                    guard link.peer.allowedIPs.contains(where: { $0.overlaps(lan.prefix) }) else { continue }
                    for a in context.hostAddresses(link.local) where IPFamily(a) == family {
                        if facts.masqueradeRule(family: family, outInterface: lan.interface, source: a) == nil {
                            clients.append((link, a))
                        }
                    }
                }
                guard let (link, addr) = clients.first else { continue }
                let gatewayAt = lan.gatewayEvidence ?? facts.facts.location(of: "lans")
                let why: String
                if let seen = lan.gatewayEvidence {
                    why =
                        seen.path?.hasPrefix("traffic.lanProbes") == true
                        ? "a machine there answers \(host.name)'s own address but not its tunnel address"
                        : "the routing table of a machine there (\(seen.file)) does not send replies to the tunnel "
                            + "via \(lan.hostAddress)"
                } else {
                    why = "host.yaml says `gateway: false`"
                }
                let who =
                    "\(link.local) (\(addr))" + (clients.count > 1 ? " and \(clients.count - 1) more" : "")
                let subnet = context.hostAddresses(link.local).first.map { IPPrefix.host($0).description } ?? "\(addr)"
                let others = facts.masquerade.filter {
                    ($0.family == nil || $0.family == family)
                        && !EffectiveFacts.interface($0.outInterface, matches: lan.interface)
                        && !(internetGateway && EffectiveFacts.interface($0.outInterface, matches: facts.uplink))
                }
                let tool = family == .ipv4 ? "iptables" : "ip6tables"
                let file = host.interfaces.first { LintContext.isUsable($0) }?.file ?? host.name
                let fix =
                    "add `PostUp = \(tool) -t nat -A POSTROUTING -o \(lan.interface) -j MASQUERADE` (and the "
                    + "matching PostDown with -D) to \(file), or route \(subnet) via \(lan.hostAddress) on the LAN's "
                    + "router"
                let common =
                    "the machines of \(host.name)'s LAN \(lan.name) (\(lan.prefix) on \(lan.interface)) use another "
                    + "router (\(why)); \(who) reach it through \(host.name)"
                if let wrong = others.first {
                    out.append(
                        Finding(
                            .masqueradeWrongInterface, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: [wrong.location, gatewayAt].compactMap { $0 }
                                + [context.location(link, .allowedIPs)],
                            message: common + ", but \(host.name)'s MASQUERADE names -o \(wrong.outInterface ?? "?"), "
                                + "not \(lan.interface): their packets reach the LAN with tunnel source addresses and "
                                + "the replies go to the other router",
                            fix: fix))
                } else {
                    out.append(
                        Finding(
                            .masqueradeMissing, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: [gatewayAt].compactMap { $0 } + [context.location(link, .allowedIPs)],
                            message: common + ", but \(host.name) has no MASQUERADE out of \(lan.interface): their "
                                + "packets reach the LAN with tunnel source addresses and the replies go to the other "
                                + "router",
                            fix: fix))
                }
            }
        }
        return out
    }
}
