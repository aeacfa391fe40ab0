import WireConfig

/// Finds spokes of a hub whose AllowedIPs for the hub cover only the hub's own addresses (typically its /32).
/// Packets from one spoke to another never enter the tunnel (no route), so spokes cannot reach each other through
/// the hub even when it forwards. A warning when the hub forwards (relaying looks intended), info otherwise
/// (isolated clients may be the design). Spokes are counted across all of the hub's interfaces, so clients of a
/// two-interface hub (one on wg0, one on wg1) that route only the hub's /32 are found on both.
struct ClientToClientBlockedRule: LintRule {
    var codes: [FindingCode] { [.clientToClientBlocked] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for hubs in Self.byHost(context.usable) {
            // A host with at most one link cannot have two spokes (most hosts of a big network are clients).
            var linkCount = 0
            for hub in hubs { linkCount += context.linksByInterface[hub.id]?.count ?? 0 }
            guard linkCount > 1 else { continue }
            let spokesOf = hubs.map { hub in
                (context.linksByInterface[hub.id] ?? []).map { context.links[$0] }
                    .filter { $0.remote != nil && $0.reverse != nil && $0.peer.endpoint == nil }
            }
            let all = spokesOf.flatMap { $0 }
            guard all.count > 1 else { continue }
            for (hub, spokes) in zip(hubs, spokesOf) {
                out += check(hub, spokes, all: all, context)
            }
        }
        return out
    }

    /// The interfaces grouped by host, hosts in name order, each host's interfaces in the order given. `usable`
    /// comes in host order already, so runs are taken as they come; any other order is grouped by dictionary.
    static func byHost(_ usable: [TunnelInterface]) -> [[TunnelInterface]] {
        var runs: [[TunnelInterface]] = []
        var inOrder = true
        for i in usable {
            if let last = runs.last?.last {
                if last.host == i.host {
                    runs[runs.count - 1].append(i)
                    continue
                }
                if !(last.host < i.host) { inOrder = false }
            }
            runs.append([i])
        }
        if inOrder { return runs }
        var byHost: [String: [TunnelInterface]] = [:]
        for i in usable { byHost[i.host, default: []].append(i) }
        return byHost.sorted(by: { $0.key < $1.key }).map(\.value)
    }

    func check(
        _ hub: TunnelInterface, _ spokes: [LintContext.PeerLink], all: [LintContext.PeerLink], _ context: LintContext
    )
        -> [Finding]
    {
        var out: [Finding] = []
        do {
            let own = hub.config.interface.addresses.map(\.address)
            guard !own.isEmpty else { return [] }
            let facts = context.facts(hub.host)
            for link in spokes {
                guard let spoke = link.remote, let back = link.reverse, !back.allowedIPs.isEmpty,
                    back.allowedIPs.allSatisfy({ p in
                        own.contains { p.contains($0) } && p.length == p.address.bitWidth
                    })
                else { continue }
                let family = IPFamily(own[0])
                let forwards = facts.forwarding(family).value
                let subnets = (context.network.host(hub.host)?.interfaces ?? [hub]).flatMap {
                    $0.config.interface.addresses.map(\.network)
                }.filter { $0.length < $0.address.bitWidth && IPFamily($0.address) == family }
                let at = back.origin?.location(of: .allowedIPs) ?? SourceLocation(file: "", line: 1)
                let othersAll = all.filter { $0.remote != spoke }.compactMap(\.remote)
                let others = othersAll.prefix(3)
                var f = Finding(
                    .clientToClientBlocked, forwards ? .warning : .info, hosts: [spoke.host, hub.host],
                    interfaces: [spoke, hub.id], locations: [at],
                    message:
                        "\(spoke) routes only \(back.allowedIPs.listed) (\(hub.qualifiedName) itself) into the "
                        + "tunnel: it cannot reach the other peers of \(hub.host) ("
                        + others.map(\.description).joined(separator: ", ")
                        + (othersAll.count > others.count ? ", ..." : "") + ")"
                        + (forwards ? " although \(hub.host) forwards" : ""),
                    fix: subnets.isEmpty
                        ? "add the other peers' addresses to AllowedIPs at \(at.fileLine) if they should be reached"
                        : "set `AllowedIPs = \(subnets.listed)` at \(at.fileLine) if the peers should reach each "
                            + "other")
                f.pairs = othersAll.map {
                    IntentPair(from: IntentParty(host: spoke.host), to: IntentParty(host: $0.host))
                }
                out.append(f)
            }
        }
        return out
    }
}
