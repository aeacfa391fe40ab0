/// The 15-bit format information: level indicator and mask reference, BCH(15,5)-protected, XORed with 101010000010010,
/// written twice around the finder patterns; and the dark module beside the lower-left copy.
///
/// ISO/IEC 18004:2015, 7.9.1 (Table 12 level indicators, generator polynomial x^10 + x^8 + x^5 + x^4 + x^2 + x + 1,
/// mask 0x5412, Figure 25 for the module positions) and Annex C (error correction decoding of the format
/// information).
enum QRFormatInformation {
    /// The 15 format bits for `level` and `mask`, mask pattern XOR applied.
    static func bits(level: QRErrorCorrectionLevel, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// Writes both copies of `bits` (bit 0 the least significant) and the dark module at (8, size - 8).
    static func draw(bits: Int, into m: inout QRMatrix) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        let size = m.size
        // Around the top-left finder: down column 8 (skipping the timing row), then left along row 8.
        for i in 0...5 { m.setFunction(8, i, bit(i)) }
        m.setFunction(8, 7, bit(6))
        m.setFunction(8, 8, bit(7))
        m.setFunction(7, 8, bit(8))
        for i in 9..<15 { m.setFunction(14 - i, 8, bit(i)) }
        // The second copy: row 8 under the top-right finder, then column 8 beside the bottom-left one.
        for i in 0..<8 { m.setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { m.setFunction(8, size - 15 + i, bit(i)) }
        m.setFunction(8, size - 8, true)
    }

    /// The (level, mask) of a matrix, read from the copy around the top-left finder without error correction, or nil
    /// when those bits are not valid format information. Used to read another encoder's choice of mask.
    static func read(_ isDark: (Int, Int) -> Bool) -> (level: QRErrorCorrectionLevel, mask: Int)? {
        var bits = 0
        var positions: [(Int, Int)] = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)]
        positions += (9..<15).map { (14 - $0, 8) }
        for (i, (x, y)) in positions.enumerated() where isDark(x, y) { bits |= 1 << i }
        for level in QRErrorCorrectionLevel.allCases {
            for mask in 0..<8 where Self.bits(level: level, mask: mask) == bits { return (level, mask) }
        }
        return nil
    }
}
