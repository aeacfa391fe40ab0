import WireCrypto

/// Noise's SymmetricState with BLAKE2s and ChaChaPoly (Noise spec rev 34, §5.2), the core of WireGuard's handshake.
///
/// Holds the chaining key ck, the handshake hash h and the current cipher key k with its nonce n. WireGuard's
/// C_i/H_i (whitepaper §5.4.2-5.4.3) are exactly ck and h of this state with the identifier as prologue.
public struct NoiseSymmetricState: Sendable {
    /// The chaining key ck (32 bytes).
    public private(set) var chainingKey: [UInt8]
    /// The handshake hash h (32 bytes).
    public private(set) var hash: [UInt8]
    private var key: [UInt8]?
    private var nonce: UInt64 = 0

    /// InitializeSymmetric(protocol_name): h = the name zero-padded to 32 bytes, or HASH(name) if longer; ck = h.
    public init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= NoiseHash.hashLength {
            hash = name + [UInt8](repeating: 0, count: NoiseHash.hashLength - name.count)
        } else {
            hash = NoiseHash.hash(name)
        }
        chainingKey = hash
    }

    /// MixHash(data): h = HASH(h || data).
    public mutating func mixHash(_ data: [UInt8]) {
        hash = NoiseHash.hash(hash, data)
    }

    /// MixKey(ikm): (ck, k) = KDF2(ck, ikm); n = 0.
    public mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (ck, k) = NoiseHash.kdf2(key: chainingKey, input: inputKeyMaterial)
        chainingKey = ck
        key = k
        nonce = 0
    }

    /// MixKeyAndHash(ikm): (ck, temp_h, k) = KDF3(ck, ikm); MixHash(temp_h); n = 0. Used for the PSK.
    public mutating func mixKeyAndHash(_ inputKeyMaterial: [UInt8]) {
        let (ck, tempHash, k) = NoiseHash.kdf3(key: chainingKey, input: inputKeyMaterial)
        chainingKey = ck
        mixHash(tempHash)
        key = k
        nonce = 0
    }

    /// EncryptAndHash(plaintext): c = AEAD(k, n++, plaintext, h); MixHash(c). Without a key, c = plaintext.
    public mutating func encryptAndHash(_ plaintext: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard let key else {
            mixHash(plaintext)
            return plaintext
        }
        let sealed: [UInt8]
        do { sealed = try ChaChaPolyAEAD.seal(key: key, counter: nonce, plaintext: plaintext, aad: hash) } catch {
            throw .crypto(error)
        }
        nonce += 1
        mixHash(sealed)
        return sealed
    }

    /// DecryptAndHash(ciphertext): p = AEAD-open(k, n++, ciphertext, h); MixHash(ciphertext).
    public mutating func decryptAndHash(_ ciphertext: [UInt8], field: String) throws(HandshakeError) -> [UInt8] {
        guard let key else {
            mixHash(ciphertext)
            return ciphertext
        }
        guard let plain = try? ChaChaPolyAEAD.open(key: key, counter: nonce, sealed: ciphertext, aad: hash) else {
            throw .decryptionFailed(field: field)
        }
        nonce += 1
        mixHash(ciphertext)
        return plain
    }

    /// Split(): (k1, k2) = KDF2(ck, empty). k1 carries initiator-to-responder traffic, k2 the reverse.
    public func split() -> (initiatorToResponder: [UInt8], responderToInitiator: [UInt8]) {
        let (k1, k2) = NoiseHash.kdf2(key: chainingKey, input: [])
        return (k1, k2)
    }
}
