#if canImport(Glibc)
    import Glibc
#endif

/// wireguard-go's log levels, chosen by `LOG_LEVEL` (error, verbose, silent; error when unset).
public enum LogLevel: Int, Sendable, Comparable {
    case silent = 0
    case error = 1
    case verbose = 2

    /// The level `LOG_LEVEL` names; `error` for anything else, as wireguard-go.
    public init(environment value: String?) {
        switch value {
        case "verbose", "debug": self = .verbose
        case "silent": self = .silent
        default: self = .error
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Lines to standard error in wireguard-go's shape (`DEBUG: (wg0) 2026/12/01 09:30:00 message`). Never given a
/// key: callers log peers by their short public key only.
public struct DaemonLog: Sendable {
    /// The most verbose level printed.
    public var level: LogLevel
    /// The interface name in every line.
    public var interface: String

    /// A log for `interface` at `level`.
    public init(level: LogLevel, interface: String) {
        self.level = level
        self.interface = interface
    }

    /// Logs an error (printed unless silent).
    public func error(_ message: @autoclosure () -> String) { write("ERROR", .error, message) }
    /// Logs a verbose line (printed at verbose).
    public func verbose(_ message: @autoclosure () -> String) { write("DEBUG", .verbose, message) }

    private func write(_ tag: String, _ needed: LogLevel, _ message: () -> String) {
        guard level >= needed else { return }
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let stamp =
            "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        let line = "\(tag): (\(interface)) \(stamp) \(message())\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
