import WireCrypto

extension PeerHandshake {
    /// Creates a handshake initiation (whitepaper §5.4.2) and enters `.initiationCreated`.
    ///
    /// - Parameters:
    ///   - senderIndex: our fresh random index for the session (I_i); the tunnel keeps indices unique.
    ///   - timestamp: TAI64N of the current wall time; must grow from one initiation to the next, or the
    ///     responder drops the message as a replay.
    ///   - generator: supplies the 32 bytes of the ephemeral private key.
    /// - Returns: the message with zero MACs: add them with `CookieGenerator.addMACs` before sending.
    /// A new initiation replaces any handshake in flight.
    public mutating func createInitiation(
        senderIndex: UInt32, timestamp: TAI64N, using generator: inout some RandomNumberGenerator
    ) throws(HandshakeError) -> HandshakeInitiation {
        // A low-order peer key has no static-static secret: the handshake computes DH itself and throws.
        var noise = try NoiseIKpsk2(
            initiatorStatic: identity.privateKey, remoteStatic: remotePublicKey, presharedKey: presharedKey,
            prologue: Array(ProtocolConstants.identifier.utf8), protocolName: ProtocolConstants.construction,
            precomputedStaticStatic: precomputedStaticStatic
        )
        var ephemeral = X25519.generatePrivateKey(using: &generator)
        defer { SecretBytes.wipe(&ephemeral) }
        let body = try noise.writeMessage1(ephemeralPrivate: ephemeral, payload: timestamp.bytes)
        transition(to: .initiationCreated, noise: noise, localIndex: senderIndex, remoteIndex: 0)
        return HandshakeInitiation(
            senderIndex: senderIndex,
            ephemeral: Array(body[0..<32]),
            encryptedStatic: Array(body[32..<80]),
            encryptedTimestamp: Array(body[80..<108])
        )
    }

    /// Consumes the response to our initiation (whitepaper §5.4.3) and enters `.responseConsumed`.
    ///
    /// The tunnel routes a response here by its receiver index; mac1 must have been checked already. On any
    /// failure the handshake stays in `.initiationCreated`, so a forged response cannot cancel the real one.
    public mutating func consumeResponse(_ response: HandshakeResponse) throws(HandshakeError) {
        guard state == .initiationCreated, var noise = self.noise else { throw .unexpectedState(state) }
        guard response.receiverIndex == localIndex else { throw .wrongReceiverIndex(response.receiverIndex) }
        let payload = try noise.readMessage2(response.noisePayload)
        guard payload.isEmpty else { throw .decryptionFailed(field: "empty") }
        transition(to: .responseConsumed, noise: noise, localIndex: localIndex, remoteIndex: response.senderIndex)
    }
}
