import CWireDaemon
import Foundation
import Testing
import WireConfig
import WireCrypto
import WireProtocol

/// Cookies under load (whitepaper §5.4.7): a flood of initiations with a valid mac1 from an unknown key puts
/// wiresmithd under load, and wireguard-go, a legitimate peer, still completes its handshake (with mac2 from the
/// cookie reply) while the flood goes on. Also: fwmark is set on both UDP sockets.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct LoadLabTests {
    var wiresmithd: String { DaemonLabEnvironment.wiresmithd ?? "wiresmithd" }

    /// A 148-byte initiation to `responder` from a random key, mac1 valid.
    func floodMessage(to responder: String) throws -> [UInt8] {
        let responderKey = try #require(WireKey(base64: responder))
        var random = SystemRandomNumberGenerator()
        let identity = try HandshakeIdentity(privateKey: WireKey.generatePrivate().bytes)
        var handshake = try NoiseTunnelHandshake(
            identity: identity, peerPublicKey: responderKey.bytes, wallClockAtOrigin: .seconds(1_700_000_000))
        let message = try handshake.createInitiation(localIndex: 7, now: .zero, random: &random)
        #expect(message.count == 148)
        return message
    }

    /// Sends `message` from `source` to `host`:`port`, 5 a millisecond at most, for `seconds`, inside namespace `ns`:
    /// the thread enters it with setns(2), which moves that thread alone.
    func flood(
        _ message: [UInt8], fromNamespace ns: String, source: String, to host: String, port: UInt16, seconds: Double
    ) {
        let thread = Thread {
            guard wsd_enter_netns("/run/netns/\(ns)") == 0 else { return }
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            _ = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                for _ in 0..<5 {
                    _ = message.withUnsafeBytes { m in
                        withUnsafePointer(to: &address) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(fd, m.baseAddress, m.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                            }
                        }
                    }
                }
                usleep(1000)
            }
        }
        thread.start()
    }

    @Test func aLegitimatePeerConnectsDuringAHandshakeFlood() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        let log = "\(lab.directory)/a.log"
        try lab.sh(lab.inNS(.a, ["sh", "-c", "LOG_LEVEL=verbose \(wiresmithd) \(lab.interface(.a)) >>\(log) 2>&1"]))
        try lab.up(skipStart: [.a])
        let message = try floodMessage(to: lab.keys[.a]!.pub)
        // Up to 5,000 initiations a second for 30 s from another address of B's host: far beyond the 320 a
        // second that means load, and each costs a Diffie-Hellman unless answered with a cookie.
        try lab.sh(lab.inNS(.b, ["ip", "addr", "add", "192.0.2.3/24", "dev", "wsv\(lab.id)b"]))
        flood(
            message, fromNamespace: lab.ns(.b), source: "192.0.2.3", to: lab.outer4(.a), port: UInt16(lab.port(.a)),
            seconds: 30)
        let underLoad = lab.eventually(25) {
            (try? String(contentsOfFile: log, encoding: .utf8))?.contains("Under load") == true
        }
        #expect(
            underLoad, "daemon log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(lab.ping(from: .b, deadline: 25))
        #expect(lab.latestHandshake(.b) > 0)
    }

    @Test func fwmarkIsOnBothSockets() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.start(.a)
        try lab.sh(["wg", "set", lab.interface(.a), "listen-port", "40001", "fwmark", "0x77"])
        let sockets = run(lab.inNS(.a, ["ss", "-Huanpe"])).output
        #expect(sockets.components(separatedBy: "fwmark:0x77").count - 1 == 2, "\(sockets)")
        #expect(run(["wg", "show", lab.interface(.a), "fwmark"]).output.hasPrefix("0x77"))
    }
}
