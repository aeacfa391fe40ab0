import WireConfig

/// Relay checks (forwarding, FORWARD chain) and the "where should the route come from" suggestion.
extension Tracer {
    /// The config file where a hook for a relay between `inIf` and `outIf` belongs (the tunnel one), else the
    /// facts file.
    func hookFile(_ h: Int, _ interfaces: [String]) -> String {
        let host = network.hosts[h]
        for name in interfaces { if let i = host.interface(name) { return i.file } }
        return factsFile(h)
    }

    /// The host's facts file, or where the loader would look for it (beside the host's configs).
    func factsFile(_ h: Int) -> String {
        if let file = facts[h].facts.file { return file }
        let name = network.hosts[h].name
        guard let config = network.hosts[h].interfaces.first?.file else { return "\(name)/host.yaml" }
        let dir = config.lastIndex(of: "/").map { String(config[..<$0]) } ?? ""
        let folder = dir.split(separator: "/").last.map(String.init) ?? ""
        let prefix = dir.isEmpty ? "" : dir + "/"
        return folder == name ? "\(prefix)host.yaml" : "\(prefix)\(name).host.yaml"
    }

    func forwardingStep(_ h: Int, family: IPFamily, inIf: String, outIf: String, _ steps: inout [TraceStep])
        -> Bool
    {
        let name = network.hosts[h].name
        let fact = facts[h].forwarding(family)
        let setting = family == .ipv4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding"
        if fact.value {
            steps.append(
                TraceStep(
                    .forwarding, ok: true, "\(setting) = 1: \(name) forwards from \(inIf) to \(outIf)",
                    setting: setting, location: fact.source.location))
            return true
        }
        // Forwarding is host-wide: its PostUp goes in the host's first config, the one lint's fix names too.
        let file = hookFile(
            h,
            [
                (network.hosts[h].interfaces.first { $0.isValid } ?? network.hosts[h].interfaces.first)
                    .map(\.name) ?? inIf
            ])
        let yaml = family == .ipv4 ? "ipv4" : "ipv6"
        if let loc = fact.source.location {
            steps.append(
                TraceStep(
                    .forwarding, ok: false,
                    "\(setting) = 0 on \(name): it does not forward from "
                        + "\(inIf) to \(outIf)", setting: setting, location: loc,
                    fix: "set \(setting)=1 instead of 0 at \(loc.fileLine)"))
        } else {
            steps.append(
                TraceStep(
                    .forwarding, ok: false,
                    "\(setting) is not set on \(name) (Linux's default is 0): "
                        + "it does not forward from \(inIf) to \(outIf)", setting: setting,
                    notSetIn: file,
                    fix: "add `PostUp = sysctl -w \(setting)=1` to the [Interface] of \(file) (or "
                        + "`forwarding: { \(yaml): true }` in \(factsFile(h)))"))
        }
        return false
    }

    func filterStep(
        _ h: Int, family: IPFamily, inIf: String, outIf: String, _ pkt: Packet, state: ConnectionState,
        _ steps: inout [TraceStep]
    ) -> Bool {
        let d = facts[h].forwardDecision(
            family: family, inInterface: inIf, outInterface: outIf,
            source: pkt.source, destination: pkt.destination, state: state)
        let byDefault = d.policy.source.isDefault ? " (Linux's default)" : ""
        let what =
            d.rule == nil
            ? "the FORWARD policy \(d.action.rawValue.uppercased())\(byDefault)" : "the FORWARD rule"
        let setting = d.rule == nil ? "FORWARD policy" : "FORWARD rule"
        if d.action == .accept {
            steps.append(
                TraceStep(
                    .filter, ok: true, "\(what) accepts \(inIf) -> \(outIf)", setting: setting,
                    location: d.location))
            return true
        }
        let tool = family == .ipv4 ? "iptables" : "ip6tables"
        let ct = state == .new ? "" : " -m conntrack --ctstate RELATED,ESTABLISHED"
        let accept = "\(tool) -I FORWARD -i \(inIf) -o \(outIf)\(ct) -j ACCEPT"
        let file = hookFile(h, [inIf, outIf])
        let fix =
            d.rule == nil
            ? "add `PostUp = \(accept)` to the [Interface] of \(file)"
            : "remove or narrow the rule at \(d.location.map { "\($0.fileLine)" } ?? "?"), or add "
                + "`PostUp = \(accept)` to \(file) so an ACCEPT comes first"
        steps.append(
            TraceStep(
                .filter, ok: false,
                "\(what) \(d.action == .drop ? "drops" : "rejects") "
                    + "\(pkt.source) -> \(pkt.destination) from \(inIf) to \(outIf)"
                    + (state == .new ? "" : " (a reply)"),
                setting: setting, location: d.location, fix: fix))
        return false
    }

    /// Which [Peer] of host `h` should carry `destination`, and the prefix to add to its AllowedIPs: a peer owned
    /// by the destination's host first (its address, or its whole LAN), else a peer whose host routes the
    /// destination into a tunnel or LAN (the prefix of that route).
    func allowedIPsSuggestion(for destination: IPAddress, on h: Int)
        -> (iface: TunnelInterface, peer: PeerConfig, prefix: IPPrefix)?
    {
        let targetHost =
            addressOwners[destination]?.host
            ?? facts.firstIndex { f in
                f.lans.contains { $0.prefix.contains(destination) }
            }
        var best: (score: Int, iface: TunnelInterface, peer: PeerConfig, prefix: IPPrefix)?
        for iface in network.hosts[h].interfaces where iface.isValid {
            for peer in iface.config.peers {
                guard let o = byKey[peer.publicKey]?.first, o.host != h else { continue }
                var candidate: (Int, IPPrefix)?
                if o.host == targetHost {
                    let lan = facts[o.host].lans.first { $0.prefix.contains(destination) }
                    candidate = (0, lan?.prefix.network ?? IPPrefix.host(destination))
                } else if let r = tables[o.host].lookup(destination), r.origin != .uplink, r.prefix.length > 0 {
                    candidate = (1, r.prefix)
                }
                if let (score, prefix) = candidate, best == nil || score < best!.score {
                    best = (score, iface, peer, prefix)
                }
            }
        }
        return best.map { ($0.iface, $0.peer, $0.prefix) }
    }

    /// The step for a destination no tunnel or LAN route covers (it would leave through the uplink).
    func missingRouteStep(_ h: Int, _ destination: IPAddress, uplink: String) -> TraceStep {
        let host = network.hosts[h]
        if let d = downInterface(of: h, routing: destination) { return upStep(d, "it would route \(destination)") }
        // A peer covers it but wg-quick added no route (Table = off or a table nobody consults).
        for (i, iface) in host.interfaces.enumerated() where iface.isValid {
            guard let hit = peerMaps[h][i].lookup(destination) else { continue }
            if facts[h].facts.observedRoutes != nil {
                // A host seen running: its table, not wg-quick's Table setting, is what lacks the route.
                let peer = iface.config.peers[hit.value]
                return TraceStep(
                    .route, ok: false,
                    "\(destination) is in AllowedIPs of [Peer] \(peerName(peer)) on \(iface.qualifiedName), but "
                        + "\(host.name)'s routing table has no route for it into \(iface.name) (`Table =` off or "
                        + "another table, or the route was deleted), so it leaves through \(uplink)",
                    setting: "route", location: SourceLocation(file: iface.file, path: "routes"),
                    fix: "`ip route add \(IPPrefix.host(destination).description) dev \(iface.name)` on "
                        + "\(host.name) (`PostUp` in its config, or remove `Table =`)")
            }
            let table = iface.config.interface.table ?? "auto"
            let loc = iface.location(of: .table)
            let peer = iface.config.peers[hit.value]
            return TraceStep(
                .route, ok: false,
                "\(destination) is in AllowedIPs of [Peer] \(peerName(peer)) on "
                    + "\(iface.qualifiedName), but `Table = \(table)` keeps wg-quick's route out of the "
                    + "main table, so it leaves through \(uplink)", setting: "Table", location: loc,
                fix: "remove `Table = \(table)` at \(loc.fileLine), or add `PostUp = ip route add "
                    + "\(IPPrefix.host(destination).description) dev %i` to \(iface.file)")
        }
        let detail =
            "no route of \(host.name) covers \(destination): it leaves through \(uplink) (the default "
            + "route), not into a tunnel"
        if let s = allowedIPsSuggestion(for: destination, on: h) {
            let loc = s.peer.origin?.location(of: .allowedIPs) ?? s.iface.location(of: .publicKey)
            return TraceStep(
                .route, ok: false, detail, setting: "AllowedIPs", location: loc,
                fix: "add \(s.prefix) to AllowedIPs of [Peer] \(peerName(s.peer)) at "
                    + "\(loc.fileLine)")
        }
        let file = host.interfaces.first?.file ?? factsFile(h)
        return TraceStep(
            .route, ok: false, detail, setting: "AllowedIPs", notSetIn: file,
            fix: "add \(destination) (or its subnet) to AllowedIPs of the [Peer] that leads to it in "
                + "\(file)")
    }

    /// A peer's name for messages: the interface owning its key (`hub/wg0`), else its key's first characters.
    func peerName(_ peer: PeerConfig) -> String {
        if let refs = byKey[peer.publicKey], refs.count == 1 {
            return "\(network.hosts[refs[0].host].name)/\(network.hosts[refs[0].host].interfaces[refs[0].iface].name)"
        }
        return peer.publicKey.shortBase64
    }
}
