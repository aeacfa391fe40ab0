/// The eight data mask patterns, XORed onto every module that is not a function module.
///
/// ISO/IEC 18004:2015, 7.8.2 (Table 10, "Data mask pattern generation conditions", with i the row and j the column;
/// here y is the row and x the column).
enum QRMask {
    /// Whether mask `mask` inverts the module at (x, y).
    static func inverts(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// `m` with mask `mask` applied to its data modules (applying it twice undoes it).
    static func apply(_ mask: Int, to m: QRMatrix) -> QRMatrix {
        var out = m
        for y in 0..<m.size {
            for x in 0..<m.size where !m.function(x, y) && inverts(mask, x: x, y: y) { out[x, y].toggle() }
        }
        return out
    }
}
