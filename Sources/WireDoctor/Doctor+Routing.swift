import WireNet

extension Doctor {
    /// Each AllowedIP routed into the interface: some table (wg-quick's own table for a default route) holds a
    /// route through it that covers the prefix. Link-local and multicast prefixes are not checked.
    func routesStep(_ wg: WireGuardState) -> DoctorStep {
        guard snapshot.link(wg.name)?.up == true else {
            // The kernel removes a link's routes when it goes down: the interface step already said so.
            return DoctorStep(interface: wg.name, name: "routes", detail: "skipped: link down", findings: [])
        }
        var findings: [DoctorFinding] = []
        var checked = 0
        for p in wg.peers {
            for text in p.allowedIPs {
                guard let prefix = IPPrefix(text), !skipped(prefix) else { continue }
                checked += 1
                if routed(prefix, into: wg.name) { continue }
                findings.append(
                    DoctorFinding(
                        .allowedIPNotRouted, .warning, interface: wg.name, peer: p.publicKey,
                        evidence: [
                            Evidence("wg show all dump", "\(Doctor.label(p)) allows \(text)"),
                            Evidence("ip -j route show table all", "no route through \(wg.name) covers \(text)"),
                        ],
                        cause: "traffic to \(text) leaves by another route (or none), never into the tunnel",
                        fix: "ip route add \(text) dev \(wg.name) (wg-quick adds it unless Table = off)"))
            }
        }
        return DoctorStep(
            interface: wg.name, name: "routes",
            detail: findings.isEmpty
                ? "\(checked) AllowedIP(s) routed into \(wg.name)" : "\(findings.count) not routed",
            findings: findings)
    }

    func skipped(_ p: IPPrefix) -> Bool { Doctor.linkLocal(p) }

    /// IPv6 link-local (fe80::/10) and multicast (ff00::/8) prefixes.
    static func linkLocal(_ p: IPPrefix) -> Bool {
        if case .v6(let v) = p.address {
            let top = v >> 112
            return (top & 0xffc0) == 0xfe80 || (top & 0xff00) == 0xff00
        }
        return false
    }

    /// Whether a route through `device` in any table but `local` covers `prefix`.
    func routed(_ prefix: IPPrefix, into device: String) -> Bool {
        snapshot.routes.contains { r in
            guard r.device == device, r.table != "local", r.type == "unicast",
                let dst = IPPrefix(r.destination)
            else { return false }
            return dst.contains(prefix)
        }
    }

    /// Whether the reverse-path lookup for a packet from `prefix` arriving on `device` finds a route through
    /// `device`: a covering route in `main`, or in the table of a rule that applies to that lookup (fib_validate_source
    /// looks up the packet's source, without its fwmark unless src_valid_mark, with the forward route's output
    /// interface as input interface): rules on `all`, on an input interface, on `not fwmark`, or on a destination
    /// that covers the prefix; not rules on a fwmark. Approximate: rule order and covering routes of other devices
    /// in earlier tables are not weighed.
    func routedBack(_ prefix: IPPrefix, into device: String) -> Bool {
        var tables: Set<String> = ["main"]
        for rule in snapshot.rules where rule["family"] != "inet6" {
            guard let table = rule["table"], table != "local" else { continue }
            if rule["fwmark"] != nil && !rule.keys.contains("not") { continue }
            if let src = rule["src"], src != "all" { continue }
            if let dst = rule["dst"], dst != "all" {
                let text = rule["dstlen"].map { "\(dst)/\($0)" } ?? dst
                guard let covering = IPPrefix(text), covering.contains(prefix) else { continue }
            }
            tables.insert(table)
        }
        return snapshot.routes.contains { r in
            guard r.device == device, tables.contains(r.table), r.type == "unicast", let dst = IPPrefix(r.destination)
            else { return false }
            return dst.contains(prefix)
        }
    }

    /// Forwarding and reverse-path filtering: a host relaying between WireGuard interfaces needs
    /// net.ipv4.ip_forward (and the per-interface forwarding); strict rp_filter (1) drops a peer's packets whose
    /// source is not routed back out of the interface they came in on (ip-sysctl.rst "rp_filter").
    func forwardingStep(_ wg: WireGuardState) -> DoctorStep {
        var findings: [DoctorFinding] = []
        var details: [String] = []
        let sys = snapshot.sysctl
        let hasV4 = wg.peers.contains { $0.allowedIPs.contains { !$0.contains(":") } }
        if relaying && hasV4 {
            let others = snapshot.wireguard.filter { $0.name != wg.name && !$0.peers.isEmpty }.map(\.name)
            var off: [Evidence] = []
            if sys["net.ipv4.ip_forward"] == "0" { off.append(Evidence("/proc/sys/net/ipv4/ip_forward", "0")) }
            if sys["net.ipv4.conf.\(wg.name).forwarding"] == "0" && sys["net.ipv4.ip_forward"] != "0" {
                off.append(Evidence("/proc/sys/net/ipv4/conf/\(wg.name)/forwarding", "0"))
            }
            if off.isEmpty {
                details.append("relay: forwarding on")
                if let boot = snapshot.boot {
                    let (detail, finding) = forwardingPersistence(wg, boot)
                    details.append(detail)
                    if let finding { findings.append(finding) }
                }
            } else {
                findings.append(
                    DoctorFinding(
                        .forwardingDisabled, .error, interface: wg.name,
                        evidence: off + [
                            Evidence(
                                "wg show all dump", "relays between \(([wg.name] + others).joined(separator: ", "))")
                        ],
                        cause: "this host relays between WireGuard interfaces but the kernel does not forward IPv4:"
                            + " peers of \(wg.name) cannot reach the peers of \(others.joined(separator: ", "))",
                        fix: "sysctl -w net.ipv4.ip_forward=1, and keep it: PostUp = sysctl -w net.ipv4.ip_forward=1"
                            + " or a file in /etc/sysctl.d"))
            }
        }
        let (v6, v6Finding) = ipv6Forwarding(wg)
        if let v6 { details.append(v6) }
        if let v6Finding { findings.append(v6Finding) }
        if relaying {
            // Traffic coming in on this interface and routed out of another: the FORWARD chain must pass it.
            let others = snapshot.wireguard.filter { $0.name != wg.name && !$0.peers.isEmpty }.map(\.name)
            var drops: [Evidence] = []
            var blocked: [String] = []
            for other in others {
                for filter in packetFilters() where filter.family != "ip6" {
                    if let why = filter.dropsForward(input: wg.name, output: other) {
                        drops.append(Evidence("\(filter.source) (\(filter.family))", why))
                        if !blocked.contains(other) { blocked.append(other) }
                    }
                }
            }
            if !drops.isEmpty {
                findings.append(
                    DoctorFinding(
                        .forwardBlocked, .error, interface: wg.name, evidence: dedup(drops),
                        cause: "the FORWARD chain drops traffic from \(wg.name) to \(blocked.joined(separator: ", ")):"
                            + " one direction dropped is enough to break every connection across the relay",
                        fix: "accept it before the drop, e.g. iptables -I FORWARD -i \(wg.name) -o \(blocked[0])"
                            + " -j ACCEPT (or nft insert rule ... iifname \"\(wg.name)\""
                            + " oifname \"\(blocked[0])\" accept)"
                    ))
            } else {
                details.append("FORWARD passes \(wg.name) -> \(others.joined(separator: ", "))")
            }
        }
        let all = Int(sys["net.ipv4.conf.all.rp_filter"] ?? "0") ?? 0
        let own = Int(sys["net.ipv4.conf.\(wg.name).rp_filter"] ?? "0") ?? 0
        let effective = max(all, own)
        details.append("rp_filter \(effective)")
        if effective == 1, snapshot.link(wg.name)?.up == true {
            let unrouted = wg.peers.flatMap { p in
                p.allowedIPs.compactMap { IPPrefix($0) }.filter {
                    !$0.address.isIPv6 && !routedBack($0, into: wg.name)
                }
            }
            if !unrouted.isEmpty {
                let list = unrouted.map(\.description).joined(separator: ", ")
                findings.append(
                    DoctorFinding(
                        .rpFilter, relaying ? .error : .warning, interface: wg.name,
                        evidence: [
                            Evidence("/proc/sys/net/ipv4/conf/all/rp_filter", "\(all)"),
                            Evidence("/proc/sys/net/ipv4/conf/\(wg.name)/rp_filter", "\(own)"),
                            Evidence(
                                "ip -j route show table all",
                                "no route back through \(wg.name) for \(list) in the tables an unmarked packet's"
                                    + " lookup reaches"
                            ),
                        ],
                        cause:
                            "strict reverse-path filtering drops packets from \(list)"
                            + " arriving on \(wg.name), because the reply would leave by another route",
                        fix: "sysctl -w net.ipv4.conf.all.rp_filter=2 and net.ipv4.conf.\(wg.name).rp_filter=2 (loose),"
                            + " or route those prefixes into \(wg.name)"))
            }
        }
        return DoctorStep(
            interface: wg.name, name: "forwarding", detail: details.joined(separator: ", "), findings: findings)
    }
}
