import WireCrypto

/// Why a handshake step refused a message or a request. Values never carry key material.
public enum HandshakeError: Error, Equatable, Sendable {
    /// A Diffie-Hellman result was all zeros: a low-order public key (whitepaper §5.4), or a key of the wrong
    /// length.
    case crypto(CryptoError)
    /// An AEAD in a handshake message did not open: named by what it sealed ("static", "timestamp", "empty",
    /// or "payload" for generic Noise messages).
    case decryptionFailed(field: String)
    /// A Noise message of the wrong length for its pattern position.
    case malformedNoiseMessage(expectedAtLeast: Int, actual: Int)
    /// The initiation's timestamp is not greater than the greatest seen from this peer: a replay (§5.1).
    case replayedTimestamp
    /// An initiation from this peer was already accepted less than 20 ms ago (the per-peer flood limit).
    case initiationTooSoon
    /// The step does not fit the handshake's state, e.g. a response with no initiation outstanding.
    case unexpectedState(HandshakeState)
    /// A response whose receiver index is not the index of the outstanding initiation.
    case wrongReceiverIndex(UInt32)
    /// A consumed initiation was offered to the handshake of a different peer.
    case wrongPeer
    /// The decrypted timestamp is not 12 bytes (cannot happen with a well-formed initiation).
    case malformedTimestamp
}

/// Where a peer's handshake stands (whitepaper §5.4, wireguard-go's handshakeState).
public enum HandshakeState: Equatable, Sendable {
    /// No handshake in flight.
    case idle
    /// We sent an initiation and wait for the response.
    case initiationCreated
    /// We accepted an initiation and have not answered it yet.
    case initiationConsumed
    /// We answered an initiation: keys are ready (responder side).
    case responseCreated
    /// We received the response to our initiation: keys are ready (initiator side).
    case responseConsumed
}
