/// A QR code version (1 to 40): its size and how its codewords split into data and error correction.
///
/// ISO/IEC 18004:2015, 5.3.1 (version V is 17 + 4V modules square), Table 7 (codewords per version) and Table 9
/// (error correction characteristics: error correction codewords per block and number of blocks, per level).
public struct QRVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The version number, 1 through 40.
    public let number: Int

    /// The version `number`, or nil outside 1...40.
    public init?(_ number: Int) {
        guard (1...40).contains(number) else { return nil }
        self.number = number
    }

    /// Every version, smallest first.
    public static let all: [QRVersion] = (1...40).map { QRVersion($0)! }

    /// Modules on a side (5.3.1).
    public var size: Int { 17 + 4 * number }

    public var description: String { "\(number)" }

    public static func < (a: Self, b: Self) -> Bool { a.number < b.number }

    /// The centre coordinates of the alignment patterns along one axis (Annex E, Table E.1): 6, then evenly spaced
    /// (an even step) up to size - 7. Version 1 has none.
    public var alignmentCentres: [Int] {
        guard number > 1 else { return [] }
        let count = number / 7 + 2
        let step = (number * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var centres = [6]
        for i in 1..<count { centres.append(size - 7 - (count - 1 - i) * step) }
        return centres
    }

    /// Modules left for codewords once the function patterns and format/version information are placed (Table 7,
    /// "data modules except" column, in bits; remainder bits included).
    public var dataModules: Int {
        var modules = (16 * number + 128) * number + 64
        if number >= 2 {
            let align = number / 7 + 2
            modules -= (25 * align - 10) * align - 55
            if number >= 7 { modules -= 36 }
        }
        return modules
    }

    /// All codewords of the symbol, data and error correction (Table 7, "number of codewords").
    public var totalCodewords: Int { dataModules / 8 }

    /// Error correction codewords in each block at `level` (Table 9).
    public func errorCorrectionPerBlock(_ level: QRErrorCorrectionLevel) -> Int {
        Self.eccPerBlock[level.rawValue][number - 1]
    }

    /// How many blocks the codewords are split into at `level` (Table 9).
    public func blockCount(_ level: QRErrorCorrectionLevel) -> Int { Self.blocks[level.rawValue][number - 1] }

    /// Data codewords at `level`: all codewords less the error correction ones (Table 7).
    public func dataCodewords(_ level: QRErrorCorrectionLevel) -> Int {
        totalCodewords - errorCorrectionPerBlock(level) * blockCount(level)
    }

    /// Bits of the character count indicator in byte mode: 8 for versions 1-9, 16 from 10 (7.4.1, Table 3).
    public var byteModeCountBits: Int { number <= 9 ? 8 : 16 }

    /// The most bytes byte mode carries in this version at `level`: data bits less the 4-bit mode indicator and the
    /// count indicator (7.4.5).
    public func byteCapacity(_ level: QRErrorCorrectionLevel) -> Int {
        min((dataCodewords(level) * 8 - 4 - byteModeCountBits) / 8, (1 << byteModeCountBits) - 1)
    }

    // Table 9, one row per level (L, M, Q, H), one column per version 1...40.
    private static let eccPerBlock: [[Int]] = [
        [
            7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
            28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]
    private static let blocks: [[Int]] = [
        [
            1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18,
            19, 19, 20, 21, 22, 24, 25,
        ],
        [
            1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
            31,
            33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40,
            43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45,
            48,
            51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]
}
