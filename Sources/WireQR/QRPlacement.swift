/// Places the codeword sequence into the data modules: two columns at a time from the right, up then down in turn,
/// skipping function modules and the vertical timing column; the remainder bits left light.
///
/// ISO/IEC 18004:2015, 7.7.3 ("Symbol character placement", Figures 21 to 24: the most significant bit of each
/// codeword first, right module before left module).
enum QRPlacement {
    /// Writes `codewords` into the non-function modules of `m`.
    static func place(_ codewords: [UInt8], into m: inout QRMatrix) {
        let size = m.size
        let totalBits = codewords.count * 8
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in [right, right - 1] where !m.function(x, y) && i < totalBits {
                    m[x, y] = (codewords[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                    i += 1
                }
            }
            right -= 2
        }
    }
}
