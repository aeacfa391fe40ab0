/// Arithmetic in GF(2^8) with the QR code's prime polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field the
/// Reed-Solomon codewords live in.
///
/// ISO/IEC 18004:2015, 7.5.2 ("Generating the error correction codewords": bytewise modulo 100011101).
enum GaloisField {
    /// exp[i] = 2^i for i in 0..<255, repeated once so that exp[log a + log b] needs no reduction.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var x = 1
        for i in 0..<255 {
            table[i] = UInt8(x)
            table[i + 255] = UInt8(x)
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        return table
    }()

    /// log[a] for a != 0 (log[0] is unused).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    /// a * b in the field.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }
}
