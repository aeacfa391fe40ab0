import Foundation
import WireConfig

#if canImport(Glibc)
    import Glibc
#endif

/// What `wg genkey`, `genpsk` and `pubkey` share: the key on stdout, the world-readable warning, stdin parsing.
enum KeyIO {
    /// wg's genkey.c warning, printed when stdout is a regular file that others may read or write.
    static let worldAccessibleWarning =
        "Warning: writing to world accessible file.\n"
        + "Consider setting the umask to 077 and trying again.\n"

    /// Writes wg's warning to stderr when stdout is a regular file with any permission bit for others.
    /// The corresponding C function is `fstat`.
    static func warnIfStdoutWorldAccessible() {
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o007 != 0 {
            FileHandle.standardError.write(Data(worldAccessibleWarning.utf8))
        }
    }

    /// Writes a key as base64 and a newline, as wg's `puts` does.
    static func printKey(_ key: WireKey) {
        FileHandle.standardOutput.write(Data((key.base64 + "\n").utf8))
    }

    /// Why stdin does not hold a key.
    enum InputProblem: Error, CustomStringConvertible {
        case badLengthOrFormat, trailingCharacters
        var description: String {
            switch self {
            case .badLengthOrFormat: return "Key is not the correct length or format"
            case .trailingCharacters: return "Trailing characters found after key"
            }
        }
    }

    /// Reads a key as pubkey.c does: exactly 44 characters of base64 first, then only spaces or NULs.
    static func parseKey(stdin data: [UInt8]) -> Result<WireKey, InputProblem> {
        guard data.count >= 44 else { return .failure(.badLengthOrFormat) }
        let isSpace: (UInt8) -> Bool = { $0 == 0 || $0 == 32 || (9...13).contains($0) }
        guard data[44...].allSatisfy(isSpace) else { return .failure(.trailingCharacters) }
        guard let key = WireKey(base64: String(decoding: data[..<44], as: UTF8.self)) else {
            return .failure(.badLengthOrFormat)
        }
        return .success(key)
    }
}
