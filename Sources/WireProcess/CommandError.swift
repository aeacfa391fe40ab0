#if canImport(Glibc)
    import Glibc
#endif

/// Why a command did not run to completion, each case naming the command.
public enum CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The program is not an executable file in the search path.
    case notFound(program: String, searchPath: String)
    /// `posix_spawn` (or a file it needed) failed with this errno.
    case cannotStart(command: String, errno: Int32)
    /// The command ran past its timeout and was killed; what it printed until then.
    case timedOut(command: String, after: Duration, output: CommandOutput)
    /// The command exited with a status other than 0 (from `CommandOutput.check()`).
    case failed(command: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .notFound(let program, let searchPath):
            return "\(program): command not found (searched \(searchPath))"
        case .cannotStart(let command, let errno):
            return "\(command): cannot start: \(String(cString: strerror(errno)))"
        case .timedOut(let command, let after, _):
            return "\(command): killed after \(after) without finishing"
        case .failed(let command, let status, let stderr):
            let detail = stderr.split(separator: "\n").last.map { ": \($0)" } ?? ""
            return "\(command): exit status \(status)\(detail)"
        }
    }
}
