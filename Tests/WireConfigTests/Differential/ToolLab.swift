import Foundation
import Testing
import WireProcess
import WireTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs programs for the tests that compare wiresmith with the real wireguard-tools: WireTestSupport's `TestTools`
/// (one way to find the built binaries, one runner) with text output.
enum Tools {
    /// The package root.
    static var packageRoot: URL { TestTools.packageRoot }

    /// The CLI built by `swift build --build-tests` (where `TestTools.builtBinary` finds it).
    static let wiresmith =
        TestTools.builtBinary("wiresmith")
        ?? TestTools.packageRoot.appendingPathComponent(".build/debug/wiresmith").path

    /// True when CI demands the labs (`WIRESMITH_REQUIRE_LAB=1`): then a missing tool fails instead of skipping.
    static var labRequired: Bool { TestTools.labRequired }

    /// The full path of a program on PATH, or nil.
    static func which(_ name: String) -> String? { TestTools.which(name) }

    /// Why a lab cannot run here (not root, a tool missing, wiresmith not built), or nil when it can.
    static func missing(_ tools: [String], needsRoot: Bool) -> String? {
        TestTools.missing(tools, needsRoot: needsRoot, binaries: ["wiresmith"])
    }

    /// Whether a lab test should run at all: it runs when it can, and also when CI requires it (to fail loudly).
    static func shouldRun(_ tools: [String], needsRoot: Bool) -> Bool {
        TestTools.shouldRun(tools, needsRoot: needsRoot, binaries: ["wiresmith"])
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion, feeding `input` on stdin.
    @discardableResult
    static func run(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> Output {
        let output = try TestTools.run(arguments, input: Array(input), environment: environment)
        return Output(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }
}

/// A network namespace holding one wireguard-go interface, named with a unique run id, removed by `close()`.
///
/// `/var/run/wireguard` is shared by every namespace, so the interface name carries the run id too. Names resolve in
/// the namespace through its own hosts file (`/etc/netns/NS/hosts`, which `ip netns exec` binds over /etc/hosts).
final class WireGuardGoLab {
    let namespace: String
    let interface: String
    let workDirectory: URL
    private var daemon: RunningCommand?

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

        daemon = try Command(
            ["ip", "netns", "exec", namespace, "wireguard-go", "--foreground", interface], timeout: nil
        ).start()
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
        if let daemon, daemon.wait(timeout: .zero) == nil {
            daemon.send(SIGTERM)
            if daemon.wait(timeout: .seconds(10)) == nil { daemon.send(SIGKILL) }
        }
        daemon = nil
        _ = try? Tools.run(["ip", "netns", "del", namespace])
        try? FileManager.default.removeItem(atPath: "/var/run/wireguard/\(interface).sock")
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(namespace)")
        try? FileManager.default.removeItem(at: workDirectory)
    }

    deinit { close() }
}
