import WireCrypto

/// The Noise IKpsk2 pattern over X25519, ChaChaPoly and BLAKE2s (Noise spec rev 34, §7.5 and §9):
///
///     <- s
///     ...
///     -> e, es, s, ss
///     <- e, ee, se, psk
///
/// Generic: any prologue, PSK and payloads, so the published Noise vectors drive it. WireGuard's handshake
/// (`PeerHandshake`) is this state with the identifier as prologue, a TAI64N payload in message 1 and an empty
/// payload in message 2 (whitepaper §5.4.2-5.4.3). Ephemeral private keys are parameters, never drawn here.
public struct NoiseIKpsk2: Sendable {
    /// Which side of the pattern this state plays.
    public enum Role: Sendable, Equatable {
        /// Sends message 1, knows the responder's static key in advance.
        case initiator
        /// Sends message 2, learns the initiator's static key from message 1.
        case responder
    }

    /// This side's role.
    public let role: Role
    /// The remote static public key: given to an initiator, learned by a responder from message 1.
    public private(set) var remoteStatic: [UInt8]?
    /// The 32-byte PSK mixed in at the end of message 2 (all zeros when the peers configured none).
    public var presharedKey: [UInt8]
    /// The Noise handshake hash h; after message 2 it is the channel-binding value of the session.
    public var handshakeHash: [UInt8] { symmetric.hash }

    private var symmetric: NoiseSymmetricState
    private let localStatic: X25519.PrivateKey
    private var localStaticPublic: [UInt8] { localStatic.publicKey }
    private var localEphemeral: X25519.PrivateKey?
    private var remoteEphemeral: [UInt8]?
    /// DH(s, rs), precomputed by a caller that handshakes with the same peer often (WireGuard precomputes it).
    private let precomputedStaticStatic: [UInt8]?

    /// An initiator that knows the responder's static public key.
    public init(
        initiatorStatic localStaticPrivate: [UInt8], remoteStatic: [UInt8], presharedKey: [UInt8],
        prologue: [UInt8], protocolName: String = ProtocolConstants.construction
    ) throws(HandshakeError) {
        try self.init(
            initiatorStatic: Self.load(localStaticPrivate), remoteStatic: remoteStatic, presharedKey: presharedKey,
            prologue: prologue, protocolName: protocolName, precomputedStaticStatic: nil
        )
    }

    /// An initiator with its static key already loaded and, optionally, DH(s, rs) precomputed.
    init(
        initiatorStatic localStatic: X25519.PrivateKey, remoteStatic: [UInt8], presharedKey: [UInt8],
        prologue: [UInt8], protocolName: String, precomputedStaticStatic: [UInt8]?
    ) throws(HandshakeError) {
        self.init(
            role: .initiator, localStatic: localStatic, presharedKey: presharedKey, prologue: prologue,
            protocolName: protocolName, precomputedStaticStatic: precomputedStaticStatic)
        self.remoteStatic = remoteStatic
        symmetric.mixHash(remoteStatic)
    }

    /// A responder; the PSK may be set after message 1 reveals who the initiator is.
    public init(
        responderStatic localStaticPrivate: [UInt8], presharedKey: [UInt8] = [UInt8](repeating: 0, count: 32),
        prologue: [UInt8], protocolName: String = ProtocolConstants.construction
    ) throws(HandshakeError) {
        self.init(
            responderStatic: try Self.load(localStaticPrivate), presharedKey: presharedKey, prologue: prologue,
            protocolName: protocolName)
    }

    /// A responder with its static key already loaded.
    init(
        responderStatic localStatic: X25519.PrivateKey, presharedKey: [UInt8] = [UInt8](repeating: 0, count: 32),
        prologue: [UInt8], protocolName: String
    ) {
        self.init(
            role: .responder, localStatic: localStatic, presharedKey: presharedKey, prologue: prologue,
            protocolName: protocolName, precomputedStaticStatic: nil)
        symmetric.mixHash(localStaticPublic)
    }

    private init(
        role: Role, localStatic: X25519.PrivateKey, presharedKey: [UInt8], prologue: [UInt8], protocolName: String,
        precomputedStaticStatic: [UInt8]?
    ) {
        self.role = role
        self.presharedKey = presharedKey
        self.localStatic = localStatic
        self.precomputedStaticStatic = precomputedStaticStatic
        symmetric = NoiseSymmetricState(protocolName: protocolName)
        symmetric.mixHash(prologue)
    }

    /// Message 1 (`-> e, es, s, ss`): returns e.pub (32) || sealed static (48) || sealed payload (len + 16).
    public mutating func writeMessage1(ephemeralPrivate: [UInt8], payload: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard role == .initiator, localEphemeral == nil, let remoteStatic else {
            throw .unexpectedState(.initiationCreated)
        }
        let ephemeral = try Self.load(ephemeralPrivate)
        localEphemeral = ephemeral
        mixEphemeral(ephemeral.publicKey)
        symmetric.mixKey(try Self.dh(ephemeral, remoteStatic))
        let sealedStatic = try symmetric.encryptAndHash(localStaticPublic)
        let staticStatic: [UInt8]
        if let precomputedStaticStatic {
            staticStatic = precomputedStaticStatic
        } else {
            staticStatic = try Self.dh(localStatic, remoteStatic)
        }
        symmetric.mixKey(staticStatic)
        let sealedPayload = try symmetric.encryptAndHash(payload)
        return ephemeral.publicKey + sealedStatic + sealedPayload
    }

    /// Reads message 1 as the responder: learns `remoteStatic` and returns the payload.
    public mutating func readMessage1(_ message: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard role == .responder, remoteEphemeral == nil else { throw .unexpectedState(.initiationConsumed) }
        guard message.count >= 32 + 48 + 16 else {
            throw .malformedNoiseMessage(expectedAtLeast: 32 + 48 + 16, actual: message.count)
        }
        let ephemeral = Array(message[0..<32])
        remoteEphemeral = ephemeral
        mixEphemeral(ephemeral)
        symmetric.mixKey(try Self.dh(localStatic, ephemeral))
        let initiatorStatic = try symmetric.decryptAndHash(Array(message[32..<80]), field: "static")
        symmetric.mixKey(try Self.dh(localStatic, initiatorStatic))
        let payload = try symmetric.decryptAndHash(Array(message[80...]), field: "timestamp")
        remoteStatic = initiatorStatic
        return payload
    }

    /// Message 2 (`<- e, ee, se, psk`): returns e.pub (32) || sealed payload (len + 16).
    public mutating func writeMessage2(ephemeralPrivate: [UInt8], payload: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard role == .responder, localEphemeral == nil, let remoteEphemeral, let remoteStatic else {
            throw .unexpectedState(.responseCreated)
        }
        let ephemeral = try Self.load(ephemeralPrivate)
        localEphemeral = ephemeral
        mixEphemeral(ephemeral.publicKey)
        symmetric.mixKey(try Self.dh(ephemeral, remoteEphemeral))
        symmetric.mixKey(try Self.dh(ephemeral, remoteStatic))
        symmetric.mixKeyAndHash(presharedKey)
        let sealedPayload = try symmetric.encryptAndHash(payload)
        return ephemeral.publicKey + sealedPayload
    }

    /// Reads message 2 as the initiator and returns the payload.
    public mutating func readMessage2(_ message: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard role == .initiator, let localEphemeral, remoteEphemeral == nil else {
            throw .unexpectedState(.responseConsumed)
        }
        guard message.count >= 32 + 16 else {
            throw .malformedNoiseMessage(expectedAtLeast: 32 + 16, actual: message.count)
        }
        let ephemeral = Array(message[0..<32])
        mixEphemeral(ephemeral)
        symmetric.mixKey(try Self.dh(localEphemeral, ephemeral))
        symmetric.mixKey(try Self.dh(localStatic, ephemeral))
        symmetric.mixKeyAndHash(presharedKey)
        let payload = try symmetric.decryptAndHash(Array(message[32...]), field: "empty")
        remoteEphemeral = ephemeral
        return payload
    }

    /// Split() after message 2: this side's (sending, receiving) transport keys; nil before the handshake ends.
    public func transportKeys() -> (sending: [UInt8], receiving: [UInt8])? {
        guard localEphemeral != nil, remoteEphemeral != nil else { return nil }
        let (k1, k2) = symmetric.split()
        return role == .initiator ? (k1, k2) : (k2, k1)
    }

    /// Ends the handshake's secrets, as wireguard-go's `Handshake.Clear`: zeroes the chaining key, hash and cipher
    /// key in place (every copy sharing them sees zeros) and drops the ephemeral private key, whose swift-crypto
    /// storage zeroes itself when freed. Called when the handshake completes, is replaced, expires or its peer goes.
    public mutating func wipe() {
        symmetric.wipe()
        localEphemeral = nil
        remoteEphemeral = nil
    }

    /// The block holding ck, h and k (tests look at it after the events that must zero it).
    var secrets: SecretBytes { symmetric.secrets }

    /// Whether an ephemeral private key is held.
    var holdsEphemeral: Bool { localEphemeral != nil }

    /// The `e` token in a PSK handshake: MixHash(e.pub), then MixKey(e.pub) (Noise §9.2).
    private mutating func mixEphemeral(_ ephemeralPublic: [UInt8]) {
        symmetric.mixHash(ephemeralPublic)
        symmetric.mixKey(ephemeralPublic)
    }

    private static func dh(_ privateKey: X25519.PrivateKey, _ publicKey: [UInt8]) throws(HandshakeError) -> [UInt8] {
        do { return try privateKey.sharedSecret(with: publicKey) } catch { throw .crypto(error) }
    }

    private static func load(_ privateKey: [UInt8]) throws(HandshakeError) -> X25519.PrivateKey {
        do { return try X25519.PrivateKey(rawRepresentation: privateKey) } catch { throw .crypto(error) }
    }
}
