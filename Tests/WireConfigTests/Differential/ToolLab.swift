import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs programs for the tests that compare wiresmith with the real wireguard-tools.
enum Tools {
    /// The package root, found from this file's path (Tests/WireConfigTests/Differential/ToolLab.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The CLI built by `swift build --build-tests`.
    static let wiresmith = packageRoot.appendingPathComponent(".build/debug/wiresmith").path

    /// True when CI demands the labs (`WIRESMITH_REQUIRE_LAB=1`): then a missing tool fails instead of skipping.
    static var labRequired: Bool { ProcessInfo.processInfo.environment["WIRESMITH_REQUIRE_LAB"] == "1" }

    /// The full path of a program on PATH, or nil.
    static func which(_ name: String) -> String? {
        for dir in searchPath.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// PATH plus the standard directories (a test runner's PATH may lack them).
    static var searchPath: String {
        let inherited = ProcessInfo.processInfo.environment["PATH"].map { $0 + ":" } ?? ""
        return inherited + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    }

    /// Why a lab cannot run here (not root, a tool missing), or nil when it can.
    static func missing(_ tools: [String], needsRoot: Bool) -> String? {
        if needsRoot && getuid() != 0 { return "not running as root" }
        let absent = tools.filter { which($0) == nil }
        if !absent.isEmpty { return "missing tools: \(absent.joined(separator: ", "))" }
        if !FileManager.default.isExecutableFile(atPath: wiresmith) {
            return "\(wiresmith) not built (run `swift build --build-tests`)"
        }
        return nil
    }

    /// Whether a lab test should run at all: it runs when it can, and also when CI requires it (to fail loudly).
    static func shouldRun(_ tools: [String], needsRoot: Bool) -> Bool {
        labRequired || missing(tools, needsRoot: needsRoot) == nil
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion, feeding `input` on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which(arguments[0]) ?? arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = searchPath
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        // Drain both pipes on other threads so that a chatty child never blocks on a full pipe.
        let outBox = DataBox()
        let errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(outPipe, outBox), (errPipe, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        inPipe.fileHandleForWriting.write(input)
        try? inPipe.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
            stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    final class DataBox: @unchecked Sendable { var data = Data() }
}

/// A network namespace holding one wireguard-go interface, named with a unique run id, removed by `close()`.
///
/// `/var/run/wireguard` is shared by every namespace, so the interface name carries the run id too. Names resolve in
/// the namespace through its own hosts file (`/etc/netns/NS/hosts`, which `ip netns exec` binds over /etc/hosts).
final class WireGuardGoLab {
    let namespace: String
    let interface: String
    let workDirectory: URL
    private var daemon: Process?

    init(hosts: String) throws {
        let id = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        namespace = "wsconf-\(id)"
        interface = "wsc\(id)"
        workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("wiresmith-\(namespace)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        try check(Tools.run(["ip", "netns", "add", namespace]), "ip netns add")
        try check(Tools.run(["ip", "-n", namespace, "link", "set", "lo", "up"]), "ip link set lo up")
        let etc = URL(fileURLWithPath: "/etc/netns/\(namespace)")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        try hosts.write(to: etc.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.which("ip")!)
        process.arguments = ["netns", "exec", namespace, "wireguard-go", "--foreground", interface]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        daemon = process
        let socket = "/var/run/wireguard/\(interface).sock"
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { usleep(25_000) }
        guard FileManager.default.fileExists(atPath: socket) else { throw LabError("wireguard-go did not start") }
    }

    struct LabError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    private func check(_ output: Tools.Output, _ what: String) throws {
        guard output.status == 0 else { throw LabError("\(what) failed: \(output.stderr)") }
    }

    /// Runs a command inside the namespace.
    @discardableResult
    func exec(_ arguments: [String], environment: [String: String] = [:]) throws -> Tools.Output {
        try Tools.run(["ip", "netns", "exec", namespace] + arguments, environment: environment)
    }

    /// Stops the daemon and removes the namespace, its socket, its hosts file and the work directory.
    func close() {
        if let daemon, daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        daemon = nil
        _ = try? Tools.run(["ip", "netns", "del", namespace])
        try? FileManager.default.removeItem(atPath: "/var/run/wireguard/\(interface).sock")
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(namespace)")
        try? FileManager.default.removeItem(at: workDirectory)
    }

    deinit { close() }
}
