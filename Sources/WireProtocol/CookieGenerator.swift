import WireCrypto
import WireNet

/// The sending side of mac1/mac2 for one peer: computes the MACs of our handshake messages and keeps the cookie
/// that peer last sent us (whitepaper §5.4.4, §5.4.7; wireguard-go's CookieGenerator).
///
/// mac1 = MAC(HASH("mac1----" || peer's static public key), msg_α). mac2 = MAC(cookie, msg_β) while a cookie
/// received less than 120 s ago is held, else 16 zeros. A cookie reply opens only under the mac1 of the last
/// message we sent, so a reply cannot be replayed or forged by someone who did not see that message.
public struct CookieGenerator: Sendable {
    private let mac1Key: [UInt8]
    private let cookieKey: [UInt8]
    private var lastMAC1: [UInt8]?
    private var cookie: [UInt8]?
    private var cookieReceived: Instant?

    /// A generator for messages to the peer whose static public key is `remotePublicKey`.
    public init(remotePublicKey: [UInt8]) {
        mac1Key = NoiseHash.hash(Array(ProtocolConstants.labelMAC1.utf8), remotePublicKey)
        cookieKey = NoiseHash.hash(Array(ProtocolConstants.labelCookie.utf8), remotePublicKey)
    }

    /// True if a cookie received less than 120 s before `now` is held: the next message carries mac2.
    public func hasFreshCookie(now: Instant) -> Bool {
        guard cookie != nil, let cookieReceived else { return false }
        return now - cookieReceived < ProtocolConstants.cookieValidity
    }

    /// Fills mac1 and mac2 of `message`; `now` is monotonic time since an origin the caller fixes.
    public mutating func addMACs<Message: MACProtectedMessage>(to message: inout Message, now: Instant) {
        message.mac1 = NoiseHash.mac(key: mac1Key, message.bytesBeforeMAC1)
        lastMAC1 = message.mac1
        if hasFreshCookie(now: now), let cookie {
            message.mac2 = NoiseHash.mac(key: cookie, message.bytesBeforeMAC2)
        } else {
            message.mac2 = [UInt8](repeating: 0, count: NoiseHash.macLength)
        }
    }

    /// Takes the cookie out of a reply to our last message; it is used for mac2 from now on for 120 s.
    ///
    /// The tunnel routes a reply here by its receiver index (our index of the message that was answered).
    public mutating func consumeCookieReply(_ reply: CookieReply, now: Instant) throws(CookieError) {
        guard let lastMAC1 else { throw .noOutstandingMAC1 }
        guard
            let opened = try? XChaCha20Poly1305.open(
                key: cookieKey, nonce: reply.nonce, sealed: reply.encryptedCookie, aad: lastMAC1
            )
        else { throw .decryptionFailed }
        cookie = opened
        cookieReceived = now
    }
}
