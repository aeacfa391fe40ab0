/// Draws the function patterns of a version: finder patterns with their separators, timing patterns, alignment
/// patterns and the dark module, and reserves the format and version information areas.
///
/// ISO/IEC 18004:2015, 6.3.3 (finder pattern: 7x7 dark ring, light ring, 3x3 dark centre, at three corners), 6.3.4
/// (separators: a light band one module wide), 6.3.5 (timing patterns: row 6 and column 6 alternating, dark on even
/// coordinates), 6.3.6 (alignment patterns: 5x5 at every pair of Annex E centres except where a finder sits), 7.9.1
/// (the dark module at (8, 4V + 9)), 7.9 and 7.10 (the reserved information areas).
enum QRFunctionPatterns {
    /// A matrix for `version` with every function module drawn; format (and version) information is reserved as
    /// light modules, written later by `QRFormatInformation` and `QRVersionInformation`.
    static func matrix(for version: QRVersion) -> QRMatrix {
        var m = QRMatrix(size: version.size)
        let size = version.size
        for i in 0..<size {
            m.setFunction(6, i, i % 2 == 0)
            m.setFunction(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx
                    let y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx), abs(dy))
                    m.setFunction(x, y, ring != 2 && ring != 4)
                }
            }
        }
        let centres = version.alignmentCentres
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { m.setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        QRFormatInformation.draw(bits: 0, into: &m)
        QRVersionInformation.draw(version, into: &m)
        return m
    }
}
