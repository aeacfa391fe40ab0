import WireConfig

/// Finds spokes of a hub whose AllowedIPs for the hub cover only the hub's own addresses (typically its /32).
/// Packets from one spoke to another never enter the tunnel (no route), so spokes cannot reach each other through
/// the hub even when it forwards. A warning when the hub forwards (relaying looks intended), info otherwise
/// (isolated clients may be the design).
struct ClientToClientBlockedRule: LintRule {
    var codes: [FindingCode] { [.clientToClientBlocked] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for hub in context.usable {
            let spokes = (context.linksByInterface[hub.id] ?? []).map { context.links[$0] }
                .filter { $0.remote != nil && $0.reverse != nil && $0.peer.endpoint == nil }
            guard spokes.count > 1 else { continue }
            let own = hub.config.interface.addresses.map(\.address)
            guard !own.isEmpty else { continue }
            let facts = context.facts(hub.host)
            for link in spokes {
                guard let spoke = link.remote, let back = link.reverse, !back.allowedIPs.isEmpty,
                    back.allowedIPs.allSatisfy({ p in
                        own.contains { p.contains($0) } && p.length == p.address.bitWidth
                    })
                else { continue }
                let family = IPFamily(own[0])
                let forwards = facts.forwarding(family).value
                let subnets = hub.config.interface.addresses.map(\.network).filter { $0.length < $0.address.bitWidth }
                let at = back.origin?.location(of: .allowedIPs) ?? SourceLocation(file: "", line: 1)
                let others = spokes.filter { $0.remote != spoke }.prefix(3).compactMap(\.remote)
                out.append(
                    Finding(
                        .clientToClientBlocked, forwards ? .warning : .info, hosts: [spoke.host, hub.host],
                        interfaces: [spoke, hub.id], locations: [at],
                        message:
                            "\(spoke) routes only \(back.allowedIPs.listed) (\(hub.qualifiedName) itself) into the "
                            + "tunnel: it cannot reach the other peers of \(hub.qualifiedName) ("
                            + others.map(\.description).joined(separator: ", ")
                            + (spokes.count - 1 > others.count ? ", ..." : "") + ")"
                            + (forwards ? " although \(hub.host) forwards" : ""),
                        fix: subnets.isEmpty
                            ? "add the other peers' addresses to AllowedIPs at \(at.fileLine) if they should be reached"
                            : "set `AllowedIPs = \(subnets.listed)` at \(at.fileLine) if the peers should reach each "
                                + "other"))
            }
        }
        return out
    }
}
