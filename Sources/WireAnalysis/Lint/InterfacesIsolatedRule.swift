import WireConfig

/// Finds a host with two or more WireGuard interfaces whose peers cannot reach each other at all: no peer of one
/// interface routes anything the host sends on over another, and the host does not forward. That may be the
/// design (two separate VPNs), so it is info; but it is also what a hub with wg0 and wg1 looks like when the
/// clients' AllowedIPs miss the other subnet and forwarding was never turned on.
struct InterfacesIsolatedRule: LintRule {
    var codes: [FindingCode] { [.interfacesIsolated] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            let ifaces = host.interfaces.filter { i in
                LintContext.isUsable(i)
                    && (context.linksByInterface[i.id] ?? []).contains { context.links[$0].reverse != nil }
            }
            guard ifaces.count > 1 else { continue }
            let facts = context.facts(host.name)
            guard !facts.ipv4Forwarding.value, !facts.ipv6Forwarding.value else { continue }
            let crosses = (context.incoming[host.name] ?? []).contains { li in
                let link = context.links[li]
                return link.peer.allowedIPs.contains { q in
                    if context.isOwn(q, of: host.name) { return false }
                    return q.isDefaultRoute
                        || (context.routes[host.name]?.overlapping(q, limit: 8) ?? []).contains {
                            context.links[$0.value].local != link.remote && context.links[$0.value].remote != link.local
                        }
                }
            }
            guard !crosses else { continue }
            let subnets = ifaces.map { i in
                "\(i.name) (\(i.config.interface.addresses.map { $0.network.description }.joined(separator: ", ")))"
            }
            out.append(
                Finding(
                    .interfacesIsolated, .info, hosts: [host.name], interfaces: ifaces.map(\.id),
                    locations: ifaces.map {
                        SourceLocation(file: $0.file, line: $0.config.interface.origin?.line ?? 1)
                    },
                    message: "the peers of \(subnets.joined(separator: " and ")) on \(host.name) cannot reach each "
                        + "other: no peer routes another interface's subnet to \(host.name), and it does not forward",
                    fix: "if they should: add the other interfaces' subnets to each client's AllowedIPs for "
                        + "\(host.name) and turn on forwarding (`PostUp = sysctl -w net.ipv4.ip_forward=1`)"))
        }
        return out
    }
}
