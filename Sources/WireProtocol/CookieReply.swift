/// The cookie reply, sent by a responder under load instead of a handshake response: 64 bytes (whitepaper §5.4.7).
///
/// Layout: type 3 and three zero bytes, receiver index (4, little-endian: the sender index of the message being
/// answered), nonce (24), encrypted cookie (16 + 16).
public struct CookieReply: Equatable, Sendable {
    /// The encoded length: 64 bytes.
    public static let length = 64

    /// The sender index of the handshake message this reply answers.
    public var receiverIndex: UInt32
    /// The random 24-byte XChaCha20-Poly1305 nonce.
    public var nonce: [UInt8]
    /// XAEAD(HASH(label-cookie || responder's static public key), nonce, cookie, mac1 of the answered message).
    public var encryptedCookie: [UInt8]

    /// A reply from its fields.
    public init(receiverIndex: UInt32, nonce: [UInt8], encryptedCookie: [UInt8]) {
        precondition(nonce.count == 24 && encryptedCookie.count == 32)
        self.receiverIndex = receiverIndex
        self.nonce = nonce
        self.encryptedCookie = encryptedCookie
    }

    /// Decodes exactly 64 bytes of type 3; anything else throws a drop reason.
    public init(decoding datagram: some Collection<UInt8>) throws(MessageDropReason) {
        let b = try MessageBytes.check(datagram, is: .cookieReply)
        self.init(
            receiverIndex: MessageBytes.readUInt32(b, at: 4),
            nonce: Array(b[8..<32]),
            encryptedCookie: Array(b[32..<64])
        )
    }

    /// The 64-byte wire form.
    public var encoded: [UInt8] {
        var out: [UInt8] = [MessageType.cookieReply.rawValue, 0, 0, 0]
        out.reserveCapacity(Self.length)
        MessageBytes.append(receiverIndex, to: &out)
        return out + nonce + encryptedCookie
    }
}
