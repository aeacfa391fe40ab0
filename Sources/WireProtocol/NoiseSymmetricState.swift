import WireCrypto

/// Noise's SymmetricState with BLAKE2s and ChaChaPoly (Noise spec rev 34, §5.2), the core of WireGuard's handshake.
///
/// Holds the chaining key ck, the handshake hash h and the current cipher key k with its nonce n. WireGuard's
/// C_i/H_i (whitepaper §5.4.2-5.4.3) are exactly ck and h of this state with the identifier as prologue.
public struct NoiseSymmetricState: Sendable {
    /// The chaining key ck (32 bytes).
    public var chainingKey: [UInt8] { secrets[Self.ck] }
    /// The handshake hash h (32 bytes).
    public var hash: [UInt8] { secrets[Self.h] }
    /// ck, h and k in one block that is wiped when the handshake ends (`wipe()`) and when it is freed.
    private(set) var secrets = SecretBytes(count: 96)
    private var hasKey = false
    private var nonce: UInt64 = 0
    private static let ck = 0..<32
    private static let h = 32..<64
    private static let k = 64..<96

    /// InitializeSymmetric(protocol_name): h = the name zero-padded to 32 bytes, or HASH(name) if longer; ck = h.
    public init(protocolName: String) {
        let name = Array(protocolName.utf8)
        let initial: [UInt8]
        if name.count <= NoiseHash.hashLength {
            initial = name + [UInt8](repeating: 0, count: NoiseHash.hashLength - name.count)
        } else {
            initial = NoiseHash.hash(name)
        }
        secrets.write(initial, at: Self.h.lowerBound)
        secrets.write(initial, at: Self.ck.lowerBound)
    }

    /// Zeroes ck, h and k in place, as wireguard-go's `Handshake.Clear` does; every copy of this state that
    /// shares the block sees zeros.
    public mutating func wipe() {
        secrets.wipe()
        hasKey = false
        nonce = 0
    }

    /// Copies the block before the first write when another copy of this state shares it (value semantics).
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&secrets) { secrets = SecretBytes(copying: secrets) }
    }

    /// Writes `bytes` at `range`'s start and zeroes the temporary.
    private mutating func store(_ bytes: inout [UInt8], at range: Range<Int>) {
        makeUnique()
        secrets.write(bytes, at: range.lowerBound)
        SecretBytes.wipe(&bytes)
    }

    /// MixHash(data): h = HASH(h || data).
    public mutating func mixHash(_ data: [UInt8]) {
        var next = NoiseHash.hash(hash, data)
        store(&next, at: Self.h)
    }

    /// MixKey(ikm): (ck, k) = KDF2(ck, ikm); n = 0.
    public mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        var old = chainingKey
        defer { SecretBytes.wipe(&old) }
        var (ck, k) = NoiseHash.kdf2(key: old, input: inputKeyMaterial)
        store(&ck, at: Self.ck)
        store(&k, at: Self.k)
        hasKey = true
        nonce = 0
    }

    /// MixKeyAndHash(ikm): (ck, temp_h, k) = KDF3(ck, ikm); MixHash(temp_h); n = 0. Used for the PSK.
    public mutating func mixKeyAndHash(_ inputKeyMaterial: [UInt8]) {
        var old = chainingKey
        defer { SecretBytes.wipe(&old) }
        var (ck, tempHash, k) = NoiseHash.kdf3(key: old, input: inputKeyMaterial)
        store(&ck, at: Self.ck)
        mixHash(tempHash)
        SecretBytes.wipe(&tempHash)
        store(&k, at: Self.k)
        hasKey = true
        nonce = 0
    }

    /// The cipher key k, or nil before the first MixKey.
    private var key: [UInt8]? { hasKey ? secrets[Self.k] : nil }

    /// EncryptAndHash(plaintext): c = AEAD(k, n++, plaintext, h); MixHash(c). Without a key, c = plaintext.
    public mutating func encryptAndHash(_ plaintext: [UInt8]) throws(HandshakeError) -> [UInt8] {
        guard var key else {
            mixHash(plaintext)
            return plaintext
        }
        defer { SecretBytes.wipe(&key) }
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
        guard var key else {
            mixHash(ciphertext)
            return ciphertext
        }
        defer { SecretBytes.wipe(&key) }
        guard let plain = try? ChaChaPolyAEAD.open(key: key, counter: nonce, sealed: ciphertext, aad: hash) else {
            throw .decryptionFailed(field: field)
        }
        nonce += 1
        mixHash(ciphertext)
        return plain
    }

    /// Split(): (k1, k2) = KDF2(ck, empty). k1 carries initiator-to-responder traffic, k2 the reverse.
    public func split() -> (initiatorToResponder: [UInt8], responderToInitiator: [UInt8]) {
        var ck = chainingKey
        defer { SecretBytes.wipe(&ck) }
        let (k1, k2) = NoiseHash.kdf2(key: ck, input: [])
        return (k1, k2)
    }
}
