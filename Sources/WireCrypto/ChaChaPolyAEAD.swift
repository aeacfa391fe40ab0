import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// ChaCha20-Poly1305 (RFC 8439) from swift-crypto, in the two nonce forms WireGuard uses.
///
/// WireGuard's AEAD(key, counter, plaintext, aad) takes a 64-bit counter as the nonce: 32 bits of zeros followed
/// by the counter in little-endian (whitepaper §5.4, "AEAD"), the same nonce layout as Noise's ChaChaPoly.
/// Sealed boxes are the ciphertext followed by the 16-byte tag.
public enum ChaChaPolyAEAD {
    /// The key length: 32 bytes.
    public static let keyLength = 32
    /// The nonce length: 12 bytes.
    public static let nonceLength = 12
    /// The tag length: 16 bytes.
    public static let tagLength = 16

    /// The 12-byte nonce for a WireGuard counter: four zero bytes, then the counter little-endian.
    public static func nonce(counter: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: nonceLength)
        for i in 0..<8 { nonce[4 + i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        return nonce
    }

    /// AEAD(key, counter, plaintext, aad): returns ciphertext || tag.
    public static func seal(
        key: [UInt8], counter: UInt64, plaintext: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        try seal(key: key, nonce: nonce(counter: counter), plaintext: plaintext, aad: aad)
    }

    /// Opens ciphertext || tag sealed under `key` and `counter`; throws `.authenticationFailed` on any mismatch.
    public static func open(
        key: [UInt8], counter: UInt64, sealed: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        try open(key: key, nonce: nonce(counter: counter), sealed: sealed, aad: aad)
    }

    /// ChaCha20-Poly1305 with an explicit 12-byte nonce: returns ciphertext || tag.
    public static func seal(
        key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        let (symmetricKey, chachaNonce) = try parameters(key: key, nonce: nonce)
        do {
            let box = try ChaChaPoly.seal(plaintext, using: symmetricKey, nonce: chachaNonce, authenticating: aad)
            var out = [UInt8](box.ciphertext)
            out.append(contentsOf: box.tag)
            return out
        } catch {
            // Sealing only fails on malformed parameters, which `parameters` has already ruled out.
            throw .authenticationFailed
        }
    }

    /// ChaCha20-Poly1305 open with an explicit 12-byte nonce; throws `.authenticationFailed` on any mismatch.
    public static func open(
        key: [UInt8], nonce: [UInt8], sealed: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        let (symmetricKey, chachaNonce) = try parameters(key: key, nonce: nonce)
        guard sealed.count >= tagLength else { throw .ciphertextTooShort(sealed.count) }
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: chachaNonce,
                ciphertext: sealed[..<(sealed.count - tagLength)],
                tag: sealed[(sealed.count - tagLength)...]
            )
            return [UInt8](try ChaChaPoly.open(box, using: symmetricKey, authenticating: aad))
        } catch {
            throw .authenticationFailed
        }
    }

    private static func parameters(
        key: [UInt8], nonce: [UInt8]
    ) throws(CryptoError) -> (SymmetricKey, ChaChaPoly.Nonce) {
        guard key.count == keyLength else { throw .invalidKeyLength(key.count) }
        guard nonce.count == nonceLength, let chachaNonce = try? ChaChaPoly.Nonce(data: nonce) else {
            throw .invalidNonceLength(nonce.count)
        }
        return (SymmetricKey(data: key), chachaNonce)
    }
}
