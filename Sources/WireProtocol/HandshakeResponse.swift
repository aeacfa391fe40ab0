/// The second handshake message, responder to initiator: 92 bytes (whitepaper §5.4.3).
///
/// Layout: type 2 and three zero bytes, sender index (4), receiver index (4, the initiator's sender index),
/// unencrypted ephemeral (32), encrypted nothing (0 + 16), mac1 (16), mac2 (16). Integers are little-endian.
public struct HandshakeResponse: MACProtectedMessage, Equatable {
    /// The encoded length: 92 bytes.
    public static let length = 92

    /// The responder's index for this session (I_r).
    public var senderIndex: UInt32
    /// The initiator's index from the initiation (I_i).
    public var receiverIndex: UInt32
    /// The responder's ephemeral public key (32 bytes).
    public var ephemeral: [UInt8]
    /// AEAD of the empty payload: a 16-byte tag that proves the responder knows the keys and the PSK.
    public var encryptedNothing: [UInt8]
    /// See `MACProtectedMessage.mac1`.
    public var mac1: [UInt8]
    /// See `MACProtectedMessage.mac2`.
    public var mac2: [UInt8]

    /// A message from its fields; MACs default to zeros (fill them with `CookieGenerator.addMACs`).
    public init(
        senderIndex: UInt32, receiverIndex: UInt32, ephemeral: [UInt8], encryptedNothing: [UInt8],
        mac1: [UInt8] = .init(repeating: 0, count: 16), mac2: [UInt8] = .init(repeating: 0, count: 16)
    ) {
        precondition(ephemeral.count == 32 && encryptedNothing.count == 16)
        precondition(mac1.count == 16 && mac2.count == 16)
        self.senderIndex = senderIndex
        self.receiverIndex = receiverIndex
        self.ephemeral = ephemeral
        self.encryptedNothing = encryptedNothing
        self.mac1 = mac1
        self.mac2 = mac2
    }

    /// Decodes exactly 92 bytes of type 2; anything else throws a drop reason.
    public init(decoding datagram: some Collection<UInt8>) throws(MessageDropReason) {
        let b = try MessageBytes.check(datagram, is: .handshakeResponse)
        self.init(
            senderIndex: MessageBytes.readUInt32(b, at: 4),
            receiverIndex: MessageBytes.readUInt32(b, at: 8),
            ephemeral: Array(b[12..<44]),
            encryptedNothing: Array(b[44..<60]),
            mac1: Array(b[60..<76]),
            mac2: Array(b[76..<92])
        )
    }

    /// The 92-byte wire form.
    public var encoded: [UInt8] { bytesBeforeMAC1 + mac1 + mac2 }

    /// See `MACProtectedMessage.bytesBeforeMAC1`: the first 60 bytes.
    public var bytesBeforeMAC1: [UInt8] {
        var out: [UInt8] = [MessageType.handshakeResponse.rawValue, 0, 0, 0]
        out.reserveCapacity(Self.length)
        MessageBytes.append(senderIndex, to: &out)
        MessageBytes.append(receiverIndex, to: &out)
        return out + ephemeral + encryptedNothing
    }

    /// The Noise message 2 inside: ephemeral || encrypted empty payload (48 bytes).
    var noisePayload: [UInt8] { ephemeral + encryptedNothing }
}
