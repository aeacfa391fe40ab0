import WireConfig

/// Destinations outside the network: a packet leaves through the uplink of the first host whose routes send it
/// there (directly, or relayed by a full-tunnel gateway: forwarding, FORWARD, and MASQUERADE on the uplink for a
/// source the internet cannot answer), and the internet answers to the address it left from.
extension Tracer {
    /// A host sends the packet out of its uplink to the internet.
    func internetEgress(
        _ h: Int, _ pkt: inout Packet, arrivedOn: String?, state: ConnectionState, _ w: inout Walk,
        _ steps: inout [TraceStep]
    ) -> Next {
        let f = facts[h]
        let uplink = f.uplink
        let family = IPFamily(pkt.destination)
        steps.append(
            TraceStep(
                .route, ok: true, "route \(pkt.destination) via the default route out of \(uplink) (the internet)"))
        if let inIf = arrivedOn {
            guard forwardingStep(h, family: family, inIf: inIf, outIf: uplink, &steps),
                filterStep(h, family: family, inIf: inIf, outIf: uplink, pkt, state: state, &steps)
            else { return .dropped }
            if let m = f.masqueradeRule(family: family, outInterface: uplink, source: pkt.source) {
                let natAddress = f.publicAddresses.first { IPFamily($0) == family }
                steps.append(
                    TraceStep(
                        .masquerade, ok: true,
                        "MASQUERADE on \(uplink) rewrites the source \(pkt.source) to "
                            + (natAddress.map { "\($0)" } ?? "\(uplink)'s address"),
                        setting: "MASQUERADE", location: m.location))
                if let natAddress {
                    w.nat[h, default: [:]][natAddress] = pkt.source
                    pkt.source = natAddress
                }
            } else if !Self.isGlobal(pkt.source) {
                let tool = family == .ipv4 ? "iptables" : "ip6tables"
                let file = hookFile(h, [inIf])
                let wrong = f.masquerade.first { ($0.family == nil || $0.family == family) && $0.outInterface != nil }
                steps.append(
                    TraceStep(
                        .masquerade, ok: false,
                        "\(pkt.source) leaves \(network.hosts[h].name)'s uplink \(uplink) unchanged: it is a private "
                            + "address, so the internet's replies never come back"
                            + (wrong.map { " (the MASQUERADE rule is for \($0.outInterface!), not \(uplink))" } ?? ""),
                        setting: "MASQUERADE", location: wrong?.location, notSetIn: wrong == nil ? file : nil,
                        fix: wrong.map { w in
                            "change `-o \(w.outInterface!)` to `-o \(uplink)` in the MASQUERADE rule"
                                + (w.location.map { " at \($0.fileLine)" } ?? "")
                        }
                            ?? "add `PostUp = \(tool) -t nat -A POSTROUTING -o \(uplink) -j MASQUERADE` to the "
                            + "[Interface] of \(file)"))
                return .dropped
            }
        }
        steps.append(TraceStep(.internet, ok: true, "out of \(uplink) to the internet"))
        w.internetExit = (h, uplink)
        return .forward(to: .internet(pkt.destination), arrivedOn: uplink, carried: [])
    }

    /// The internet: answers a packet that reached it, and carries the reply back to the host it came from.
    func internetHop(_ a: IPAddress, _ pkt: Packet, arrivedOn: String?, _ w: inout Walk, _ steps: inout [TraceStep])
        -> Next
    {
        if arrivedOn != nil {
            steps.append(TraceStep(.deliver, ok: true, "\(a) on the internet answers"))
            return .delivered
        }
        guard let exit = w.internetExit else {
            steps.append(TraceStep(.internet, ok: false, "the internet has no way back to \(pkt.destination)"))
            return .dropped
        }
        steps.append(
            TraceStep(.internet, ok: true, "the reply comes back to \(network.hosts[exit.host].name)'s \(exit.uplink)"))
        return .forward(to: .host(exit.host), arrivedOn: exit.uplink, carried: [])
    }
}
