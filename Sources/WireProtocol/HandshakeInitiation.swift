/// A handshake message that carries mac1 and mac2 in its last 32 bytes (whitepaper §5.4.4).
public protocol MACProtectedMessage: Sendable {
    /// The sender's index: a cookie reply to this message carries it as its receiver index.
    var senderIndex: UInt32 { get }
    /// MAC(HASH(label-mac1 || receiver's static public key), bytes before mac1): 16 bytes.
    var mac1: [UInt8] { get set }
    /// MAC(cookie, bytes before mac2), or 16 zeros without a fresh cookie: 16 bytes.
    var mac2: [UInt8] { get set }
    /// msg_α: the encoded message up to, not including, mac1.
    var bytesBeforeMAC1: [UInt8] { get }
}

extension MACProtectedMessage {
    /// msg_β: the encoded message up to, not including, mac2 (msg_α || mac1).
    public var bytesBeforeMAC2: [UInt8] { bytesBeforeMAC1 + mac1 }
}

/// The first handshake message, initiator to responder: 148 bytes (whitepaper §5.4.2).
///
/// Layout: type 1 and three zero bytes, sender index (4, little-endian), unencrypted ephemeral (32), encrypted
/// static (32 + 16), encrypted timestamp (12 + 16), mac1 (16), mac2 (16).
public struct HandshakeInitiation: MACProtectedMessage, Equatable {
    /// The encoded length: 148 bytes.
    public static let length = 148

    /// The initiator's index for this session (I_i), chosen at random by the initiator.
    public var senderIndex: UInt32
    /// The initiator's ephemeral public key (32 bytes).
    public var ephemeral: [UInt8]
    /// AEAD of the initiator's static public key (48 bytes).
    public var encryptedStatic: [UInt8]
    /// AEAD of the TAI64N timestamp (28 bytes).
    public var encryptedTimestamp: [UInt8]
    /// See `MACProtectedMessage.mac1`.
    public var mac1: [UInt8]
    /// See `MACProtectedMessage.mac2`.
    public var mac2: [UInt8]

    /// A message from its fields; MACs default to zeros (fill them with `CookieGenerator.addMACs`).
    public init(
        senderIndex: UInt32, ephemeral: [UInt8], encryptedStatic: [UInt8], encryptedTimestamp: [UInt8],
        mac1: [UInt8] = .init(repeating: 0, count: 16), mac2: [UInt8] = .init(repeating: 0, count: 16)
    ) {
        precondition(ephemeral.count == 32 && encryptedStatic.count == 48 && encryptedTimestamp.count == 28)
        precondition(mac1.count == 16 && mac2.count == 16)
        self.senderIndex = senderIndex
        self.ephemeral = ephemeral
        self.encryptedStatic = encryptedStatic
        self.encryptedTimestamp = encryptedTimestamp
        self.mac1 = mac1
        self.mac2 = mac2
    }

    /// Decodes exactly 148 bytes of type 1; anything else throws a drop reason.
    public init(decoding datagram: some Collection<UInt8>) throws(MessageDropReason) {
        let b = try MessageBytes.check(datagram, is: .handshakeInitiation)
        self.init(
            senderIndex: MessageBytes.readUInt32(b, at: 4),
            ephemeral: Array(b[8..<40]),
            encryptedStatic: Array(b[40..<88]),
            encryptedTimestamp: Array(b[88..<116]),
            mac1: Array(b[116..<132]),
            mac2: Array(b[132..<148])
        )
    }

    /// The 148-byte wire form.
    public var encoded: [UInt8] { bytesBeforeMAC1 + mac1 + mac2 }

    /// See `MACProtectedMessage.bytesBeforeMAC1`: the first 116 bytes.
    public var bytesBeforeMAC1: [UInt8] {
        var out: [UInt8] = [MessageType.handshakeInitiation.rawValue, 0, 0, 0]
        out.reserveCapacity(Self.length)
        MessageBytes.append(senderIndex, to: &out)
        return out + ephemeral + encryptedStatic + encryptedTimestamp
    }

    /// The Noise message 1 inside: ephemeral || encrypted static || encrypted timestamp (108 bytes).
    var noisePayload: [UInt8] { ephemeral + encryptedStatic + encryptedTimestamp }
}
