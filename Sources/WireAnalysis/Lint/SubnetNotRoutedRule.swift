import WireConfig

/// Finds a LAN behind a host (host.yaml `lans`) missing from the AllowedIPs on the way to it. Directly: a peer of
/// the LAN's gateway does not route the LAN to it although the LAN is evidently meant to be reached through the
/// tunnel (the peer has LANs of its own, as in site-to-site, or another peer routes it there); packets to the LAN
/// never enter the tunnel, and the gateway's LAN hosts are dropped as sources. Through a relay: a peer routes
/// another host's LAN to a hub that has no route on to it, so the hub drops or misroutes them.
struct SubnetNotRoutedRule: LintRule {
    var codes: [FindingCode] { [.subnetNotRouted] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        var lanItems: [(IPPrefix, (host: String, lan: LAN))] = []
        for h in context.network.hosts {
            for lan in context.facts(h.name).lans { lanItems.append((lan.prefix, (h.name, lan))) }
        }
        guard !lanItems.isEmpty else { return [] }
        let lanTable = PrefixTrie(grouping: lanItems)

        // How many links into each host route part of each of its LANs.
        var routers: [String: [IPPrefix: Int]] = [:]
        for h in context.network.hosts {
            let lans = context.facts(h.name).lans
            guard !lans.isEmpty else { continue }
            for li in context.incoming[h.name] ?? [] {
                for lan in lans where context.links[li].peer.allowedIPs.contains(where: { $0.overlaps(lan.prefix) }) {
                    routers[h.name, default: [:]][lan.prefix, default: 0] += 1
                }
            }
        }

        for link in context.links {
            guard let x = link.remote, link.reverse != nil, x.host != link.local.host else { continue }
            let mine = !context.facts(link.local.host).lans.isEmpty
            for lan in context.facts(x.host).lans where !link.peer.allowedIPs.covers(lan.prefix) {
                let partial = link.peer.allowedIPs.contains { $0.overlaps(lan.prefix) }
                let others = (routers[x.host]?[lan.prefix] ?? 0) - (partial ? 1 : 0)
                guard mine || others > 0 || partial else { continue }
                let at = context.location(link, .allowedIPs)
                out.append(
                    Finding(
                        .subnetNotRouted, .warning, hosts: [link.local.host, x.host], interfaces: [link.local, x],
                        locations: [at] + (context.facts(x.host).facts.location(of: "lans").map { [$0] } ?? []),
                        message: "\(x.host)'s LAN \(lan.name) \(lan.prefix) is " + (partial ? "only partly" : "not")
                            + " in the AllowedIPs \(link.local) keeps for \(x) (\(link.peer.allowedIPs.listed)): "
                            + "packets to it never enter the tunnel and its hosts' packets are dropped on arrival",
                        fix: "add \(lan.prefix) to AllowedIPs at \(at.fileLine)"))
            }
            // Through a relay: what this section routes to x that belongs to a third host's LAN.
            for q in link.peer.allowedIPs where !q.isDefaultRoute {
                for entry in lanTable.overlapping(q, limit: 16) {
                    let (owner, lan) = entry.value
                    guard owner != x.host, owner != link.local.host else { continue }
                    let wanted = q.length > lan.prefix.length ? q : lan.prefix
                    let hasRoute =
                        !(context.routes[x.host]?.containing(wanted).isEmpty ?? true)
                        || context.facts(x.host).lans.contains { $0.prefix.contains(wanted) }
                    guard !hasRoute else { continue }
                    let at = context.location(link, prefix: q)
                    out.append(
                        Finding(
                            .subnetNotRouted, .warning, hosts: [x.host, link.local.host, owner],
                            interfaces: [x, link.local],
                            locations: [
                                SourceLocation(
                                    file: context.interface(x)?.file ?? "",
                                    line: 1), at,
                            ],
                            message: "\(link.local) routes \(q) (\(owner)'s LAN \(lan.name) \(lan.prefix)) to \(x) "
                                + "(\(at.fileLine)), but \(x.host) has no route on to \(wanted): no peer of it "
                                + "has it in "
                                + "its AllowedIPs",
                            fix: "add \(wanted) to the AllowedIPs \(x.host) keeps for \(owner)'s interface"))
                }
            }
        }
        return out
    }
}
