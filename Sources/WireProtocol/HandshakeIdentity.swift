import WireCrypto

/// The local interface's static key pair, as the handshake uses it (whitepaper §5.4: S_priv, S_pub).
public struct HandshakeIdentity: Sendable {
    /// The static public key (32 bytes).
    public var publicKey: [UInt8] { privateKey.publicKey }
    let privateKey: X25519.PrivateKey

    /// An identity from a 32-byte private key (clamped inside X25519, so any 32 bytes will do).
    public init(privateKey: [UInt8]) throws(HandshakeError) {
        do { self.privateKey = try X25519.PrivateKey(rawRepresentation: privateKey) } catch { throw .crypto(error) }
    }
}

/// An initiation whose static key has been decrypted and whose timestamp has been opened, not yet matched to a peer.
///
/// Produced by `HandshakeIdentity.consumeInitiation`; the tunnel looks the peer up by `remoteStatic` and passes
/// this value to that peer's `PeerHandshake.accept(_:now:)`, which applies the replay and flood checks.
public struct ConsumedInitiation: Sendable {
    /// The initiator's static public key: the identity to look the peer up by.
    public let remoteStatic: [UInt8]
    /// The initiator's timestamp.
    public let timestamp: TAI64N
    /// The initiator's sender index (the receiver index of our response).
    public let senderIndex: UInt32
    let noise: NoiseIKpsk2
}
