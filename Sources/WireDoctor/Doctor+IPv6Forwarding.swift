import WireNet

extension Doctor {
    /// IPv6 forwarding on a relay (issue #17 step 5): a host relaying between WireGuard interfaces whose peers carry
    /// IPv6 AllowedIPs needs `net.ipv6.conf.all.forwarding = 1` (ip-sysctl.rst: the global switch, which also sets
    /// every interface's); link-local and multicast AllowedIPs do not count. When it is on, whether it stays on
    /// after a reboot (`forwardingPersistence`).
    func ipv6Forwarding(_ wg: WireGuardState) -> (String?, DoctorFinding?) {
        let hasV6 = wg.peers.contains { p in
            p.allowedIPs.contains { text in
                guard let prefix = IPPrefix(text) else { return false }
                return prefix.address.isIPv6 && !Doctor.linkLocal(prefix)
            }
        }
        guard relaying, hasV6, let value = snapshot.sysctl["net.ipv6.conf.all.forwarding"] else { return (nil, nil) }
        guard value == "0" else {
            guard let boot = snapshot.boot else { return ("IPv6 forwarding on", nil) }
            let (detail, finding) = forwardingPersistence(wg, boot, ipv6: true)
            return ("IPv6 forwarding on, " + detail, finding)
        }
        let others = snapshot.wireguard.filter { $0.name != wg.name && !$0.peers.isEmpty }.map(\.name)
        return (
            "IPv6 forwarding off",
            DoctorFinding(
                .forwardingDisabled, .error, interface: wg.name,
                evidence: [
                    Evidence("/proc/sys/net/ipv6/conf/all/forwarding", "0"),
                    Evidence(
                        "wg show all dump",
                        "relays IPv6 between \(([wg.name] + others).joined(separator: ", ")) (IPv6 AllowedIPs)"),
                ],
                cause: "this host relays between WireGuard interfaces but the kernel does not forward IPv6: the IPv6"
                    + " peers of \(wg.name) cannot reach those of \(others.joined(separator: ", "))",
                fix: "sysctl -w net.ipv6.conf.all.forwarding=1, and keep it: PostUp = sysctl -w"
                    + " net.ipv6.conf.all.forwarding=1 or a file in /etc/sysctl.d")
        )
    }
}
