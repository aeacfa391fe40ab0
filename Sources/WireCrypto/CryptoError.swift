/// Why a cryptographic operation refused its input. Values carry lengths, never key material.
public enum CryptoError: Error, Equatable, Sendable {
    /// A key was not the length the primitive needs (32 bytes for X25519 and the AEADs).
    case invalidKeyLength(Int)
    /// A nonce was not the length the primitive needs (12 for ChaCha20-Poly1305, 24 for XChaCha20-Poly1305).
    case invalidNonceLength(Int)
    /// A sealed box was shorter than its 16-byte tag.
    case ciphertextTooShort(Int)
    /// The Poly1305 tag did not match: the ciphertext, the additional data, the key or the nonce is wrong.
    case authenticationFailed
    /// X25519 produced the all-zero value: the public key is of low order (whitepaper §5.4: such keys never
    /// handshake).
    case zeroSharedSecret
}
