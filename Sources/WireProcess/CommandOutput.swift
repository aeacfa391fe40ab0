/// What a finished command did: its exit status and what it printed.
public struct CommandOutput: Sendable, Equatable {
    /// The command that ran, as a shell would show it.
    public var command: String
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
    public var status: Int32
    /// Everything written to stdout (and to stderr too, for a command that `mergesOutput`).
    public var stdout: [UInt8]
    /// Everything written to stderr.
    public var stderr: [UInt8]

    /// True when the command exited with status 0.
    public var succeeded: Bool { status == 0 }

    /// stdout as UTF-8 text (invalid bytes replaced).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// stderr as UTF-8 text (invalid bytes replaced).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// This output when the command succeeded; otherwise throws `.failed`, naming the command and quoting stderr.
    @discardableResult
    public func check() throws(CommandError) -> CommandOutput {
        guard succeeded else {
            throw .failed(command: command, status: status, stderr: stderr.isEmpty ? stdoutText : stderrText)
        }
        return self
    }
}
