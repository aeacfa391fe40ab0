#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files that hold private keys: created new with mode 0600 in the same `open(2)` that makes them, so no
/// moment exists in which another user could read them, and removed again when the write fails.
///
/// The corresponding C functions are `open` (`O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600), `write`, `fsync` and
/// `unlink`.
public enum PrivateFile {
    /// Why a write failed; each description is one sentence naming the file.
    public struct WriteError: Error, CustomStringConvertible, Sendable, Equatable {
        /// The file that could not be written.
        public var path: String
        /// What failed, in words (the system's reason included).
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "\(path) was not written: \(reason)" }
    }

    /// Creates `path` (which must not exist) with mode 0600 and writes `bytes` to it, durably.
    public static func create(_ path: String, bytes: [UInt8]) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(path: path, reason: "cannot create it: \(reason(errno))") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(path) }
        }
        // The umask cannot widen 0600, but a group-default ACL could: set the mode on the descriptor as well.
        fchmod(fd, 0o600)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: "writing failed: \(reason(errno))")
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw WriteError(path: path, reason: "fsync failed: \(reason(errno))") }
        ok = true
    }

    /// The system's words for an errno value.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
