/// HChaCha20 (draft-irtf-cfrg-xchacha §2.2): derives a 32-byte subkey from a 32-byte key and a 16-byte nonce.
///
/// The ChaCha20 block function's twenty rounds without the final addition; the output is state words 0...3 and
/// 12...15, little-endian. The building block of XChaCha20-Poly1305, which WireGuard's cookie reply uses.
public enum HChaCha20 {
    /// Returns the 32-byte subkey; throws on a key other than 32 bytes or a nonce other than 16.
    public static func subkey(key: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw .invalidKeyLength(key.count) }
        guard nonce.count == 16 else { throw .invalidNonceLength(nonce.count) }
        var s = [UInt32](repeating: 0, count: 16)
        s[0] = 0x6170_7865
        s[1] = 0x3320_646e
        s[2] = 0x7962_2d32
        s[3] = 0x6b20_6574
        for i in 0..<8 { s[4 + i] = word(key, at: 4 * i) }
        for i in 0..<4 { s[12 + i] = word(nonce, at: 4 * i) }
        for _ in 0..<10 {
            quarterRound(&s, 0, 4, 8, 12)
            quarterRound(&s, 1, 5, 9, 13)
            quarterRound(&s, 2, 6, 10, 14)
            quarterRound(&s, 3, 7, 11, 15)
            quarterRound(&s, 0, 5, 10, 15)
            quarterRound(&s, 1, 6, 11, 12)
            quarterRound(&s, 2, 7, 8, 13)
            quarterRound(&s, 3, 4, 9, 14)
        }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [s[0], s[1], s[2], s[3], s[12], s[13], s[14], s[15]] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: w >> shift)) }
        }
        return out
    }

    private static func word(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }

    /// The ChaCha quarter round (RFC 8439 §2.1).
    @inline(__always)
    private static func quarterRound(_ s: inout [UInt32], _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        s[a] = s[a] &+ s[b]
        s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = s[c] &+ s[d]
        s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = s[a] &+ s[b]
        s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = s[c] &+ s[d]
        s[b] = rotl(s[b] ^ s[c], 7)
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
