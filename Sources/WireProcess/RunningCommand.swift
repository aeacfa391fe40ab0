import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A started command: wait for it (with a deadline), signal it, then collect its output with `finish()`.
///
/// The process is reaped by one blocking `waitpid` on a thread of its own, so its exit is seen the moment it
/// happens while the caller waits with a deadline, and it never lingers as a zombie.
public final class RunningCommand: @unchecked Sendable {
    /// The command as started.
    public let command: Command
    /// The process id (also its process group id when the command's output is captured).
    public let pid: Int32
    private let ownGroup: Bool
    private let stdoutFile: Int32?
    private let stderrFile: Int32?
    private let done = DispatchSemaphore(value: 0)
    private var status: Int32 = -1  // written once, before `done` is signalled
    private var finished = false

    init(command: Command, pid: Int32, ownGroup: Bool, stdout: Int32?, stderr: Int32?) {
        self.command = command
        self.pid = pid
        self.ownGroup = ownGroup
        self.stdoutFile = stdout
        self.stderrFile = stderr
        // A thread of its own, not a dispatch worker: the pool is small, and callers may block workers.
        let thread = Thread { [self] in
            status = Posix.waitForExit(pid) ?? -1
            done.signal()
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }

    deinit {
        if let stdoutFile { close(stdoutFile) }
        if let stderrFile { close(stderrFile) }
    }

    /// The exit status, waiting at most `timeout` (nil: as long as it takes); nil while it is still running.
    public func wait(timeout: Duration?) -> Int32? {
        if let timeout {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
            if done.wait(timeout: .now() + seconds) == .timedOut { return nil }
        } else {
            done.wait()
        }
        done.signal()  // so that a later wait returns at once
        return status
    }

    /// Sends `signal` to the command's process group (everything it started), or to its process alone when it
    /// shares ours. The corresponding C function is `kill`.
    public func send(_ signal: Int32) {
        _ = kill(ownGroup ? -pid : pid, signal)
    }

    /// Waits for the command within its timeout and returns what it printed. At the deadline its process group
    /// gets SIGTERM, then SIGKILL a second later, and `.timedOut` carries the output so far.
    public func finish() throws(CommandError) -> CommandOutput {
        var exit = wait(timeout: command.timeout)
        if exit == nil {
            send(SIGTERM)
            if wait(timeout: .seconds(1)) == nil {
                send(SIGKILL)
                exit = wait(timeout: .seconds(5))
            }
            throw .timedOut(command: command.description, after: command.timeout ?? .zero, output: output(status: -1))
        }
        return output(status: exit ?? -1)
    }

    private func output(status: Int32) -> CommandOutput {
        CommandOutput(
            command: command.description, status: status,
            stdout: stdoutFile.map(Posix.contents(of:)) ?? [], stderr: stderrFile.map(Posix.contents(of:)) ?? [])
    }
}
