import WireNet

extension Doctor {
    /// A LAN behind this host, reached from the tunnel (issue #17 step 5, "MASQUERADE present and on the right
    /// outbound interface"): a machine there that answers this host but not this interface's tunnel address has no
    /// route back to the tunnel, so a peer relayed there never gets a reply unless this host masquerades out of the
    /// LAN link (or the machine, or its router, routes the tunnel subnet back through this host).
    func lanStep(_ wg: WireGuardState, _ probes: [LANProbe]) -> DoctorStep {
        var findings: [DoctorFinding] = []
        var details: [String] = []
        for probe in probes {
            let d = probe.direct
            let t = probe.fromTunnel
            details.append(
                "\(probe.address) on \(probe.link): \(d.received)/\(d.sent) from this host, \(t.received)/\(t.sent)"
                    + " from \(probe.source)")
            guard t.received == 0 else { continue }
            var evidence = [
                Evidence("ping -c 3 \(probe.address)", "\(d.sent) sent, \(d.received) answered"),
                Evidence("ping -c 3 -I \(probe.source) \(probe.address)", "\(t.sent) sent, \(t.received) answered"),
            ]
            guard d.received > 0 else {
                findings.append(
                    DoctorFinding(
                        .probeUnanswered, .warning, interface: wg.name, evidence: evidence,
                        cause: "\(probe.address) answers no ping at all, from this host either: it is down, or it"
                            + " filters ICMP, so it cannot tell whether the tunnel reaches it",
                        fix: "probe a machine on \(probe.link) that answers ping: doctor --probe-to ADDRESS"))
                continue
            }
            let all = Masquerade.all(in: snapshot)
            let out = all.filter { $0.applies(to: probe.link) }
            let cmd =
                "iptables -t nat -A POSTROUTING -s \(tunnelSubnet(wg) ?? probe.source) -o \(probe.link) -j MASQUERADE"
            if !out.isEmpty {
                findings.append(
                    DoctorFinding(
                        .probeUnanswered, .warning, interface: wg.name, evidence: evidence + out.map(\.evidence),
                        cause: "\(probe.address) answers this host but not \(probe.source), although a source NAT"
                            + " rule covers \(probe.link): something else drops it (its firewall, the FORWARD chain)",
                        fix:
                            "check \(probe.address)'s firewall and this host's nat table counters"
                            + " (iptables -t nat -L -v)"
                    ))
            } else if !all.isEmpty {
                evidence += all.map(\.evidence)
                findings.append(
                    DoctorFinding(
                        .masqueradeWrongInterface, .error, interface: wg.name, evidence: evidence,
                        cause: "\(probe.address) on \(probe.link) answers this host but not the tunnel address"
                            + " \(probe.source): it has no route back to the tunnel, and this host's MASQUERADE"
                            + " names \(all.compactMap(\.outInterface).joined(separator: ", ")), not \(probe.link)",
                        fix: "masquerade out of the LAN link: \(cmd) (PostUp in \(wg.name)'s config, -D in PostDown),"
                            + " or route the tunnel subnet via this host on \(probe.address)'s router"))
            } else {
                findings.append(
                    DoctorFinding(
                        .masqueradeMissing, .error, interface: wg.name, evidence: evidence,
                        cause: "\(probe.address) on \(probe.link) answers this host but not the tunnel address"
                            + " \(probe.source): it has no route back to the tunnel, so peers relayed to the LAN get"
                            + " no reply, and this host has no MASQUERADE/SNAT out of \(probe.link)",
                        fix: "\(cmd) (PostUp in \(wg.name)'s config, -D in PostDown), or route the tunnel subnet via"
                            + " this host on \(probe.address)'s router"))
            }
        }
        return DoctorStep(
            interface: wg.name, name: "lan", detail: details.joined(separator: "; "), findings: findings)
    }

    /// The subnet of the interface's first address of that family (`10.0.0.0/24`), for the fix's `-s`.
    func tunnelSubnet(_ wg: WireGuardState) -> String? {
        snapshot.link(wg.name)?.addresses.compactMap { IPPrefix($0) }.first { !$0.address.isIPv6 }?.network
            .description
    }
}
