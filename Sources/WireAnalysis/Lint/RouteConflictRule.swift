import WireConfig

/// Finds AllowedIPs (or PostUp `ip route add`) prefixes that another interface or LAN of the same host already
/// routes. wg-quick adds one route per AllowedIPs entry with `ip route add PREFIX dev IFACE`; when the main table
/// already holds that prefix on another device (the other tunnel's subnet, a LAN, another tunnel's AllowedIPs)
/// the kernel answers "RTNETLINK answers: File exists" and `wg-quick up` of the second interface aborts. Routes
/// are built by trace's `RoutingTable`, so lint and trace agree on what a host's table holds.
struct RouteConflictRule: LintRule {
    var codes: [FindingCode] { [.routeConflict] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts
        where host.interfaces.count > 1 || !context.facts(host.name).lans.isEmpty
            || !context.facts(host.name).routes.isEmpty
        {
            let table = RoutingTable(host: host, facts: context.facts(host.name))
            for c in table.conflicts where c.origin == .allowedIPs || c.origin == .hook {
                guard
                    let existing = table.routes.first(where: {
                        $0.table == nil && $0.prefix == c.prefix
                            && $0.device != c.device
                    })
                else { continue }
                let what: String
                switch existing.origin {
                case .address: what = "the subnet of \(existing.device)'s Address"
                case .lan: what = "a LAN route"
                case .allowedIPs: what = "\(existing.device)'s AllowedIPs"
                case .hook: what = "a PostUp route"
                case .uplink: what = "the uplink route"
                case .observed: what = "a route of the running host"
                }
                let id = Network.InterfaceID(host: host.name, interface: c.device)
                let step = c.origin == .hook ? "the PostUp" : "`wg-quick up \(c.device)`"
                out.append(
                    Finding(
                        .routeConflict, .error, hosts: [host.name],
                        interfaces: [id, Network.InterfaceID(host: host.name, interface: existing.device)],
                        locations: [c.location, existing.location].compactMap { $0 },
                        message:
                            "`ip route add \(c.prefix) dev \(c.device)` fails with \"File exists\": \(c.prefix) is "
                            + "already \(what) (\(existing)) on \(host.name), so \(step) aborts",
                        fix: "remove \(c.prefix) from " + (c.location.map { "\($0.fileLine)" } ?? c.device)
                            + ", or route it through one interface only (use `Table = off` and your own routes if both "
                            + "must carry it)"))
            }
        }
        return out
    }
}
