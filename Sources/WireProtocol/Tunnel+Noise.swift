import WireCrypto
import WireNet

/// The WireGuard handshake behind a tunnel: `PeerHandshake` (Noise IKpsk2) with mac1/mac2 and cookies
/// (whitepaper §5.4.2-§5.4.7), adapted to `TunnelHandshake`.
///
/// TAI64N timestamps need wall-clock time, which WireProtocol never reads: the caller gives the wall-clock time
/// at its monotonic origin once (`wallClockAtOrigin`, since the Unix epoch), and each timestamp is that plus
/// `now`. Timestamps therefore never go backwards while the daemon runs, even if the system clock is stepped.
public struct NoiseTunnelHandshake: TunnelHandshake {
    var peer: PeerHandshake
    var cookies: CookieGenerator
    private(set) var checker: CookieChecker
    private(set) var identity: HandshakeIdentity
    /// Wall-clock time since the Unix epoch at the caller's monotonic origin (`Instant.zero`).
    public var wallClockAtOrigin: Duration

    /// The handshake of `identity` with the peer whose static public key is `peerPublicKey`.
    public init(
        identity: HandshakeIdentity, peerPublicKey: [UInt8],
        presharedKey: [UInt8] = [UInt8](repeating: 0, count: 32),
        wallClockAtOrigin: Duration
    ) throws(HandshakeError) {
        self.identity = identity
        peer = try PeerHandshake(identity: identity, remotePublicKey: peerPublicKey, presharedKey: presharedKey)
        cookies = CookieGenerator(remotePublicKey: peerPublicKey)
        checker = CookieChecker(localPublicKey: identity.publicKey)
        self.wallClockAtOrigin = wallClockAtOrigin
    }

    /// Creates the initiation with a TAI64N timestamp of `wallClockAtOrigin + now`, then fills mac1/mac2.
    public mutating func createInitiation(
        localIndex: UInt32, now: Instant,
        random: inout some RandomNumberGenerator
    ) throws -> [UInt8] {
        let timestamp = TAI64N(sinceUnixEpoch: wallClockAtOrigin + (now - .zero))
        var message = try peer.createInitiation(senderIndex: localIndex, timestamp: timestamp, using: &random)
        cookies.addMACs(to: &message, now: now)
        return message.encoded
    }

    /// Checks mac1 of the response, consumes it and derives the session keys.
    public mutating func consumeResponse(_ message: [UInt8], now: Instant) throws -> SessionKeys {
        let response = try HandshakeResponse(decoding: message)
        guard checker.checkMAC1(response) else { throw HandshakeRejection.invalidMAC1 }
        try peer.consumeResponse(response)
        return try peer.deriveSessionKeys()
    }

    /// Accepts the initiation (timestamp replay and 20 ms flood checks) and creates the response with MACs.
    public mutating func respond(
        toInitiation message: [UInt8], consumed: ConsumedInitiation?, localIndex: UInt32,
        now: Instant, random: inout some RandomNumberGenerator
    )
        throws -> (response: [UInt8], keys: SessionKeys)
    {
        let opened: ConsumedInitiation
        if let consumed {
            opened = consumed
        } else {
            let initiation = try HandshakeInitiation(decoding: message)
            guard checker.checkMAC1(initiation) else { throw HandshakeRejection.invalidMAC1 }
            opened = try identity.consumeInitiation(initiation)
        }
        try peer.accept(opened, now: now)
        var response = try peer.createResponse(senderIndex: localIndex, using: &random)
        cookies.addMACs(to: &response, now: now)
        return (response.encoded, try peer.deriveSessionKeys())
    }

    /// Keeps the cookie from a reply to our last message, for mac2 during the next 120 s.
    public mutating func consumeCookieReply(_ message: [UInt8], now: Instant) throws {
        try cookies.consumeCookieReply(CookieReply(decoding: message), now: now)
    }

    /// Forgets the handshake in flight; the replay timestamp and rate limiter stay.
    public mutating func clear() {
        peer.reset()
    }

    /// Moves to a new local static key (the interface's private key changed): the handshake in flight is
    /// forgotten, the static-static DH is recomputed and mac1 of responses is checked against the new public key.
    /// The cookie from the peer stays (it is keyed on the peer's public key and our source address, §5.4.7).
    /// wireguard-go's `Device.SetPrivateKey`, device/device.go.
    public mutating func setIdentity(_ newIdentity: HandshakeIdentity) {
        identity = newIdentity
        checker = CookieChecker(localPublicKey: newIdentity.publicKey)
        peer.setIdentity(newIdentity)
    }
}

/// Routes initiations for a device whose peers use `NoiseTunnelHandshake` (whitepaper §5.4.2, §5.4.7): checks
/// mac1 (and mac2 under load, answering with a cookie reply when it is missing), opens the initiator's static
/// key with the interface's private key and finds the peer by it.
public struct NoiseInitiationRouter: InitiationRouter {
    private(set) var identity: HandshakeIdentity
    var checker: CookieChecker
    /// Peer index by static public key.
    public private(set) var peers: [[UInt8]: UInt32] = [:]

    /// A router for the interface `identity`.
    public init(identity: HandshakeIdentity) {
        self.identity = identity
        checker = CookieChecker(localPublicKey: identity.publicKey)
    }

    /// Makes initiations from `publicKey` go to the tunnel with `peerIndex`.
    public mutating func register(publicKey: [UInt8], peerIndex: UInt32) {
        peers[publicKey] = peerIndex
    }

    /// Forgets the peer with `publicKey`.
    public mutating func unregister(publicKey: [UInt8]) {
        peers[publicKey] = nil
    }

    /// Opens later initiations with a new private key and checks their mac1 against its public key (whitepaper
    /// §5.4.4: mac1 is keyed on the responder's static public key); wireguard-go's `Device.SetPrivateKey`
    /// re-initialises its cookie checker the same way. The peer list stays.
    public mutating func setIdentity(_ newIdentity: HandshakeIdentity) {
        identity = newIdentity
        checker = CookieChecker(localPublicKey: newIdentity.publicKey)
    }

    /// The bytes that name a source for cookies: the address (4 or 16 bytes) then the port, big-endian.
    static func cookieSource(_ endpoint: UDPEndpoint) -> [UInt8] {
        var bytes: [UInt8]
        switch endpoint.address {
        case .v4(let v): bytes = (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) }
        case .v6(let v): bytes = (0..<16).map { UInt8(truncatingIfNeeded: v >> UInt128(120 - 8 * $0)) }
        }
        bytes.append(UInt8(endpoint.port >> 8))
        bytes.append(UInt8(endpoint.port & 0xff))
        return bytes
    }

    /// Checks the MACs (answering with a cookie reply under load without mac2), opens the initiation and
    /// finds the peer by the initiator's static key.
    public mutating func route(
        initiation message: [UInt8], from source: UDPEndpoint, now: Instant,
        underLoad: Bool, random: inout some RandomNumberGenerator
    ) -> InitiationRoute {
        let initiation: HandshakeInitiation
        do {
            initiation = try HandshakeInitiation(decoding: message)
        } catch {
            return .drop(.malformedMessage(type: message.first ?? 0, length: message.count))
        }
        let sourceBytes = Self.cookieSource(source)
        switch checker.verify(initiation, source: sourceBytes, now: now, underLoad: underLoad) {
        case .invalidMAC1:
            return .drop(.handshakeRejected(.invalidMAC1))
        case .cookieRequired:
            return .cookieReply(
                checker.createReply(
                    to: initiation, source: sourceBytes, now: now,
                    using: &random
                ).encoded)
        case .valid:
            break
        }
        let consumed: ConsumedInitiation
        do {
            consumed = try identity.consumeInitiation(initiation)
        } catch {
            return .drop(.handshakeRejected(HandshakeRejection(error)))
        }
        guard let peer = peers[consumed.remoteStatic] else { return .drop(.unknownInitiator) }
        return .peer(peer, consumed: consumed)
    }

    /// Checks mac1 of a response, and under load its mac2, answering with a cookie reply when it is missing.
    public mutating func admit(
        response message: [UInt8], from source: UDPEndpoint, now: Instant,
        underLoad: Bool, random: inout some RandomNumberGenerator
    ) -> InitiationRoute? {
        let response: HandshakeResponse
        do {
            response = try HandshakeResponse(decoding: message)
        } catch {
            return .drop(.malformedMessage(type: message.first ?? 0, length: message.count))
        }
        let sourceBytes = Self.cookieSource(source)
        switch checker.verify(response, source: sourceBytes, now: now, underLoad: underLoad) {
        case .invalidMAC1:
            return .drop(.handshakeRejected(.invalidMAC1))
        case .cookieRequired:
            return .cookieReply(
                checker.createReply(
                    to: response, source: sourceBytes, now: now,
                    using: &random
                ).encoded)
        case .valid:
            return nil
        }
    }
}
