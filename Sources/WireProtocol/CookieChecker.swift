import WireCrypto
import WireNet

/// The receiving side of mac1/mac2 for the local interface, and the maker of cookie replies (whitepaper §5.4.4,
/// §5.4.7; wireguard-go's CookieChecker).
///
/// mac1 proves the sender knows our static public key; it is always checked. Under load, mac2 must also prove
/// the sender can receive at its source address: mac2 = MAC(cookie, msg_β) with cookie = MAC(R, source), where
/// the secret R is 32 random bytes replaced every 120 s. The source is an opaque byte string naming the sender's
/// address (for example the IP address bytes followed by the port in network order); use one form consistently.
/// Time is monotonic and passed in; randomness comes from the caller's generator.
public struct CookieChecker: Sendable {
    private let mac1Key: [UInt8]
    private let cookieKey: [UInt8]
    private var secret: [UInt8]?
    private var secretCreated: Instant?

    /// A checker for messages sent to the identity whose static public key is `localPublicKey`.
    public init(localPublicKey: [UInt8]) {
        mac1Key = NoiseHash.hash(Array(ProtocolConstants.labelMAC1.utf8), localPublicKey)
        cookieKey = NoiseHash.hash(Array(ProtocolConstants.labelCookie.utf8), localPublicKey)
    }

    /// True if mac1 is MAC(HASH("mac1----" || our public key), msg_α), compared in constant time.
    public func checkMAC1(_ message: some MACProtectedMessage) -> Bool {
        ConstantTime.equal(NoiseHash.mac(key: mac1Key, message.bytesBeforeMAC1), message.mac1)
    }

    /// True if mac2 is right for `source` under the current secret; false when the secret is older than 120 s
    /// (or none was made yet), so a cookie reply with a fresh secret is due.
    public func checkMAC2(_ message: some MACProtectedMessage, source: [UInt8], now: Instant) -> Bool {
        guard let secret, let secretCreated, now - secretCreated <= ProtocolConstants.cookieRefreshTime else {
            return false
        }
        let cookie = NoiseHash.mac(key: secret, source)
        return ConstantTime.equal(NoiseHash.mac(key: cookie, message.bytesBeforeMAC2), message.mac2)
    }

    /// The full check of a handshake message: mac1 always, mac2 only when `underLoad`.
    public func verify(
        _ message: some MACProtectedMessage, source: [UInt8], now: Instant, underLoad: Bool
    ) -> MACVerdict {
        guard checkMAC1(message) else { return .invalidMAC1 }
        guard underLoad else { return .valid }
        return checkMAC2(message, source: source, now: now) ? .valid : .cookieRequired
    }

    /// A cookie reply to `message` from `source` (§5.4.7): XAEAD(HASH("cookie--" || our public key), random
    /// 24-byte nonce, MAC(R, source), mac1 of `message`), addressed to the message's sender index.
    ///
    /// Replaces the secret R with 32 bytes from `generator` if it is older than 120 s. Send it only for messages
    /// whose mac1 is valid.
    public mutating func createReply(
        to message: some MACProtectedMessage, source: [UInt8], now: Instant,
        using generator: inout some RandomNumberGenerator
    ) -> CookieReply {
        if secret == nil || secretCreated.map({ now - $0 > ProtocolConstants.cookieRefreshTime }) ?? true {
            secret = RandomBytes.make(count: 32, using: &generator)
            secretCreated = now
        }
        let cookie = NoiseHash.mac(key: secret!, source)
        let nonce = RandomBytes.make(count: XChaCha20Poly1305.nonceLength, using: &generator)
        // The key is 32 bytes and the nonce 24 by construction, so sealing cannot fail.
        let sealed =
            (try? XChaCha20Poly1305.seal(key: cookieKey, nonce: nonce, plaintext: cookie, aad: message.mac1))
            ?? []
        return CookieReply(receiverIndex: message.senderIndex, nonce: nonce, encryptedCookie: sealed)
    }
}
