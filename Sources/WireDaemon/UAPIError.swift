/// A failed UAPI request, answered as `errno=N` with N one of wireguard-go's codes (ipc/uapi_unix.go: the
/// negated Linux errno). The message names the line and key, never a key's value.
public struct UAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codes wireguard-go answers with.
    public enum Code: Int32, Sendable {
        /// Writing the answer failed (-EIO).
        case io = -5
        /// A line without `=` (-EPROTO).
        case protocolError = -71
        /// An unknown key or a value that does not parse (-EINVAL).
        case invalid = -22
        /// The listen port or fwmark could not be applied to the sockets (-EADDRINUSE).
        case portInUse = -98
        /// Anything else (-55, ENOANO in wireguard-go).
        case unknown = -55
    }

    /// The errno to answer.
    public var code: Code
    /// The 1-based line of the request (the `set=1` line is 1).
    public var line: Int
    /// The key of that line.
    public var key: String
    /// What was wrong.
    public var reason: String

    /// An error of `code` at `line`, key `key`.
    public init(_ code: Code, line: Int, key: String, _ reason: String) {
        self.code = code
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String { "UAPI line \(line) (\(key)): \(reason) (errno=\(code.rawValue))" }
}
