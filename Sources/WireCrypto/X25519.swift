import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
        // swift-crypto over BoringSSL returns the all-zero output without an error; `sharedSecret(with:)` checks
        // the bytes, so the rule holds for any backend.
        try PrivateKey(rawRepresentation: privateKey).sharedSecret(with: publicKey)
    }

    /// A private key loaded once, so repeated Diffie-Hellman operations skip re-deriving its public key.
    ///
    /// swift-crypto computes the public key whenever a private key is loaded; the handshake keeps static and
    /// ephemeral keys in this form so each costs that base-point multiplication once. Sendable by hand: the
    /// swift-crypto key it wraps is immutable after creation but not marked Sendable on Linux.
    public struct PrivateKey: @unchecked Sendable {
        private let key: Curve25519.KeyAgreement.PrivateKey
        /// The matching public key (32 bytes).
        public let publicKey: [UInt8]

        /// Loads 32 raw bytes (clamped inside the scalar multiplication).
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            guard rawRepresentation.count == keyLength,
                let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawRepresentation)
            else { throw .invalidKeyLength(rawRepresentation.count) }
            self.key = key
            publicKey = [UInt8](key.publicKey.rawRepresentation)
        }

        /// DH(self, public): the 32-byte shared secret; throws `.zeroSharedSecret` when it is all zeros.
        public func sharedSecret(with publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard publicKey.count == keyLength,
                let theirs = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
            else { throw .invalidKeyLength(publicKey.count) }
            guard let secret = try? key.sharedSecretFromKeyAgreement(with: theirs) else { throw .zeroSharedSecret }
            let bytes = secret.withUnsafeBytes { [UInt8]($0) }
            guard !ConstantTime.isZero(bytes) else { throw .zeroSharedSecret }
            return bytes
        }
    }

    /// DH-Generate(): 32 bytes from `generator`, clamped as RFC 7748 §5 describes (as `wg genkey` does).
    public static func generatePrivateKey(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var key = RandomBytes.make(count: keyLength, using: &generator)
        key[0] &= 248
        key[31] = (key[31] & 127) | 64
        return key
    }
}
