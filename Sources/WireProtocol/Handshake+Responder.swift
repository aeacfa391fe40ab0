import WireCrypto
import WireNet

extension HandshakeIdentity {
    /// Opens an initiation addressed to this identity (whitepaper §5.4.2, responder side) without knowing the peer.
    ///
    /// Decrypts the initiator's static key and the timestamp. Replay and flood checks need the peer's state:
    /// look the peer up by `remoteStatic` and call its `PeerHandshake.accept(_:now:)`. Check mac1 (and under
    /// load mac2) with `CookieChecker` first: this step costs three Diffie-Hellman operations.
    public func consumeInitiation(_ initiation: HandshakeInitiation) throws(HandshakeError) -> ConsumedInitiation {
        var noise = NoiseIKpsk2(
            responderStatic: privateKey, prologue: Array(ProtocolConstants.identifier.utf8),
            protocolName: ProtocolConstants.construction
        )
        let payload = try noise.readMessage1(initiation.noisePayload)
        guard let timestamp = TAI64N(bytes: payload), let remoteStatic = noise.remoteStatic else {
            throw .malformedTimestamp
        }
        return ConsumedInitiation(
            remoteStatic: remoteStatic, timestamp: timestamp, senderIndex: initiation.senderIndex, noise: noise
        )
    }
}

extension PeerHandshake {
    /// Accepts a consumed initiation from this peer and enters `.initiationConsumed`.
    ///
    /// Throws `.replayedTimestamp` unless the timestamp is greater than every one accepted before (§5.1), and
    /// `.initiationTooSoon` if an initiation was accepted less than 20 ms before `now` (the kernel's and
    /// wireguard-go's flood limit). `now` is monotonic time since an origin the caller fixes. On success a
    /// handshake in flight is replaced (the peer restarted its handshake).
    public mutating func accept(_ consumed: ConsumedInitiation, now: Instant) throws(HandshakeError) {
        guard ConstantTime.equal(consumed.remoteStatic, remotePublicKey) else { throw .wrongPeer }
        if let latestTimestamp, consumed.timestamp <= latestTimestamp { throw .replayedTimestamp }
        guard rateLimiter.permits(now: now) else { throw .initiationTooSoon }
        var noise = consumed.noise
        noise.presharedKey = presharedKey
        recordAccepted(timestamp: consumed.timestamp, now: now)
        transition(to: .initiationConsumed, noise: noise, localIndex: 0, remoteIndex: consumed.senderIndex)
    }

    /// Creates the response to the accepted initiation (whitepaper §5.4.3) and enters `.responseCreated`.
    ///
    /// - Parameters:
    ///   - senderIndex: our fresh random index for the session (I_r).
    ///   - generator: supplies the 32 bytes of the ephemeral private key.
    /// - Returns: the message with zero MACs: add them with `CookieGenerator.addMACs` before sending.
    public mutating func createResponse(
        senderIndex: UInt32, using generator: inout some RandomNumberGenerator
    ) throws(HandshakeError) -> HandshakeResponse {
        guard state == .initiationConsumed, var noise = self.noise else { throw .unexpectedState(state) }
        noise.presharedKey = presharedKey
        var ephemeral = X25519.generatePrivateKey(using: &generator)
        defer { SecretBytes.wipe(&ephemeral) }
        let body = try noise.writeMessage2(ephemeralPrivate: ephemeral, payload: [])
        transition(to: .responseCreated, noise: noise, localIndex: senderIndex, remoteIndex: remoteIndex)
        return HandshakeResponse(
            senderIndex: senderIndex, receiverIndex: remoteIndex,
            ephemeral: Array(body[0..<32]), encryptedNothing: Array(body[32..<48])
        )
    }
}
