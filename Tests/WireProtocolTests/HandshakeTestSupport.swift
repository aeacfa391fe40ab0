import Foundation
import WireCrypto
import WireProtocol

/// Fixtures for the handshake, message and cookie tests.
enum HandshakeTestSupport {
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

    /// Bytes from hex digits (test input only; traps on malformed input).
    static func hex(_ string: String) -> [UInt8] {
        guard let bytes = Hex.decode(string) else { preconditionFailure("not hex: \(string)") }
        return bytes
    }

    /// A wall time in 2026, as a TAI64N, `offset` after a fixed instant.
    static func timestamp(_ offset: Duration = .zero) -> TAI64N {
        TAI64N(sinceUnixEpoch: .seconds(1_795_000_000) + offset)
    }

    /// Two identities that know each other, with a PSK.
    struct Pair {
        var rng = SeededRandom(seed: 42)
        let initiatorIdentity: HandshakeIdentity
        let responderIdentity: HandshakeIdentity
        var initiator: PeerHandshake
        var responder: PeerHandshake
        var initiatorCookies: CookieGenerator
        var responderCookies: CookieGenerator
        var initiatorChecker: CookieChecker
        var responderChecker: CookieChecker

        init(presharedKey: [UInt8] = [UInt8](repeating: 0x5A, count: 32)) throws {
            var seedRNG = SeededRandom(seed: 7)
            initiatorIdentity = try HandshakeIdentity(privateKey: X25519.generatePrivateKey(using: &seedRNG))
            responderIdentity = try HandshakeIdentity(privateKey: X25519.generatePrivateKey(using: &seedRNG))
            initiator = try PeerHandshake(
                identity: initiatorIdentity, remotePublicKey: responderIdentity.publicKey, presharedKey: presharedKey)
            responder = try PeerHandshake(
                identity: responderIdentity, remotePublicKey: initiatorIdentity.publicKey, presharedKey: presharedKey)
            initiatorCookies = CookieGenerator(remotePublicKey: responderIdentity.publicKey)
            responderCookies = CookieGenerator(remotePublicKey: initiatorIdentity.publicKey)
            initiatorChecker = CookieChecker(localPublicKey: initiatorIdentity.publicKey)
            responderChecker = CookieChecker(localPublicKey: responderIdentity.publicKey)
        }

        /// An initiation with MACs, as it goes on the wire.
        mutating func initiation(index: UInt32 = 0x1111, at offset: Duration = .zero) throws -> HandshakeInitiation {
            var message = try initiator.createInitiation(
                senderIndex: index, timestamp: HandshakeTestSupport.timestamp(offset), using: &rng)
            initiatorCookies.addMACs(to: &message, now: .zero + offset)
            return message
        }
    }
}
