import WireProcess

/// The outcome of one external command: its exit status and everything it printed (stdout then stderr).
public struct CommandResult: Sendable {
    /// The command and its arguments.
    public var arguments: [String]
    /// The exit status; -1 when the command could not be started, -2 when it was killed at its deadline.
    public var status: Int32
    /// Everything it printed, stdout and stderr interleaved.
    public var output: String

    /// True when the command exited with status 0.
    public var succeeded: Bool { status == 0 }

    /// The command line as a shell would show it.
    public var commandLine: String { arguments.joined(separator: " ") }
}

/// Runs external commands (ip, iptables, wg-quick, ping) for the lab: a thin adapter over WireProcess's
/// `Command`, which spawns, captures (into files, not pipes: wireguard-go detaches), times out and reaps.
///
/// Every command gets `searchPath` as its PATH, `LC_ALL=C` and `environment`, stdout and stderr interleaved, and a
/// deadline after which its process group is terminated and then killed.
struct Shell: Sendable {
    /// PATH used to find tools and passed to every command.
    var searchPath: String
    /// Extra environment for every command (e.g. WG_QUICK_USERSPACE_IMPLEMENTATION).
    var environment: [String: String] = [:]

    /// The full path of `tool` in `searchPath`, or nil when it is not there or not executable.
    func which(_ tool: String) -> String? {
        Command.which(tool, searchPath: searchPath)
    }

    /// The `Command` this shell runs for `arguments`.
    func command(_ arguments: [String], timeout: Double = 30) -> Command {
        var env = environment
        env["LC_ALL"] = env["LC_ALL"] ?? "C"
        return Command(
            arguments, searchPath: searchPath, environment: env, timeout: .milliseconds(Int64(timeout * 1000)),
            mergesOutput: true)
    }

    /// Runs `arguments` (the first one looked up in `searchPath`) and waits at most `timeout` seconds.
    @discardableResult
    func run(_ arguments: [String], timeout: Double = 30) -> CommandResult {
        Self.result(arguments, Result { () throws(CommandError) in try command(arguments, timeout: timeout).run() })
    }

    /// Runs `arguments` with this process's terminal (stdin, stdout, stderr) and waits; returns its exit status.
    func runAttached(_ arguments: [String]) -> Int32 {
        (try? command(arguments).runAttached()) ?? 127
    }

    /// Runs many commands at once, at most `width` at a time; results in the order given.
    func runAll(_ commands: [[String]], width: Int = 16, timeout: Double = 30) -> [CommandResult] {
        let results = Command.runAll(commands.map { command($0, timeout: timeout) }, width: width)
        return zip(commands, results).map { Self.result($0, $1) }
    }

    /// The lab's view of a command's outcome: -1 not started, -2 killed at its deadline.
    private static func result(_ arguments: [String], _ outcome: Result<CommandOutput, CommandError>) -> CommandResult {
        switch outcome {
        case .success(let output):
            return CommandResult(arguments: arguments, status: output.status, output: output.stdoutText)
        case .failure(.notFound):
            return CommandResult(arguments: arguments, status: -1, output: "\(arguments[0]): command not found")
        case .failure(.timedOut(_, _, let output)):
            return CommandResult(arguments: arguments, status: -2, output: output.stdoutText)
        case .failure(let error):
            return CommandResult(arguments: arguments, status: -1, output: "\(error)")
        }
    }
}
