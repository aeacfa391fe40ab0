/// Why a QR code could not be made.
public enum QRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data is larger than the chosen version (or version 40) holds at the level.
    case tooLarge(bytes: Int, capacity: Int, version: Int, level: QRErrorCorrectionLevel)
    /// A mask number outside 0...7.
    case badMask(Int)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let capacity, let version, let level):
            "\(bytes) bytes do not fit a QR code: version \(version) at level \(level) holds at most \(capacity) bytes"
        case .badMask(let mask):
            "mask \(mask) does not exist (masks are 0 to 7)"
        }
    }
}
