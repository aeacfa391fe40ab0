import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The system calls behind `Command`, each retried on EINTR where that applies and reporting errno.
enum Posix {
    /// A failed call's errno.
    struct Errno: Error {
        var code: Int32
    }

    /// Where a spawned process's stdio goes.
    struct Stdio {
        /// Descriptor for stdin, stdout and stderr; nil inherits this process's.
        var input: Int32?
        var output: Int32?
        var error: Int32?
    }

    /// Starts `path` with posix_spawn. Only stdin, stdout and stderr are inherited: descriptors 3 and up are
    /// closed in the child, so a daemon it leaves behind keeps none of ours open. SIGINT and SIGTERM get their
    /// default actions back (the lab may ignore them itself) and no signal is blocked. With `newGroup`, the child
    /// leads a process group of its own. The corresponding C function is `posix_spawn`.
    static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String], stdio: Stdio, newGroup: Bool,
        workingDirectory: String?
    ) -> Result<pid_t, Errno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let fd = stdio.input { posix_spawn_file_actions_adddup2(&actions, fd, 0) }
        if let fd = stdio.output { posix_spawn_file_actions_adddup2(&actions, fd, 1) }
        if let fd = stdio.error { posix_spawn_file_actions_adddup2(&actions, fd, 2) }
        closeFrom(&actions, 3)
        if let workingDirectory { addChdir(&actions, workingDirectory) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if newGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        return rc == 0 ? .success(pid) : .failure(Errno(code: rc))
    }

    private typealias FileActionInt = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias FileActionPath =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// Adds "close every descriptor from `fd` up" to `actions` (glibc 2.34+, looked up at run time because the
    /// Glibc module does not export it). The corresponding C function is `posix_spawn_file_actions_addclosefrom_np`.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return }
        _ = unsafeBitCast(sym, to: FileActionInt.self)(&actions, fd)
    }

    /// Adds "change to `directory`" to `actions` (glibc 2.29+, looked up at run time like `closeFrom`).
    /// The corresponding C function is `posix_spawn_file_actions_addchdir_np`.
    private static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return }
        _ = directory.withCString { unsafeBitCast(sym, to: FileActionPath.self)(&actions, $0) }
    }

    /// An anonymous file for captured output or prepared input: created in the temporary directory and unlinked
    /// at once, so nothing is left behind whatever happens. The corresponding C function is `mkstemp`.
    static func anonymousFile() -> Result<Int32, Errno> {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(directory)/wiresmith-cmd-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return .failure(Errno(code: errno)) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // spawned children also close 3 and up, so no race matters here
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return .success(fd)
    }

    /// Writes all of `bytes` at the start of `fd` and rewinds it. The corresponding C function is `pwrite`.
    static func fill(_ fd: Int32, with bytes: [UInt8]) -> Int32? {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += n
        }
        return nil
    }

    /// Everything in `fd` from its start. The corresponding C function is `pread`.
    static func contents(of fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(out.count)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return out }
            out.append(contentsOf: buffer[..<n])
        }
    }

    /// The exit status of `pid` as a shell reports it (128 + signal when killed), waiting for it; nil when it
    /// is not our child. The corresponding C function is `waitpid`.
    static func waitForExit(_ pid: pid_t) -> Int32? {
        var raw: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &raw, 0) } while r < 0 && errno == EINTR
        guard r == pid else { return nil }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }
}
