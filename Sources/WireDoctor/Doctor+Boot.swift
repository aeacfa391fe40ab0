extension Doctor {
    /// Whether forwarding of one IP family, on now, is still on after a reboot (issue #17 step 5): a sysctl file
    /// leaves it at 1 (`net.ipv4.ip_forward` or `net.ipv4.conf.all.forwarding`; `net.ipv6.conf.all.forwarding`, the
    /// global IPv6 switch, ip-sysctl.rst), or a relaying interface's wg-quick config turns it on in PreUp/PostUp.
    /// Judged only when a wg-quick config of a relaying interface was found: without one, nothing says the
    /// interfaces themselves come back.
    func forwardingPersistence(_ wg: WireGuardState, _ boot: BootFacts, ipv6: Bool = false) -> (String, DoctorFinding?)
    {
        let relays = snapshot.wireguard.filter { !$0.peers.isEmpty }.map(\.name)
        let configs = relays.compactMap { boot.config($0) }
        let family = ipv6 ? "IPv6" : "IPv4"
        guard !configs.isEmpty else {
            return ("no wg-quick config in \(boot.configDirectory): \(family) persistence not judged", nil)
        }
        let keys = ipv6 ? ["net.ipv6.conf.all.forwarding"] : ["net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"]
        let set = keys.compactMap { boot.bootValue($0) }
        if let on = set.first(where: { $0.value == "1" }) {
            return ("\(family) kept at boot by \(on.file):\(on.line)", nil)
        }
        if let (config, hook) = configs.lazy.compactMap({ c in
            c.forwardingHooks.first { WGQuickFacts.hook($0, setsIPv6: ipv6) }.map { (c, $0) }
        }).first {
            return ("\(family) kept by \(config.path) (\(hook))", nil)
        }
        let key = keys[0]
        let proc = "/proc/sys/" + key.replacingOccurrences(of: ".", with: "/")
        var evidence = [Evidence(proc, "1 (now)")]
        evidence += set.map { Evidence("\($0.file):\($0.line)", "\($0.key) = \($0.value)") }
        if set.isEmpty {
            evidence.append(
                Evidence(
                    "sysctl files (/etc/sysctl.d, /run/sysctl.d, /usr/lib/sysctl.d, /etc/sysctl.conf)",
                    "none sets \(key)"))
        }
        evidence += configs.map { Evidence($0.path, "no PreUp/PostUp sets \(key)") }
        return (
            "\(family) on only at runtime",
            DoctorFinding(
                .forwardingNotPersistent, .warning, interface: wg.name, evidence: evidence,
                cause: "\(family) forwarding was turned on by hand (or by a command since lost): after a reboot the"
                    + " kernel starts with it off and this host stops relaying \(family) between"
                    + " \(relays.joined(separator: ", "))",
                fix: "echo \(key)=1 > /etc/sysctl.d/99-wireguard-forward.conf (applied at boot), or"
                    + " PostUp = sysctl -w \(key)=1 in \(configs[0].path)")
        )
    }

    /// What `wg-quick up` needs of this host for the interface's config (issue #17 step 7): `DNS =` makes wg-quick
    /// run `resolvconf`, and without it `up` fails and removes the interface again.
    func wgQuickStep(_ wg: WireGuardState, _ facts: WGQuickFacts, _ boot: BootFacts) -> DoctorStep {
        var findings: [DoctorFinding] = []
        if !facts.dns.isEmpty && boot.resolvconf == nil {
            findings.append(
                DoctorFinding(
                    .dnsWithoutResolvconf, .error, interface: wg.name,
                    evidence: [
                        Evidence("\(facts.path):\(facts.dnsLine ?? 0)", "DNS = \(facts.dns.joined(separator: ", "))"),
                        Evidence("command -v resolvconf", "not found"),
                    ],
                    cause: "wg-quick hands DNS = to resolvconf; without it `wg-quick up \(wg.name)` fails"
                        + " (\"resolvconf: command not found\") and deletes the interface: it stays up now, but not"
                        + " after the next restart or reboot",
                    fix: "install a resolvconf (apt install openresolv, or systemd-resolved's resolvconf), or remove"
                        + " DNS = from \(facts.path):\(facts.dnsLine ?? 0) and set the resolvers another way"))
        }
        let detail =
            "\(facts.path)"
            + (facts.dns.isEmpty ? ", no DNS =" : ", DNS = \(facts.dns.joined(separator: ", "))")
            + (facts.dns.isEmpty ? "" : boot.resolvconf.map { ", resolvconf \($0)" } ?? ", no resolvconf")
        return DoctorStep(interface: wg.name, name: "wg-quick", detail: detail, findings: findings)
    }
}
