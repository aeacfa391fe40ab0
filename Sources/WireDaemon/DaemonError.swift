#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call of the daemon: which call, on what, and the errno (swift-nio's `IOError` shape).
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    /// The call that failed (`open /dev/net/tun`, `bind udp6`...).
    public var call: String
    /// What it was called on (an interface, a path, a port).
    public var subject: String
    /// The errno it failed with.
    public var errno: Int32

    /// An error of `call` on `subject` with `errno`.
    public init(_ call: String, _ subject: String, errno: Int32) {
        self.call = call
        self.subject = subject
        self.errno = errno
    }

    public var description: String { "\(call) \(subject): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Throws a `DaemonError` for a C shim result below zero (the shim returns -errno), else returns it.
@discardableResult
func check(_ result: Int32, _ call: String, _ subject: String) throws(DaemonError) -> Int32 {
    if result < 0 { throw DaemonError(call, subject, errno: -result) }
    return result
}
