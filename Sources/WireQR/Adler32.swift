/// The Adler-32 checksum that ends a zlib stream.
///
/// RFC 1950, 8.2 ("Adler-32 algorithm"): two 16-bit sums modulo 65521, the second of the running first.
enum Adler32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for chunk in stride(from: 0, to: bytes.count, by: 5552) {
            // 5552 bytes is the most that can be summed before b may overflow 32 bits (zlib's NMAX).
            for byte in bytes[chunk..<min(chunk + 5552, bytes.count)] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}
