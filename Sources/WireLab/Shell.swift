import Foundation

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

/// Runs external commands (ip, iptables, wg-quick, ping) for the lab.
///
/// Output goes to a temporary file, not a pipe: daemons such as wireguard-go detach and could keep a pipe open
/// forever. Every command has a deadline, after which it is terminated and then killed.
struct Shell: Sendable {
    /// PATH used to find tools and passed to every command.
    var searchPath: String
    /// Extra environment for every command (e.g. WG_QUICK_USERSPACE_IMPLEMENTATION).
    var environment: [String: String] = [:]

    /// The full path of `tool` in `searchPath`, or nil when it is not there or not executable.
    func which(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs `arguments` (the first one looked up in `searchPath`) and waits at most `timeout` seconds.
    @discardableResult
    func run(_ arguments: [String], timeout: Double = 30) -> CommandResult {
        guard let exe = which(arguments[0]) else {
            return CommandResult(arguments: arguments, status: -1, output: "\(arguments[0]): command not found")
        }
        let outPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("wiresmith-lab-\(UUID().uuidString).out").path
        let fd = open(outPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return CommandResult(arguments: arguments, status: -1, output: "cannot create \(outPath)")
        }
        defer {
            close(fd)
            unlink(outPath)
        }
        guard let pid = spawn(exe, arguments, stdout: fd) else {
            return CommandResult(arguments: arguments, status: -1, output: "\(arguments[0]): cannot start")
        }
        let child = Child(pid)
        var status = child.wait(timeout: timeout)
        if status == nil {
            kill(pid, SIGTERM)
            if child.wait(timeout: 1) == nil {
                kill(pid, SIGKILL)
                _ = child.wait(timeout: 5)
            }
            status = -2
        }
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        return CommandResult(arguments: arguments, status: status!, output: text)
    }

    /// Runs `arguments` with this process's terminal (stdin, stdout, stderr) and waits; returns its exit status.
    func runAttached(_ arguments: [String]) -> Int32 {
        guard let exe = which(arguments[0]), let pid = spawn(exe, arguments, stdout: nil) else { return 127 }
        return Child(pid).wait(timeout: nil) ?? -1
    }

    /// Starts a process with posix_spawn. Only stdin, stdout and stderr are inherited: descriptors 3 and up are
    /// closed in the child, so a daemon it leaves behind (wireguard-go, a holder) keeps none of ours open.
    /// The corresponding C function is `posix_spawn`.
    private func spawn(_ exe: String, _ arguments: [String], stdout fd: Int32?) -> pid_t? {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = searchPath
        env["LC_ALL"] = "C"
        for (k, v) in environment { env[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let fd {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        }
        Shell.closeFrom(&actions, 3)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The lab may ignore SIGINT/SIGTERM itself (see LabCancellation); its commands get the defaults back.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attr, argv, envp)
        return rc == 0 ? pid : nil
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Adds "close every descriptor from `fd` up" to `actions` (glibc 2.34+, looked up at run time because the
    /// Glibc module does not export it). The corresponding C function is `posix_spawn_file_actions_addclosefrom_np`.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return }
        let f = unsafeBitCast(sym, to: CloseFrom.self)
        _ = f(&actions, fd)
    }

    /// Runs many commands at once, at most `width` at a time; results in the order given.
    func runAll(_ commands: [[String]], width: Int = 16, timeout: Double = 30) -> [CommandResult] {
        let results = ResultBox(count: commands.count)
        let gate = DispatchSemaphore(value: max(1, width))
        let group = DispatchGroup()
        for (i, c) in commands.enumerated() {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                let r = self.run(c, timeout: timeout)
                results.set(i, r)
                gate.signal()
                group.leave()
            }
        }
        group.wait()
        return results.values.map { $0! }
    }
}

/// A started child process, reaped by one blocking `waitpid` on a thread of its own, so its exit is seen the moment
/// it happens while the caller waits with a deadline. The corresponding C function is `waitpid`.
private final class Child: @unchecked Sendable {
    let pid: pid_t
    private let done = DispatchSemaphore(value: 0)
    // Written once, before `done` is signalled.
    private var status: Int32 = -1

    init(_ pid: pid_t) {
        self.pid = pid
        // A thread of its own, not a dispatch worker: the pool is small, and the callers already block workers.
        let thread = Thread { [self] in
            var raw: Int32 = 0
            var r: pid_t
            repeat { r = waitpid(pid, &raw, 0) } while r < 0 && errno == EINTR
            status = r == pid ? (raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)) : -1
            done.signal()
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }

    /// The exit status, waiting at most `timeout` seconds (nil: forever); nil at the deadline. May be repeated.
    func wait(timeout: Double?) -> Int32? {
        if let timeout {
            if done.wait(timeout: .now() + timeout) == .timedOut { return nil }
        } else {
            done.wait()
        }
        done.signal()  // so a later wait returns at once
        return status
    }
}

/// A lock-protected array the parallel runner fills in.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [CommandResult?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: CommandResult) {
        lock.lock()
        storage[i] = r
        lock.unlock()
    }
    var values: [CommandResult?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
