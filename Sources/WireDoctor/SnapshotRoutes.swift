import WireAnalysis
import WireConfig
import WireNet

extension HostSnapshot {
    /// The routing table this snapshot recorded (`routes`, from `ip -j route show table all`; `rules`, from
    /// `ip -j rule`), as the analysis consults it (`ObservedRoutes`): the main table's unicast routes, the default
    /// routes of every table wg-quick's rule `not fwmark T lookup T` names (ip-rule(8); wg-quick(8) adds it for
    /// AllowedIPs 0/0), and every other table's routes but `local`, kept for messages. Each route is located as
    /// `FILE: routes[N]`; a default route out of the uplink is the uplink's. nil when the snapshot holds no route
    /// (reading them failed, or a snapshot written by hand): the analysis then builds the table from the
    /// interfaces' addresses and AllowedIPs as wg-quick would.
    func observedRoutes(file: String, uplink: String?) -> ObservedRoutes? {
        guard !routes.isEmpty else { return nil }
        // wg-quick's rule: `not from all fwmark 0xca6c lookup 51820` (ip -j prints "not" and "fwmark").
        let tunnelTables = Set(
            rules.compactMap { r -> String? in
                guard r["not"] != nil, r["fwmark"] != nil else { return nil }
                return r["table"]
            })
        let wgNames = Set(wireguard.map(\.name))
        var seen = ObservedRoutes(main: [])
        for (n, r) in routes.enumerated() {
            guard r.type == "unicast", r.table != "local", let device = r.device,
                let prefix = IPPrefix(r.destination)
            else { continue }
            let at = SourceLocation(file: file, path: "routes[\(n)]")
            let uplinkDefault = prefix.length == 0 && device == uplink
            var route = Route(
                prefix: prefix, device: device, origin: uplinkDefault ? .uplink : .observed,
                table: r.table == "main" ? nil : r.table, location: at, via: r.gateway.flatMap { IPAddress($0) })
            if r.table == "main" {
                seen.main.append(route)
            } else if prefix.length == 0, tunnelTables.contains(r.table), wgNames.contains(device) {
                seen.tunnelDefaults.append(route)
            } else {
                route.origin = .observed
                seen.other.append(route)
            }
        }
        return seen
    }
}
