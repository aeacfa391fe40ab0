import Crypto
import Foundation

/// X25519 Diffie-Hellman (RFC 7748) from swift-crypto, with WireGuard's rule that an all-zero result is refused.
///
/// DH(private, public) in whitepaper §5.4. Private keys are 32 raw bytes and are clamped inside the scalar
/// multiplication, so any 32 bytes are a valid private key. A public key of low order makes every shared secret
/// zero; `sharedSecret` throws `.zeroSharedSecret` for it, so such a key never completes a handshake.
public enum X25519 {
    /// Key and shared-secret length: 32 bytes.
    public static let keyLength = 32

    /// DH-Pubkey(private): the public key of a 32-byte private key.
    public static func publicKey(privateKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard privateKey.count == keyLength,
              let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
        else { throw .invalidKeyLength(privateKey.count) }
        return [UInt8](key.publicKey.rawRepresentation)
    }

    /// DH(private, public): the 32-byte shared secret; throws `.zeroSharedSecret` when it is all zeros.
    public static func sharedSecret(privateKey: [UInt8], publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard privateKey.count == keyLength,
              let ours = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
        else { throw .invalidKeyLength(privateKey.count) }
        guard publicKey.count == keyLength,
              let theirs = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
        else { throw .invalidKeyLength(publicKey.count) }
        // BoringSSL itself refuses an all-zero output (it throws); check the bytes too so the rule holds for any
        // backend.
        guard let secret = try? ours.sharedSecretFromKeyAgreement(with: theirs) else { throw .zeroSharedSecret }
        let bytes = secret.withUnsafeBytes { [UInt8]($0) }
        guard !ConstantTime.isZero(bytes) else { throw .zeroSharedSecret }
        return bytes
    }

    /// DH-Generate(): 32 bytes from `generator`, clamped as RFC 7748 §5 describes (as `wg genkey` does).
    public static func generatePrivateKey(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var key = RandomBytes.make(count: keyLength, using: &generator)
        key[0] &= 248
        key[31] = (key[31] & 127) | 64
        return key
    }
}
