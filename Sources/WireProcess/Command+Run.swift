import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Command {
    /// Runs the command to its end (or its timeout) and returns its status and output. A status other than 0 is
    /// not an error here: call `check()` on the output for that.
    @discardableResult
    public func run() throws(CommandError) -> CommandOutput {
        try start().finish()
    }

    /// Starts the command with its output captured; `finish()` the result to wait and collect.
    public func start() throws(CommandError) -> RunningCommand {
        guard let path = Command.which(arguments[0], searchPath: searchPath) else {
            throw .notFound(program: arguments[0], searchPath: searchPath)
        }
        var files: [Int32] = []
        func file() throws(CommandError) -> Int32 {
            switch Posix.anonymousFile() {
            case .success(let fd):
                files.append(fd)
                return fd
            case .failure(let error):
                for fd in files { close(fd) }
                throw .cannotStart(command: description, errno: error.code)
            }
        }
        var stdio = Posix.Stdio()
        if let input {
            let fd = try file()
            if let errno = Posix.fill(fd, with: input) {
                for fd in files { close(fd) }
                throw .cannotStart(command: description, errno: errno)
            }
            stdio.input = fd
        } else {
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if fd >= 0 { files.append(fd) }
            stdio.input = fd >= 0 ? fd : nil
        }
        let out = try file()
        let err = mergesOutput ? out : try file()
        stdio.output = out
        stdio.error = err
        let spawned = Posix.spawn(
            path, arguments, environment: mergedEnvironment, stdio: stdio, newGroup: true,
            workingDirectory: workingDirectory)
        for fd in files where fd != out && fd != err { close(fd) }
        switch spawned {
        case .success(let pid):
            return RunningCommand(
                command: self, pid: pid, ownGroup: true, stdout: out, stderr: mergesOutput ? nil : err)
        case .failure(let error):
            close(out)
            if err != out { close(err) }
            throw .cannotStart(command: description, errno: error.code)
        }
    }

    /// Runs the command on this process's terminal (stdin, stdout and stderr inherited, same process group, so
    /// the terminal's job control reaches it) and waits as long as it takes; returns its exit status.
    public func runAttached() throws(CommandError) -> Int32 {
        guard let path = Command.which(arguments[0], searchPath: searchPath) else {
            throw .notFound(program: arguments[0], searchPath: searchPath)
        }
        let spawned = Posix.spawn(
            path, arguments, environment: mergedEnvironment, stdio: Posix.Stdio(), newGroup: false,
            workingDirectory: workingDirectory)
        switch spawned {
        case .success(let pid):
            return RunningCommand(command: self, pid: pid, ownGroup: false, stdout: nil, stderr: nil)
                .wait(timeout: nil) ?? -1
        case .failure(let error):
            throw .cannotStart(command: description, errno: error.code)
        }
    }

    /// This process's environment with PATH set to `searchPath` and `environment` on top.
    var mergedEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = searchPath
        for (key, value) in environment { env[key] = value }
        return env
    }

    /// Runs many commands at once, at most `width` at a time; results in the order given.
    public static func runAll(_ commands: [Command], width: Int = 16) -> [Result<CommandOutput, CommandError>] {
        let results = ResultBox(count: commands.count)
        let gate = DispatchSemaphore(value: max(1, width))
        let group = DispatchGroup()
        for (i, command) in commands.enumerated() {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                results.set(i, Result { () throws(CommandError) -> CommandOutput in try command.run() })
                gate.signal()
                group.leave()
            }
        }
        group.wait()
        return results.values.map { $0! }
    }
}

/// A lock-protected array the parallel runner fills in.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<CommandOutput, CommandError>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<CommandOutput, CommandError>) {
        lock.lock()
        storage[i] = r
        lock.unlock()
    }
    var values: [Result<CommandOutput, CommandError>?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
