#if canImport(Glibc)
    import Glibc
#endif

/// One external command to run: the program and its arguments, its environment, what it reads, how long it may
/// take. The one way wiresmith starts a process (lab, doctor, tests); see `run()`, `start()` and `runAttached()`.
///
/// Output is captured in unlinked temporary files, not pipes: a daemon the command leaves behind (wg-quick starts
/// wireguard-go) would hold a pipe open forever. A captured command runs in a process group of its own, so a
/// timeout ends everything it started, not just its first process.
public struct Command: Sendable, CustomStringConvertible {
    /// The program (a path, or a name looked up in `searchPath`) and its arguments.
    public var arguments: [String]
    /// Where the program is looked up; also the command's PATH.
    public var searchPath: String
    /// Variables set on top of this process's environment.
    public var environment: [String: String]
    /// The command's working directory; nil keeps this process's.
    public var workingDirectory: String?
    /// What the command reads on stdin; nil gives it /dev/null.
    public var input: [UInt8]?
    /// How long the command may run before its process group is terminated (SIGTERM, then SIGKILL after 1 s);
    /// nil waits forever.
    public var timeout: Duration?
    /// Whether stderr goes into stdout, interleaved as written (then `CommandOutput.stderr` is empty).
    public var mergesOutput: Bool

    /// A command; `arguments[0]` is the program.
    public init(
        _ arguments: [String], searchPath: String = Command.defaultSearchPath, environment: [String: String] = [:],
        workingDirectory: String? = nil, input: [UInt8]? = nil, timeout: Duration? = .seconds(60),
        mergesOutput: Bool = false
    ) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments
        self.searchPath = searchPath
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.mergesOutput = mergesOutput
    }

    /// This process's PATH followed by the standard directories (a test runner's or sudo's PATH may lack them).
    public static var defaultSearchPath: String {
        let inherited = getenv("PATH").map { String(cString: $0) + ":" } ?? ""
        return inherited + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    }

    /// The command line as a shell would show it (for messages; not quoted for a shell).
    public var description: String { arguments.joined(separator: " ") }

    /// The full path of `tool` in `searchPath`, or nil when it is not there or not executable.
    /// The corresponding C function is `access`.
    public static func which(_ tool: String, searchPath: String = Command.defaultSearchPath) -> String? {
        if tool.contains("/") { return access(tool, X_OK) == 0 ? tool : nil }
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let path = "\(dir)/\(tool)"
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { return path }
        }
        return nil
    }
}
