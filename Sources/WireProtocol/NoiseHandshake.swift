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

/// The keys a completed handshake yields for one session (whitepaper §5.4.5: T_send, T_recv).
///
/// Hand them to a keypair: `sendingKey` seals transport messages whose header carries `remoteIndex`; packets
/// arriving with `localIndex` open with `receivingKey`. The counters of both directions start at zero.
public struct SessionKeys: Sendable {
    /// T_send (32 bytes).
    public let sendingKey: [UInt8]
    /// T_recv (32 bytes).
    public let receivingKey: [UInt8]
    /// Our index for the session: the receiver index of incoming transport messages.
    public let localIndex: UInt32
    /// The peer's index: the receiver index we put on outgoing transport messages.
    public let remoteIndex: UInt32
    /// True on the side that sent the initiation. The responder must not send data on these keys until it has
    /// received a first transport message (the confirmation rule of §5.4.5/§6.1).
    public let isInitiator: Bool
    /// The final handshake hash h, for diagnostics and channel binding.
    public let handshakeHash: [UInt8]

    /// Session keys from their parts (for tests and for callers that restore a session).
    public init(
        sendingKey: [UInt8], receivingKey: [UInt8], localIndex: UInt32, remoteIndex: UInt32, isInitiator: Bool,
        handshakeHash: [UInt8] = []
    ) {
        self.sendingKey = sendingKey
        self.receivingKey = receivingKey
        self.localIndex = localIndex
        self.remoteIndex = remoteIndex
        self.isInitiator = isInitiator
        self.handshakeHash = handshakeHash
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

/// One peer's handshake: WireGuard's Noise IKpsk2 exchange (whitepaper §5.4.2-5.4.5) as a value type.
///
/// Pure: the time, the TAI64N timestamp, the session indices and the random generator are parameters. MACs are
/// not handled here: add them with `CookieGenerator.addMACs` after creating a message, and check them with
/// `CookieChecker` before consuming one.
///
/// Initiator: `createInitiation` -> send; on a response whose receiver index is our `localIndex`,
/// `consumeResponse` -> `deriveSessionKeys`.
/// Responder: `HandshakeIdentity.consumeInitiation` -> look up the peer -> `accept(_:now:)` -> `createResponse` ->
/// send -> `deriveSessionKeys`.
/// A low-order remote static key makes a Diffie-Hellman result zero, so either side throws
/// `.crypto(.zeroSharedSecret)` and such a peer never completes a handshake.
///
/// ```swift
/// // Initiator (peer A), on a timer or on first data:
/// var initiation = try a.createInitiation(senderIndex: idx, timestamp: TAI64N(sinceUnixEpoch: wall), using: &rng)
/// cookiesToB.addMACs(to: &initiation, now: now)            // send initiation.encoded
/// // Responder (B), on a 148-byte datagram:
/// let message = try HandshakeInitiation(decoding: datagram)
/// guard checker.verify(message, source: addr, now: now, underLoad: load) == .valid else { ... }
/// let consumed = try identityB.consumeInitiation(message)  // find the peer by consumed.remoteStatic
/// try peerA.accept(consumed, now: now)
/// var response = try peerA.createResponse(senderIndex: idx2, using: &rng)
/// cookiesToA.addMACs(to: &response, now: now)               // send response.encoded
/// let keysB = try peerA.deriveSessionKeys()                 // responder: wait for first data before sending
/// // Initiator, on the 92-byte response routed by its receiver index:
/// try a.consumeResponse(try HandshakeResponse(decoding: datagram))
/// let keysA = try a.deriveSessionKeys()
/// ```
public struct PeerHandshake: Sendable {
    /// The peer's static public key (S_pub of the remote side).
    public let remotePublicKey: [UInt8]
    /// The preshared key Q (32 bytes; all zeros when none is configured).
    public var presharedKey: [UInt8]
    /// Where the handshake stands.
    public private(set) var state: HandshakeState = .idle
    /// Our index of the handshake in flight (I_i as initiator, I_r as responder).
    public private(set) var localIndex: UInt32 = 0
    /// The peer's index of the handshake in flight.
    public private(set) var remoteIndex: UInt32 = 0
    /// The greatest timestamp accepted from this peer: the next initiation must carry a greater one.
    public private(set) var latestTimestamp: TAI64N?
    /// The per-peer 20 ms limit on accepted initiations.
    public private(set) var rateLimiter = InitiationRateLimiter()

    let identity: HandshakeIdentity
    var noise: NoiseIKpsk2?
    /// DH(S_priv, S_pub of the peer), computed once (whitepaper §5.4.2 notes it can be); nil for a low-order key.
    let precomputedStaticStatic: [UInt8]?

    /// A handshake with the peer whose static public key is `remotePublicKey`.
    ///
    /// Throws only for keys that are not 32 bytes; a low-order key is accepted here and fails at every handshake.
    public init(
        identity: HandshakeIdentity, remotePublicKey: [UInt8],
        presharedKey: [UInt8] = [UInt8](repeating: 0, count: 32)
    ) throws(HandshakeError) {
        guard remotePublicKey.count == 32 else { throw .crypto(.invalidKeyLength(remotePublicKey.count)) }
        guard presharedKey.count == 32 else { throw .crypto(.invalidKeyLength(presharedKey.count)) }
        self.identity = identity
        self.remotePublicKey = remotePublicKey
        self.presharedKey = presharedKey
        precomputedStaticStatic = try? identity.privateKey.sharedSecret(with: remotePublicKey)
    }

    /// Forgets any handshake in flight (keeps the replay timestamp and the rate limiter).
    public mutating func reset() {
        noise = nil
        state = .idle
        localIndex = 0
        remoteIndex = 0
    }

    /// Split (§5.4.5): the session keys of a completed handshake; the handshake returns to `.idle`.
    ///
    /// Valid in `.responseConsumed` (initiator) and `.responseCreated` (responder); throws otherwise.
    public mutating func deriveSessionKeys() throws(HandshakeError) -> SessionKeys {
        guard state == .responseConsumed || state == .responseCreated, let noise,
            let keys = noise.transportKeys()
        else { throw .unexpectedState(state) }
        let session = SessionKeys(
            sendingKey: keys.sending, receivingKey: keys.receiving, localIndex: localIndex,
            remoteIndex: remoteIndex, isInitiator: state == .responseConsumed, handshakeHash: noise.handshakeHash
        )
        reset()
        return session
    }

    mutating func transition(
        to newState: HandshakeState, noise: NoiseIKpsk2, localIndex: UInt32, remoteIndex: UInt32
    ) {
        self.state = newState
        self.noise = noise
        self.localIndex = localIndex
        self.remoteIndex = remoteIndex
    }

    mutating func recordAccepted(timestamp: TAI64N, now: Duration) {
        latestTimestamp = timestamp
        rateLimiter.record(now: now)
    }
}
