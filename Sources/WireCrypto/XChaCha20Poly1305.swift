/// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3): ChaCha20-Poly1305 with a 24-byte nonce.
///
/// subkey = HChaCha20(key, nonce[0..<16]); then ChaCha20-Poly1305 under the subkey with the 12-byte nonce
/// 00000000 || nonce[16..<24]. WireGuard seals the cookie in a cookie reply this way (whitepaper §5.4.7, XAEAD).
/// Sealed boxes are the ciphertext followed by the 16-byte tag.
public enum XChaCha20Poly1305 {
    /// The nonce length: 24 bytes.
    public static let nonceLength = 24

    /// XAEAD(key, nonce, plaintext, aad): returns ciphertext || tag.
    public static func seal(
        key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        let (subkey, innerNonce) = try derive(key: key, nonce: nonce)
        return try ChaChaPolyAEAD.seal(key: subkey, nonce: innerNonce, plaintext: plaintext, aad: aad)
    }

    /// Opens ciphertext || tag; throws `.authenticationFailed` on any mismatch.
    public static func open(
        key: [UInt8], nonce: [UInt8], sealed: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        let (subkey, innerNonce) = try derive(key: key, nonce: nonce)
        return try ChaChaPolyAEAD.open(key: subkey, nonce: innerNonce, sealed: sealed, aad: aad)
    }

    private static func derive(key: [UInt8], nonce: [UInt8]) throws(CryptoError) -> ([UInt8], [UInt8]) {
        guard key.count == 32 else { throw .invalidKeyLength(key.count) }
        guard nonce.count == nonceLength else { throw .invalidNonceLength(nonce.count) }
        let subkey = try HChaCha20.subkey(key: key, nonce: Array(nonce[0..<16]))
        return (subkey, [0, 0, 0, 0] + nonce[16..<24])
    }
}
