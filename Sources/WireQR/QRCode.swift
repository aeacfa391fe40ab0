/// A QR code symbol carrying bytes in 8-bit byte mode: its version, error correction level, mask and modules.
///
/// The encoding follows ISO/IEC 18004:2015, 7.1 ("Encode procedure overview"): data analysis is fixed to one byte
/// mode segment (7.4.5), the codewords are built (`QRDataEncoder`), error correction is added and interleaved
/// (`QRCodewordSequence`), the codewords are placed (`QRPlacement`), the mask with the lowest penalty is chosen
/// (`QRMask`, `QRPenalty`), and the format and version information are written (`QRFormatInformation`,
/// `QRVersionInformation`).
public struct QRCode: Sendable, Equatable {
    /// The symbol's version.
    public let version: QRVersion
    /// The error correction level.
    public let level: QRErrorCorrectionLevel
    /// The data mask applied (0...7).
    public let mask: Int
    private let matrix: QRMatrix

    /// Modules on a side.
    public var size: Int { matrix.size }

    /// Whether the module at column `x`, row `y` is dark.
    public subscript(x: Int, y: Int) -> Bool { matrix[x, y] }

    /// Encodes `bytes`.
    ///
    /// - Parameters:
    ///   - levels: the levels allowed, lowest first. The smallest version that holds the data at the lowest level is
    ///     chosen, then the highest allowed level that still fits that version (a bigger symbol is harder to scan
    ///     from a screen; more error correction is free when it fits). The default, L then M, suits configs scanned
    ///     off a terminal.
    ///   - version: a fixed version instead of the smallest that fits.
    ///   - mask: a fixed mask instead of the one with the lowest penalty (7.8.3).
    /// - Throws: `QRError.tooLarge` when the data does not fit (version 40 at the lowest level, or the fixed version).
    public init(
        bytes: [UInt8], levels: [QRErrorCorrectionLevel] = [.low, .medium], version fixed: QRVersion? = nil,
        mask fixedMask: Int? = nil
    ) throws(QRError) {
        let levels = levels.isEmpty ? [QRErrorCorrectionLevel.low] : levels.sorted()
        if let m = fixedMask, !(0..<8).contains(m) { throw .badMask(m) }
        let lowest = levels[0]
        let candidates = fixed.map { [$0] } ?? QRVersion.all
        guard let version = candidates.first(where: { $0.byteCapacity(lowest) >= bytes.count }) else {
            let last = candidates.last!
            throw .tooLarge(
                bytes: bytes.count, capacity: last.byteCapacity(lowest), version: last.number, level: lowest)
        }
        let level = levels.last { version.byteCapacity($0) >= bytes.count } ?? lowest
        let data = QRDataEncoder.codewords(bytes, version: version, level: level)
        let codewords = QRCodewordSequence.interleave(data, version: version, level: level)
        var base = QRFunctionPatterns.matrix(for: version)
        QRPlacement.place(codewords, into: &base)
        func masked(_ mask: Int) -> QRMatrix {
            var m = QRMask.apply(mask, to: base)
            QRFormatInformation.draw(bits: QRFormatInformation.bits(level: level, mask: mask), into: &m)
            return m
        }
        let mask = fixedMask ?? (0..<8).min { (QRPenalty.score(masked($0)), $0) < (QRPenalty.score(masked($1)), $1) }!
        self.version = version
        self.level = level
        self.mask = mask
        self.matrix = masked(mask)
    }

    /// The penalty score of this symbol (7.8.3), for comparing mask choices.
    public var penalty: Int { QRPenalty.score(matrix) }

    /// The (level, mask) written in a symbol's format information, read from its modules; nil when unreadable.
    public static func formatInformation(_ isDark: (Int, Int) -> Bool) -> (
        level: QRErrorCorrectionLevel, mask: Int
    )? {
        QRFormatInformation.read(isDark)
    }
}
