import CWireDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The UAPI's listening socket, `/var/run/wireguard/IFNAME.sock` (wireguard-go ipc/uapi_linux.go): the
/// directory is created 0755, the socket 0600; a socket file nobody answers on is stale and replaced, one that
/// answers means another daemon runs the interface.
public struct UAPISocket: Sendable {
    /// Where `wg` looks for userspace interfaces.
    public static let directory = "/var/run/wireguard"

    /// The listening descriptor.
    public let fd: Int32
    /// The socket's path.
    public let path: String
    /// The socket file's inode when created: only that file is removed at exit.
    public let inode: UInt64

    /// The socket path of `interface`.
    public static func path(for interface: String, directory: String = UAPISocket.directory) -> String {
        "\(directory)/\(interface).sock"
    }

    /// Creates the directory and the listening socket for `interface`.
    public static func listen(interface: String, directory: String = UAPISocket.directory) throws(DaemonError)
        -> UAPISocket
    {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw DaemonError("mkdir", directory, errno: errno)
        }
        let path = path(for: interface, directory: directory)
        if access(path, F_OK) == 0 {
            if wsd_unix_probe(path) == 1 { throw DaemonError("listen on UAPI socket", path, errno: EADDRINUSE) }
            unlink(path)
        }
        let fd = try check(wsd_unix_listen(path), "listen on UAPI socket", path)
        return UAPISocket(fd: fd, path: path, inode: inodeOf(path) ?? 0)
    }

    /// A socket handed over by the parent process.
    public static func adopt(fd: Int32, interface: String, directory: String = UAPISocket.directory) -> UAPISocket {
        let path = path(for: interface, directory: directory)
        return UAPISocket(fd: fd, path: path, inode: inodeOf(path) ?? 0)
    }

    /// The inode of `path`, nil when it does not exist.
    static func inodeOf(_ path: String) -> UInt64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    /// Whether our socket file is still in place (not removed or replaced).
    public var isInPlace: Bool { Self.inodeOf(path) == inode }

    /// Closes the socket and removes its file, if the file is still ours: never a stale socket, never another
    /// daemon's.
    public func close() {
        if isInPlace { unlink(path) }
        Glibc.close(fd)
    }
}

/// One UAPI client connection: bytes in, whole requests out, answers queued until the socket takes them.
final class UAPIClient {
    let fd: Int32
    var input: [UInt8] = []
    var output: [UInt8] = []
    var closeAfterFlush = false
    var wantsWrite = false

    /// Requests beyond this size close the connection (a `set` for 100,000 peers is about 40 MB).
    static let maximumInput = 64 << 20

    init(fd: Int32) { self.fd = fd }

    /// The next complete request (its lines, the blank line removed), or nil until one is complete.
    func nextRequest() -> [Substring]? {
        guard input.count >= 2 else { return nil }
        var i = 1
        while i < input.count {
            if input[i] == 0x0a && input[i - 1] == 0x0a {
                let text = String(decoding: input[0..<(i - 1)], as: UTF8.self)
                input.removeFirst(i + 1)
                return text.split(separator: "\n", omittingEmptySubsequences: false)
            }
            i += 1
        }
        return nil
    }

    /// What remains at end of input: a `set=1` without its blank line is applied as far as it goes, as
    /// wireguard-go's scanner does at EOF.
    func trailingRequest() -> [Substring]? {
        guard !input.isEmpty else { return nil }
        var text = String(decoding: input, as: UTF8.self)
        input = []
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.first == "set=1" ? lines : nil
    }

    /// Writes as much queued output as the socket takes; false when the connection failed.
    func flush() -> Bool {
        while !output.isEmpty {
            let n = output.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN
            }
            output.removeFirst(n)
        }
        return true
    }
}
