import WireConfig

extension NetworkLoader {
    /// `hosts` with each LAN's `gateway` read from the routing table of a machine on it, when that machine's doctor
    /// snapshot is among the hosts (a host with no WireGuard interface, seen running, holding an address of the
    /// LAN other than its host's). The machine routes its replies to the host's tunnel addresses through the host
    /// when its route for them goes `via` the host's LAN address: `gateway: true`; when that route goes via
    /// another router, or it has none: `gateway: false` (its replies to relayed peers never reach the host), with
    /// the route (or the machine's table) as evidence. A LAN whose gateway is stated (host.yaml) or already seen
    /// (a LAN probe) keeps it. The machine's link on the LAN is not a LAN of its own (it is the host's, seen from
    /// inside).
    static func lanGatewaysSeen(_ hosts: [Host]) -> [Host] {
        let machines = hosts.indices.filter { hosts[$0].interfaces.isEmpty && hosts[$0].facts.observedRoutes != nil }
        guard !machines.isEmpty else { return hosts }
        var out = hosts
        for (h, host) in hosts.enumerated() where !host.interfaces.isEmpty {
            for (l, lan) in host.facts.lans.enumerated() {
                let family = IPFamily(lan.prefix.address)
                // The host's tunnel addresses of the LAN's family: where relayed peers' packets come from.
                let tunnel = host.interfaces.flatMap { $0.config.interface.addresses }.map(\.address)
                    .filter { IPFamily($0) == family }
                let stated = lan.gateway != nil
                var routedBack: SourceLocation?
                for m in machines {
                    let machine = hosts[m]
                    guard
                        machine.facts.publicAddresses.contains(where: {
                            lan.prefix.contains($0) && $0 != lan.hostAddress
                        })
                    else { continue }
                    // Its link on the LAN is the host's LAN seen from inside, not a LAN of its own.
                    out[m].facts.lans.removeAll { $0.prefix.overlaps(lan.prefix) }
                    guard !stated, out[h].facts.lans[l].gateway == nil, let probe = tunnel.first else { continue }
                    let table = RoutingTable(host: machine, facts: EffectiveFacts(host: machine))
                    let route = table.lookup(probe)
                    let seen =
                        route?.location ?? SourceLocation(file: machine.facts.file ?? machine.name, path: "routes")
                    if route?.via == lan.hostAddress {
                        routedBack = routedBack ?? seen
                    } else {
                        // One machine that does not route back is enough.
                        out[h].facts.lans[l].gateway = false
                        out[h].facts.lans[l].gatewayEvidence = seen
                    }
                }
                if let seen = routedBack, out[h].facts.lans[l].gateway == nil {
                    out[h].facts.lans[l].gateway = true
                    out[h].facts.lans[l].gatewayEvidence = seen
                }
            }
        }
        return out
    }
}
