import WireCrypto
import WireNet

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

    private(set) var identity: HandshakeIdentity
    var noise: NoiseIKpsk2?
    /// DH(S_priv, S_pub of the peer), computed once (whitepaper §5.4.2 notes it can be); nil for a low-order key.
    private(set) var precomputedStaticStatic: [UInt8]?

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

    /// Forgets any handshake in flight, zeroing its chaining key, hash and keys (`NoiseIKpsk2.wipe`); keeps the
    /// replay timestamp and the rate limiter.
    public mutating func reset() {
        noise?.wipe()
        noise = nil
        state = .idle
        localIndex = 0
        remoteIndex = 0
    }

    /// Moves the handshake to a new local static key (the interface's private key changed): the handshake in
    /// flight is forgotten and DH(S_priv, S_pub) is computed again; the replay timestamp and rate limiter stay, as
    /// they are the peer's. wireguard-go's `Device.SetPrivateKey` (device/device.go) recomputes
    /// `precomputedStaticStatic` and clears the handshake (`ExpireCurrentKeypairs`) the same way.
    public mutating func setIdentity(_ newIdentity: HandshakeIdentity) {
        reset()
        identity = newIdentity
        precomputedStaticStatic = try? newIdentity.privateKey.sharedSecret(with: remotePublicKey)
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
        reset()  // wireguard-go zeroes ck, h and the ephemeral key after BeginSymmetricSession
        return session
    }

    mutating func transition(
        to newState: HandshakeState, noise: NoiseIKpsk2, localIndex: UInt32, remoteIndex: UInt32
    ) {
        // The state replaced (an initiation superseded, or the copy a message was consumed into took over) is
        // zeroed; a block the new state still shares is kept.
        if var old = self.noise, old.secrets !== noise.secrets { old.wipe() }
        self.state = newState
        self.noise = noise
        self.localIndex = localIndex
        self.remoteIndex = remoteIndex
    }

    mutating func recordAccepted(timestamp: TAI64N, now: Instant) {
        latestTimestamp = timestamp
        rateLimiter.record(now: now)
    }
}
