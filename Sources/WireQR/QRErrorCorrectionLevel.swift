/// The four error correction levels of a QR code, and the two bits that name each in the format information.
///
/// ISO/IEC 18004:2015, 5.2 (Table 1: recovery capacity about 7 %, 15 %, 25 % and 30 % of the codewords) and 7.9.1
/// (Table 12: the level indicator L = 01, M = 00, Q = 11, H = 10).
public enum QRErrorCorrectionLevel: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case low = 0
    case medium = 1
    case quartile = 2
    case high = 3

    /// The level indicator written into the format information (Table 12).
    public var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The level's letter, as the standard and `qrencode -l` write it.
    public var description: String { ["L", "M", "Q", "H"][rawValue] }

    /// The level named by its letter (`L`, `M`, `Q`, `H`, any case), or nil.
    public init?(letter: String) {
        guard let i = ["L", "M", "Q", "H"].firstIndex(of: letter.uppercased()) else { return nil }
        self.init(rawValue: i)
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
