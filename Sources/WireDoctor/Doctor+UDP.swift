extension Doctor {
    /// A UDP socket bound on the ListenPort (/proc/net/udp, /proc/net/udp6).
    func udpStep(_ wg: WireGuardState) -> DoctorStep {
        guard wg.listenPort > 0 else {
            return DoctorStep(interface: wg.name, name: "udp", detail: "no listen port yet", findings: [])
        }
        let bound = snapshot.udpSockets.filter { $0.port == wg.listenPort }
        if !bound.isEmpty {
            let on = bound.map { "\($0.address.contains(":") ? "[\($0.address)]" : $0.address):\($0.port)" }
            return DoctorStep(
                interface: wg.name, name: "udp", detail: "bound " + on.joined(separator: " "), findings: [])
        }
        let f = DoctorFinding(
            .listenSocketMissing, .error, interface: wg.name,
            evidence: [
                Evidence("wg show all dump", "listen port \(wg.listenPort)"),
                Evidence("/proc/net/udp, /proc/net/udp6", "no socket on port \(wg.listenPort)"),
            ],
            cause: "no socket receives datagrams sent to the listen port: the daemon behind \(wg.name) is gone or"
                + " runs in another network namespace",
            fix: "restart the interface (wg-quick down \(wg.name); wg-quick up \(wg.name))")
        return DoctorStep(interface: wg.name, name: "udp", detail: "nothing bound on \(wg.listenPort)", findings: [f])
    }

    /// The packet filters (nftables, iptables, ip6tables): INPUT must pass datagrams to the ListenPort, OUTPUT
    /// those from it and those to each peer's Endpoint port. One finding per direction, with every rule that drops.
    func firewallStep(_ wg: WireGuardState) -> DoctorStep {
        let filters = packetFilters()
        var inputDrops: [Evidence] = []
        var outputDrops: [Evidence] = []
        let endpointPorts = Set(
            wg.peers.compactMap { $0.endpoint.flatMap { Int($0.split(separator: ":").last ?? "") } })
        for filter in filters {
            let label = "\(filter.source) (\(filter.family))"
            if wg.listenPort > 0, let why = filter.drop(hook: "input", dport: wg.listenPort, sport: nil) {
                inputDrops.append(Evidence(label, why))
            }
            if wg.listenPort > 0, let why = filter.drop(hook: "output", dport: nil, sport: wg.listenPort) {
                outputDrops.append(Evidence(label, why))
            }
            for port in endpointPorts.sorted() {
                if let why = filter.drop(hook: "output", dport: port, sport: wg.listenPort > 0 ? wg.listenPort : nil) {
                    outputDrops.append(Evidence(label, why))
                }
            }
        }
        var findings: [DoctorFinding] = []
        if !inputDrops.isEmpty {
            findings.append(
                DoctorFinding(
                    .inputBlocked, .error, interface: wg.name, evidence: dedup(inputDrops),
                    cause: "the INPUT chain drops UDP to port \(wg.listenPort): peers' handshakes never reach"
                        + " \(wg.name)",
                    fix: "accept it before the drop, e.g. nft insert rule inet filter input udp dport"
                        + " \(wg.listenPort) accept, or iptables -I INPUT -p udp --dport \(wg.listenPort) -j ACCEPT"))
        }
        if !outputDrops.isEmpty {
            findings.append(
                DoctorFinding(
                    .outputBlocked, .error, interface: wg.name, evidence: dedup(outputDrops),
                    cause: "the OUTPUT chain drops \(wg.name)'s UDP datagrams: handshakes and data never leave",
                    fix: "accept UDP from port \(wg.listenPort) (and to the peers' Endpoint ports) before the drop"))
        }
        let sources =
            filters.isEmpty ? "no packet filter read" : "\(filters.count) filter table(s) pass UDP \(wg.listenPort)"
        return DoctorStep(
            interface: wg.name, name: "firewall", detail: findings.isEmpty ? sources : "drops found",
            findings: findings)
    }

    /// Every filter table read: nftables, iptables, ip6tables.
    func packetFilters() -> [PacketFilter] {
        var filters: [PacketFilter] = []
        if let nft = snapshot.nftRuleset { filters += PacketFilter.nftJSON(nft) }
        if let ipt = snapshot.iptables { filters.append(PacketFilter.iptablesSave(ipt, family: "ip")) }
        if let ip6t = snapshot.ip6tables { filters.append(PacketFilter.iptablesSave(ip6t, family: "ip6")) }
        return filters
    }

    func dedup(_ e: [Evidence]) -> [Evidence] {
        var seen = Set<Evidence>()
        return e.filter { seen.insert($0).inserted }
    }
}
