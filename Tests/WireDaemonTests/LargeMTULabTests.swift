import Foundation
import Testing

/// MTUs up to 65,535 where the link allows (issue 15), wiresmithd against wireguard-go.
///
/// wireguard-go accepts any TUN MTU the kernel does (up to 65,535) and caps transport padding at
/// `MaxContentSize` = 65,535 - 32 (device/constants.go); what limits a packet is the outer UDP datagram, at most
/// 65,507 bytes of payload over IPv4, so the largest tunnel MTU whose full-size packets both implementations can
/// send over IPv4 is 65,507 - 32 = 65,475 (with 65,535, TCP's full-size segments are refused with EMSGSIZE by
/// wiresmithd and wireguard-go alike, and a transfer stalls on both; measured 2026-12-01). Two links: the usual
/// 1,500-byte veth, where every outer datagram is IP-fragmented and reassembled, with a 65,000-byte tunnel, and a
/// 65,535-byte veth with a 65,475-byte tunnel, where one datagram carries each full-size packet. Pings of the
/// tunnel MTU both ways, over IPv4 and IPv6 inside, then 20 MB over TCP each way with equal SHA-256.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct LargeMTULabTests {
    var wiresmithd: String { DaemonLabEnvironment.wiresmithd ?? "wiresmithd" }

    struct Case: CustomTestStringConvertible, Sendable {
        let linkMTU: Int
        let tunnelMTU: Int
        let pingPayload: Int
        var testDescription: String { "link MTU \(linkMTU), tunnel MTU \(tunnelMTU)" }
    }

    static let cases = [
        Case(linkMTU: 1500, tunnelMTU: 65_000, pingPayload: 65_000 - 28),
        Case(linkMTU: 65_535, tunnelMTU: 65_475, pingPayload: 65_475 - 28),
    ]

    @Test(arguments: cases)
    func largePacketsBothWays(_ setup: Case) throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        for side in [DaemonLab.Side.a, .b] {
            let link = side == .a ? "wsv\(lab.id)a" : "wsv\(lab.id)b"
            try lab.sh(lab.inNS(side, ["ip", "link", "set", link, "mtu", "\(setup.linkMTU)"]))
        }
        try lab.up()
        for side in [DaemonLab.Side.a, .b] {
            try lab.sh(lab.inNS(side, ["ip", "link", "set", lab.interface(side), "mtu", "\(setup.tunnelMTU)"]))
        }
        #expect(lab.ping(from: .a))  // the handshake, with small packets
        for side in [DaemonLab.Side.a, .b] {
            for inner6 in [false, true] {
                let target = inner6 ? lab.inner6(DaemonLab.other(side)) : lab.inner4(DaemonLab.other(side))
                // IPv6's header is 20 bytes longer: the same payload would exceed a 65,000-byte tunnel MTU.
                let payload = setup.pingPayload - (inner6 ? 20 : 0)
                let ping = run(lab.inNS(side, ["ping", "-c", "1", "-w", "10", "-s", "\(payload)", target]))
                #expect(ping.ok, "\(side) -> \(target), \(payload) bytes: \(ping.output.suffix(300))")
            }
        }
        try lab.expectTCPEachWayIntact(bytes: 20_000_000, sendTimeout: 60)
    }
}
