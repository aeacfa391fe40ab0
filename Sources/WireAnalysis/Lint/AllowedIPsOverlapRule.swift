import WireConfig

/// Finds AllowedIPs that two peers of one interface both claim. wg keeps one owner per prefix: for the same prefix
/// the section listed later takes it and the earlier peer silently loses that traffic (and its packets from there
/// are dropped): an error. For nested prefixes the longest prefix wins, so the narrower range goes to its peer and
/// the rest to the other: a warning, as hubs sometimes mean it. Two default routes are `full-tunnel-conflict`.
///
/// One sorted sweep per interface: prefixes either nest or are disjoint, so a stack of enclosing prefixes finds
/// every overlap in O(n log n).
struct AllowedIPsOverlapRule: LintRule {
    var codes: [FindingCode] { [.allowedIPsOverlap, .fullTunnelConflict] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.usable {
            let linkIdx = context.linksByInterface[i.id] ?? []
            guard linkIdx.count > 1 else { continue }
            // Group equal prefixes; each group's owner is the last section listing it.
            var groups: [IPPrefix: [Int]] = [:]
            for (n, li) in linkIdx.enumerated() {
                for p in context.links[li].peer.allowedIPs where groups[p]?.last != n {
                    groups[p, default: []].append(n)
                }
            }
            let sorted = groups.keys.sorted {
                ($0.address.isIPv6 ? 1 : 0, $0.address.leftAligned, $0.length)
                    < ($1.address.isIPv6 ? 1 : 0, $1.address.leftAligned, $1.length)
            }
            var stack: [IPPrefix] = []
            for p in sorted {
                let owners = groups[p]!
                let winner = owners.last!
                for loser in owners.dropLast() {
                    out.append(identical(context, i, p, loser: linkIdx[loser], winner: linkIdx[winner]))
                }
                while let top = stack.last, !top.contains(p) { stack.removeLast() }
                if let outer = stack.last(where: { groups[$0]!.last! != winner }), !outer.isDefaultRoute {
                    out.append(
                        nested(
                            context, i, inner: p, innerLink: linkIdx[winner], outer: outer,
                            outerLink: linkIdx[groups[outer]!.last!]))
                }
                stack.append(p)
            }
        }
        return out
    }

    func identical(_ c: LintContext, _ i: TunnelInterface, _ p: IPPrefix, loser: Int, winner: Int) -> Finding {
        let l = c.links[loser]
        let w = c.links[winner]
        let lat = c.location(l, prefix: p)
        let wat = c.location(w, prefix: p)
        if p.isDefaultRoute {
            return Finding(
                .fullTunnelConflict, .error, hosts: [i.host],
                interfaces: [i.id] + [l.remote, w.remote].compactMap { $0 },
                locations: [lat, wat],
                message: "both \(c.name(of: l)) (\(lat.fileLine)) and \(c.name(of: w)) (\(wat.fileLine)) claim \(p): "
                    + "wg gives it to the later section, so all traffic leaves through \(c.name(of: w)) and "
                    + "\(c.name(of: l)) is only reached by its narrower prefixes",
                fix: "keep \(p) on the one exit peer; give the other only its own addresses")
        }
        return Finding(
            .allowedIPsOverlap, .error, hosts: [i.host], interfaces: [i.id] + [l.remote, w.remote].compactMap { $0 },
            locations: [lat, wat],
            message: "\(p) is in the AllowedIPs of both \(c.name(of: l)) (\(lat.fileLine)) and \(c.name(of: w)) "
                + "(\(wat.fileLine)): wg gives it to the later section, \(c.name(of: w)); \(c.name(of: l)) loses "
                + "all traffic to \(p) and its packets from there are dropped",
            fix: "remove \(p) from one of the two sections (\(lat.fileLine) or \(wat.fileLine))")
    }

    func nested(
        _ c: LintContext, _ i: TunnelInterface, inner: IPPrefix, innerLink: Int, outer: IPPrefix,
        outerLink: Int
    ) -> Finding {
        let a = c.links[innerLink]
        let b = c.links[outerLink]
        let aat = c.location(a, prefix: inner)
        let bat = c.location(b, prefix: outer)
        return Finding(
            .allowedIPsOverlap, .warning, hosts: [i.host], interfaces: [i.id] + [a.remote, b.remote].compactMap { $0 },
            locations: [aat, bat],
            message: "\(inner) of \(c.name(of: a)) (\(aat.fileLine)) lies inside \(outer) of \(c.name(of: b)) "
                + "(\(bat.fileLine)): the longest prefix wins, so \(c.name(of: b)) never gets traffic to \(inner)",
            fix: "if \(c.name(of: b)) should not reach \(inner) this is fine; otherwise remove \(inner) from "
                + "\(aat.fileLine)")
    }
}
