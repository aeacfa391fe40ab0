#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Reads outside input as bytes, the way wg(8) and wg-quick(8) read it, and never more than a stated limit.
///
/// Only regular files are read: a FIFO, a device, a socket or a directory is refused with a sentence before it is
/// opened for reading (a FIFO would block, `/dev/zero` would never end). The bytes are returned as they are: no
/// byte-order mark is dropped and no invalid UTF-8 makes the read fail, so callers see what the tools see.
/// The corresponding C functions are `stat`, `open` (with `O_NONBLOCK`), `fstat` and `read`.
public enum InputFile {
    /// Why a file could not be read; each description is one sentence naming the file.
    public enum ReadError: Error, CustomStringConvertible, Sendable, Equatable {
        /// Nothing exists at the path.
        case notFound(path: String)
        /// The path is a directory.
        case isDirectory(path: String)
        /// The path is a FIFO, device or socket (`kind` says which).
        case notRegular(path: String, kind: String)
        /// The file holds more than `limit` bytes.
        case tooLarge(path: String, limit: Int)
        /// The path is a symbolic link that leads out of the directory being read.
        case symlinkOutside(path: String, target: String, directory: String)
        /// Any other failure of the system call, with the system's reason.
        case failed(path: String, reason: String)

        public var description: String {
            switch self {
            case .notFound(let p): return "\(p): no such file"
            case .isDirectory(let p): return "\(p) is a directory, not a file; give the file inside it"
            case .notRegular(let p, let kind):
                return "\(p) is \(kind), not a regular file; wiresmith reads only regular files"
            case .tooLarge(let p, let limit):
                return "\(p) is larger than \(InputLimits.bytes(limit)), the limit for this kind of input "
                    + "(docs/limits.md); nothing of it was read"
            case .symlinkOutside(let p, let target, let dir):
                return "\(p) is a symbolic link to \(target), outside \(dir); wiresmith follows no link out of the "
                    + "network directory (copy the file in instead)"
            case .failed(let p, let reason): return "\(p): cannot read it: \(reason)"
            }
        }
    }

    /// The bytes of the regular file at `path`, at most `limit` of them.
    ///
    /// `listedRegular`: the caller's directory listing (`InputDirectory`) recorded the entry as a regular file, not
    /// a link, so the `stat` of the path before opening it is left out (a network of 100,000 files spent ~3% of
    /// lint's time in it). The checks on the open descriptor are the same either way: the entry may have been
    /// swapped for something else since it was listed, just as since a `stat`.
    public static func read(_ path: String, limit: Int, listedRegular: Bool = false) throws(ReadError) -> [UInt8] {
        var st = stat()
        if !listedRegular {
            guard stat(path, &st) == 0 else { throw failure(path, errno) }
            if let kind = irregularKind(st.st_mode) {
                if kind == "a directory" { throw .isDirectory(path: path) }
                throw .notRegular(path: path, kind: kind)
            }
            if Int(st.st_size) > limit { throw .tooLarge(path: path, limit: limit) }
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }
        // Checked again on the open descriptor: the path may have been swapped since `stat` or the listing.
        guard fstat(fd, &st) == 0 else { throw failure(path, errno) }
        if let kind = irregularKind(st.st_mode) {
            if kind == "a directory" { throw .isDirectory(path: path) }
            throw .notRegular(path: path, kind: kind)
        }
        if Int(st.st_size) > limit { throw .tooLarge(path: path, limit: limit) }
        return try readAll(fd, path: path, limit: limit, size: Int(st.st_size))
    }

    /// Standard input's bytes, at most `limit` of them (`-` on a command line); any kind of input is read.
    public static func readStandardInput(limit: Int) throws(ReadError) -> [UInt8] {
        try readAll(0, path: "standard input", limit: limit, size: 0)
    }

    /// The bytes as text, as wg-quick's bash sees them: invalid UTF-8 becomes U+FFFD, a byte-order mark stays.
    public static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// What a non-regular file is, in words; nil for a regular file.
    static func irregularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// Reads `fd` to its end. `size` is what `fstat` said of a regular file (0 when unknown): the bytes go into a
    /// buffer of that size plus one (to see a file that grew past it), with no scratch chunk to zero and copy - a
    /// 10,000-host network is 10,000 small files. Standard input, or a file still growing, goes on in 64 KiB
    /// steps; the limit holds either way.
    private static func readAll(_ fd: Int32, path: String, limit: Int, size: Int) throws(ReadError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: min(size > 0 ? size + 1 : 4096, limit + 1))
        var count = 0
        while true {
            if count == out.count {
                if count > limit { throw .tooLarge(path: path, limit: limit) }
                out.append(contentsOf: repeatElement(0, count: min(64 * 1024, limit + 1 - count)))
            }
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            if n == 0 { break }
            count += n
        }
        if count > limit { throw .tooLarge(path: path, limit: limit) }
        out.removeSubrange(count...)
        return out
    }

    private static func failure(_ path: String, _ code: Int32) -> ReadError {
        if code == ENOENT { return .notFound(path: path) }
        if code == EISDIR { return .isDirectory(path: path) }
        if code == EAGAIN { return .notRegular(path: path, kind: "not ready to read (a FIFO or device?)") }
        return .failed(path: path, reason: String(cString: strerror(code)))
    }
}
