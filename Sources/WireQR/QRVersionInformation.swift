/// The 18-bit version information of versions 7 and up: the 6-bit version number, BCH(18,6)-protected, written in a
/// 6x3 block beside the top-right finder and its transpose above the bottom-left finder.
///
/// ISO/IEC 18004:2015, 7.10 (generator polynomial x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1, Figure 27 for the
/// module positions) and Annex D (Table D.1, the version information bit streams).
enum QRVersionInformation {
    /// The 18 version bits of `version` (7 or more).
    static func bits(_ version: QRVersion) -> Int {
        var remainder = version.number
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return version.number << 12 | remainder
    }

    /// Writes both copies for versions 7 and up; does nothing below 7.
    static func draw(_ version: QRVersion, into m: inout QRMatrix) {
        guard version.number >= 7 else { return }
        let bits = bits(version)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = m.size - 11 + i % 3
            let b = i / 3
            m.setFunction(a, b, dark)
            m.setFunction(b, a, dark)
        }
    }
}
