/// The hash-based primitives of the WireGuard whitepaper §5.4: HASH, MAC, HMAC and KDF1/2/3, all over BLAKE2s.
public enum NoiseHash {
    /// HASHLEN: 32 bytes.
    public static let hashLength = 32
    /// The length of a MAC (mac1, mac2, cookie): 16 bytes.
    public static let macLength = 16

    /// HASH(input): unkeyed BLAKE2s-256 of the concatenation of `parts`.
    public static func hash(_ parts: [UInt8]...) -> [UInt8] {
        var hasher = BLAKE2s()
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }

    /// MAC(key, input): keyed BLAKE2s with a 16-byte output, used for mac1, mac2 and the cookie (§5.4.4).
    public static func mac(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        var hasher = BLAKE2s(outputLength: macLength, key: key)
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }

    /// HMAC(key, input): RFC 2104 HMAC over BLAKE2s-256 with its 64-byte block (the whitepaper's HMAC, not keyed
    /// BLAKE2s). Keys longer than a block are hashed first, as RFC 2104 demands.
    public static func hmac(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        hmac(key: key, parts: parts)
    }

    private static func hmac(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: BLAKE2s.blockLength)
        let shortKey = key.count > BLAKE2s.blockLength ? hash(key) : key
        for (i, byte) in shortKey.enumerated() { block[i] = byte }
        var inner = BLAKE2s()
        var pad = block
        for i in pad.indices { pad[i] ^= 0x36 }
        inner.update(pad)
        for part in parts { inner.update(part) }
        let innerDigest = inner.finalize()
        for i in pad.indices { pad[i] = block[i] ^ 0x5c }
        var outer = BLAKE2s()
        outer.update(pad)
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// KDF1(key, input): the first 32-byte output of the whitepaper's HKDF (§5.4, "KDF_n").
    public static func kdf1(key: [UInt8], input: [UInt8]) -> [UInt8] {
        kdf(key: key, input: input, count: 1)[0]
    }

    /// KDF2(key, input): the first two 32-byte outputs of the whitepaper's HKDF.
    public static func kdf2(key: [UInt8], input: [UInt8]) -> ([UInt8], [UInt8]) {
        let out = kdf(key: key, input: input, count: 2)
        return (out[0], out[1])
    }

    /// KDF3(key, input): the first three 32-byte outputs of the whitepaper's HKDF.
    public static func kdf3(key: [UInt8], input: [UInt8]) -> ([UInt8], [UInt8], [UInt8]) {
        let out = kdf(key: key, input: input, count: 3)
        return (out[0], out[1], out[2])
    }

    /// τ0 = HMAC(key, input); τ1 = HMAC(τ0, 0x1); τi = HMAC(τ0, τ(i-1) || i).
    private static func kdf(key: [UInt8], input: [UInt8], count: Int) -> [[UInt8]] {
        let prk = hmac(key: key, parts: [input])
        var outputs: [[UInt8]] = []
        outputs.reserveCapacity(count)
        var previous: [UInt8] = []
        for i in 1...count {
            previous = hmac(key: prk, parts: [previous, [UInt8(i)]])
            outputs.append(previous)
        }
        return outputs
    }
}
