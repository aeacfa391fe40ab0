import WireConfig

/// Finds an MTU too large for the tunnel's overhead. WireGuard adds 60 bytes over IPv4 and 80 over IPv6 (IP, UDP,
/// the 16-byte header and the 16-byte tag), so on a 1500-byte path the largest safe MTU is 1440 (IPv4 endpoints) or
/// 1420 (IPv6, wg-quick's default). Larger packets are fragmented or, where ICMP is filtered, silently lost: small
/// pings work, downloads and SSH sessions hang.
struct MTUTooLargeRule: LintRule {
    var codes: [FindingCode] { [.mtuTooLarge] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.usable {
            guard let mtu = i.config.interface.mtu, mtu > 1420 else { continue }
            let v6 = i.config.peers.contains { $0.endpoint?.address?.isIPv6 == true }
            let limit = v6 ? 1420 : 1440
            guard mtu > limit else { continue }
            out.append(
                Finding(
                    .mtuTooLarge, .warning, hosts: [i.host], interfaces: [i.id], locations: [i.location(of: .mtu)],
                    message: "MTU \(mtu) leaves no room for WireGuard's \(v6 ? 80 : 60)-byte overhead on a 1500-byte "
                        + "path: full-size packets are fragmented or lost (small pings work, bulk transfers hang)",
                    fix: "set MTU = \(limit) or less (or remove the line: wg-quick picks 1420 from the route's MTU)"))
        }
        return out
    }
}
