import CWireDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// wireguard-go's command line and process contract (main.go), for `wiresmithd`:
/// `wiresmithd [-f|--foreground] IFNAME`. Without `-f` the process creates the TUN device and the UAPI socket,
/// starts itself again in a new session with both descriptors (WG_TUN_FD=3, WG_UAPI_FD=4,
/// WG_PROCESS_FOREGROUND=1), and returns 0: when it returns, the interface exists and its socket accepts
/// connections. Re-executing rather than fork(2) keeps the child free of the parent's runtime state.
public enum DaemonLauncher {
    /// wireguard-go's exit codes.
    public enum ExitCode: Int32 {
        case success = 0
        case setupFailed = 1
    }

    /// The version `--version` prints.
    public static let version = "wiresmithd 0.2.0"

    /// The usage text (wireguard-go's `printUsage`).
    public static let usage = "Usage: wiresmithd [-f/--foreground] INTERFACE-NAME\n"

    /// Runs the command line `arguments` (without the program name) with `environment`; returns the exit code.
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        if arguments == ["--version"] || arguments == ["-v"] {
            print("\(version)\nUserspace WireGuard daemon (Swift), wireguard-go's command-line contract.")
            return ExitCode.success.rawValue
        }
        var foreground = environment["WG_PROCESS_FOREGROUND"] == "1"
        let name: String
        switch arguments.count {
        case 1 where !arguments[0].hasPrefix("-"):
            name = arguments[0]
        case 2 where arguments[0] == "-f" || arguments[0] == "--foreground":
            foreground = true
            name = arguments[1]
        default:
            var text = Array(usage.utf8)
            _ = text.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
            return ExitCode.setupFailed.rawValue
        }
        let level = LogLevel(environment: environment["LOG_LEVEL"])
        var log = DaemonLog(level: level, interface: name)

        let tun: TunDevice
        do {
            if let fd = environment["WG_TUN_FD"].flatMap({ Int32($0) }) {
                tun = try TunDevice.adopt(fd: fd)
            } else {
                tun = try TunDevice.create(name: name)
            }
        } catch {
            log.error("Failed to create TUN device: \(error)")
            // Handed a socket for a device deleted before we started: remove it, never leave it stale.
            if let fd = environment["WG_UAPI_FD"].flatMap({ Int32($0) }) {
                UAPISocket.adopt(fd: fd, interface: name).close()
            }
            return ExitCode.setupFailed.rawValue
        }
        log.interface = tun.name
        let uapi: UAPISocket
        do {
            if let fd = environment["WG_UAPI_FD"].flatMap({ Int32($0) }) {
                uapi = UAPISocket.adopt(fd: fd, interface: tun.name)
            } else {
                uapi = try UAPISocket.listen(interface: tun.name)
            }
        } catch {
            log.error("Failed to open UAPI socket: \(error)")
            return ExitCode.setupFailed.rawValue
        }

        if !foreground {
            var env = environment
            env["WG_TUN_FD"] = "3"
            env["WG_UAPI_FD"] = "4"
            env["WG_PROCESS_FOREGROUND"] = "1"
            let quiet = environment["LOG_LEVEL"] == nil || level == .silent
            let pid = spawn(arguments: arguments, environment: env, tun: tun.fd, uapi: uapi.fd, quiet: quiet)
            if pid < 0 {
                log.error("Failed to daemonize: errno \(-pid)")
                uapi.close()
                return ExitCode.setupFailed.rawValue
            }
            // The child owns the socket file now: exit without removing it.
            return ExitCode.success.rawValue
        }

        log.verbose("Starting wiresmithd version \(version)")
        let daemon: Daemon
        do {
            daemon = try Daemon(tun: tun, uapi: uapi, log: log)
        } catch {
            log.error("Failed to start: \(error)")
            uapi.close()
            return ExitCode.setupFailed.rawValue
        }
        log.verbose("UAPI listener started")
        let reason = daemon.run()
        log.verbose("Shutting down: \(reason)")
        return ExitCode.success.rawValue
    }

    static func spawn(arguments: [String], environment: [String: String], tun: Int32, uapi: Int32, quiet: Bool)
        -> Int32
    {
        var exe = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &exe, exe.count - 1)
        guard n > 0 else { return -errno }
        let path = String(cString: exe)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        return argv.withUnsafeBufferPointer { a in
            envp.withUnsafeBufferPointer { e in
                wsd_spawn_daemon(path, a.baseAddress, e.baseAddress, tun, uapi, quiet ? 1 : 0)
            }
        }
    }
}
