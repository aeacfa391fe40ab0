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

    /// A 148-byte initiation to `responder` from a random key, mac1 valid, as bash printf escapes.
    func floodMessage(to responder: String) throws -> String {
        let responderKey = try #require(WireKey(base64: responder))
        var random = SystemRandomNumberGenerator()
        let identity = try HandshakeIdentity(privateKey: WireKey.generatePrivate().bytes)
        var handshake = try NoiseTunnelHandshake(
            identity: identity, peerPublicKey: responderKey.bytes, wallClockAtOrigin: .seconds(1_700_000_000))
        let message = try handshake.createInitiation(localIndex: 7, now: .zero, random: &random)
        #expect(message.count == 148)
        return message.map { String(format: "\\x%02x", $0) }.joined()
    }

    @Test func aLegitimatePeerConnectsDuringAHandshakeFlood() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        let log = "\(lab.directory)/a.log"
        try lab.sh(lab.inNS(.a, ["sh", "-c", "LOG_LEVEL=verbose \(wiresmithd) \(lab.interface(.a)) >>\(log) 2>&1"]))
        try lab.up(skipStart: [.a])
        let message = try floodMessage(to: lab.keys[.a]!.pub)
        // bash's printf is a builtin: one datagram per call on one /dev/udp socket; four writers for 30 s, so a
        // loaded machine still floods faster than 320 initiations a second.
        let flood = """
            exec 3>/dev/udp/\(lab.outer4(.a))/\(lab.port(.a)); end=$((SECONDS + 30)); \
            while [ $SECONDS -lt $end ]; do for i in $(seq 200); do printf '%b' '\(message)' >&3; done; done
            """
        try lab.sh(
            lab.inNS(
                .b,
                ["bash", "-c", "for w in 1 2 3 4; do (\(flood)) >>\(lab.directory)/flood.log 2>&1 & done"]))
        let underLoad = lab.eventually(25) {
            (try? String(contentsOfFile: log, encoding: .utf8))?.contains("Under load") == true
        }
        let floodLog = (try? String(contentsOfFile: "\(lab.directory)/flood.log", encoding: .utf8)) ?? ""
        #expect(
            underLoad, "daemon log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""); flood: \(floodLog)")
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
