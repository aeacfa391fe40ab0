import Foundation
import Testing
import WireTestSupport

/// The output and status of a command.
struct CommandResult {
    var status: Int32
    var output: String
    var ok: Bool { status == 0 }
}

/// Runs `arguments` (looked up on PATH and the standard directories) through WireProcess, stdout and stderr
/// together, at most `timeout` seconds (then its process group is killed and the status is 137). Output goes
/// through a file, not a pipe: a daemon the command starts may keep its standard output open for its whole life.
@discardableResult
func run(
    _ arguments: [String], environment: [String: String] = [:], input: String? = nil, timeout: Double = 120
) -> CommandResult {
    do {
        let output = try TestTools.run(
            arguments, input: input.map { Array($0.utf8) }, environment: environment, mergesOutput: true,
            timeout: .milliseconds(Int64(timeout * 1000)))
        return CommandResult(status: output.status, output: output.stdoutText)
    } catch .timedOut(_, _, let output) {
        return CommandResult(status: 128 + SIGKILL, output: output.stdoutText)
    } catch .notFound(let program, _) {
        return CommandResult(status: 127, output: "\(program): command not found")
    } catch {
        return CommandResult(status: 127, output: "\(error)")
    }
}

/// Whether interop labs can run here: root, the tools, and the built daemon. CI sets WIRESMITH_REQUIRE_LAB=1.
enum DaemonLabEnvironment {
    static let required = ProcessInfo.processInfo.environment["WIRESMITH_REQUIRE_LAB"] == "1"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The wiresmithd built with the tests.
    static var wiresmithd: String? { TestTools.builtBinary("wiresmithd") }

    static let unavailable: String? = {
        if getuid() != 0 { return "not root" }
        for tool in ["ip", "wg", "wg-quick", "wireguard-go", "ping", "ncat", "sha256sum", "ss"]
        where !run(["sh", "-c", "command -v \(tool)"]).ok {
            return "\(tool) is not installed"
        }
        if wiresmithd == nil { return "wiresmithd is not built" }
        return nil
    }()

    static let shouldRun = unavailable == nil || required

    static func require() throws {
        if let why = unavailable { try #require(Bool(false), "daemon lab required but unavailable: \(why)") }
    }
}

/// Two network namespaces joined by a veth pair (IPv4 192.0.2.0/24 and IPv6 fd0d::/64 outside), one WireGuard
/// implementation in each, configured through `wg` as a user would. Every name carries a random id, so labs of
/// other tests and other people never collide; `close()` kills what runs in its namespaces and deletes them, and
/// tests call it in `defer`, so a failing test cleans up too.
final class DaemonLab {
    enum Side { case a, b }

    let id = String(format: "%04x", Int.random(in: 0..<0x10000))
    var namespaces: [String] { [ns(.a), ns(.b)] }
    let implementations: [Side: String]
    let keys: [Side: (priv: String, pub: String)]
    let directory: String

    func ns(_ side: Side) -> String { side == .a ? "wsdl\(id)a" : "wsdl\(id)b" }
    func interface(_ side: Side) -> String { side == .a ? "wsa\(id)" : "wsb\(id)" }
    func outer4(_ side: Side) -> String { side == .a ? "192.0.2.1" : "192.0.2.2" }
    func outer6(_ side: Side) -> String { side == .a ? "fd0d::1" : "fd0d::2" }
    func inner4(_ side: Side) -> String { side == .a ? "10.77.0.1" : "10.77.0.2" }
    func inner6(_ side: Side) -> String { side == .a ? "fd77::1" : "fd77::2" }
    func port(_ side: Side) -> Int { side == .a ? 51_820 : 51_821 }
    static func other(_ side: Side) -> Side { side == .a ? .b : .a }

    /// Builds the namespaces; `a` and `b` name the implementations (a path or a command).
    init(a: String, b: String) throws {
        implementations = [.a: a, .b: b]
        directory = NSTemporaryDirectory() + "wsdlab-\(id)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var keys: [Side: (String, String)] = [:]
        for side in [Side.a, .b] {
            let priv = run(["wg", "genkey"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let pub = run(["wg", "pubkey"], input: priv + "\n").output.trimmingCharacters(in: .whitespacesAndNewlines)
            keys[side] = (priv, pub)
        }
        self.keys = keys
        for side in [Side.a, .b] { try write(keys[side]!.0, to: "\(side).key") }
        for n in namespaces { try sh(["ip", "netns", "add", n]) }
        try sh([
            "ip", "link", "add", "wsv\(id)a", "netns", ns(.a), "type", "veth", "peer", "wsv\(id)b", "netns", ns(.b),
        ])
        for side in [Side.a, .b] {
            let link = side == .a ? "wsv\(id)a" : "wsv\(id)b"
            try sh(inNS(side, ["ip", "addr", "add", "\(outer4(side))/24", "dev", link]))
            try sh(inNS(side, ["ip", "addr", "add", "\(outer6(side))/64", "dev", link, "nodad"]))
            try sh(inNS(side, ["ip", "link", "set", link, "up"]))
            try sh(inNS(side, ["ip", "link", "set", "lo", "up"]))
        }
    }

    /// Writes `text` to a 0600 file in the lab directory and returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let path = "\(directory)/\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    func inNS(_ side: Side, _ command: [String]) -> [String] { ["ip", "netns", "exec", ns(side)] + command }

    @discardableResult
    func sh(_ command: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let result = run(command, environment: environment)
        if !result.ok { throw LabFailure(command: command.joined(separator: " "), output: result.output) }
        return result
    }

    /// Starts the side's implementation on its interface (it daemonizes and returns when the socket is up).
    func start(_ side: Side) throws {
        try sh(inNS(side, [implementations[side]!, interface(side)]))
    }

    /// Starts both sides and configures them as peers: endpoints over IPv4 or IPv6 outside, IPv4 and IPv6
    /// inside, optional preshared key; addresses set and links up.
    func up(
        outerIPv6: Bool = false, presharedKey: [Side: String] = [:], endpoints: Bool = true,
        skipStart: Set<Side> = []
    ) throws {
        for side in [Side.a, .b] {
            if !skipStart.contains(side) { try start(side) }
            let peer = Self.other(side)
            var command = [
                "wg", "set", interface(side), "private-key", "\(directory)/\(side).key", "listen-port",
                "\(port(side))", "peer", keys[peer]!.pub, "allowed-ips", "\(inner4(peer))/32,\(inner6(peer))/128",
            ]
            if endpoints {
                let host = outerIPv6 ? "[\(outer6(peer))]" : outer4(peer)
                command += ["endpoint", "\(host):\(port(peer))"]
            }
            if let psk = presharedKey[side] {
                command += ["preshared-key", try write(psk, to: "\(side).psk")]
            }
            try sh(command)
            try sh(inNS(side, ["ip", "addr", "add", "\(inner4(side))/24", "dev", interface(side)]))
            try sh(inNS(side, ["ip", "addr", "add", "\(inner6(side))/64", "dev", interface(side), "nodad"]))
            try sh(inNS(side, ["ip", "link", "set", interface(side), "up"]))
        }
    }

    /// Pings from `side` to the other side's inner address; true when a reply comes within `deadline` seconds.
    func ping(from side: Side, ipv6: Bool = false, deadline: Int = 10) -> Bool {
        let target = ipv6 ? inner6(Self.other(side)) : inner4(Self.other(side))
        return run(inNS(side, ["ping", "-c", "1", "-w", "\(deadline)", target])).ok
    }

    /// The latest handshake time of the side's only peer, 0 for none.
    func latestHandshake(_ side: Side) -> Int {
        let out = run(["wg", "show", interface(side), "latest-handshakes"]).output
        return Int(out.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// The endpoint `side` has for its peer, as `wg show endpoints` prints it.
    func endpoint(_ side: Side) -> String {
        let out = run(["wg", "show", interface(side), "endpoints"]).output
        return out.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// Waits for `condition`, polling every 100 ms, up to `seconds`.
    func eventually(_ seconds: Double = 15, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    /// `bytes` of random data sent over TCP through the tunnel each way (ncat, to the other side's IPv4 tunnel
    /// address), each sender given `sendTimeout` seconds: the SHA-256 of what arrived must equal the source's.
    func expectTCPEachWayIntact(bytes: Int, sendTimeout: Double = 120) throws {
        let source = "\(directory)/source"
        try sh(["sh", "-c", "head -c \(bytes) /dev/urandom > \(source)"])
        let sum = try sh(["sha256sum", source]).output.prefix(64)
        for (sender, receiver) in [(Side.a, Side.b), (.b, .a)] {
            let sink = "\(directory)/sink-\(receiver)"
            // The listener runs in the background of a shell that records its pid; it exits at end of stream.
            try sh(inNS(receiver, ["sh", "-c", "ncat -l -p 5001 > \(sink) 2>/dev/null & echo $! > \(sink).pid"]))
            #expect(eventually { run(inNS(receiver, ["ss", "-Hltn", "sport = :5001"])).output.contains("5001") })
            let send = run(
                inNS(sender, ["sh", "-c", "ncat --send-only \(inner4(receiver)) 5001 < \(source)"]),
                timeout: sendTimeout)
            #expect(send.ok, "\(send.output)")
            let pid = ((try? String(contentsOfFile: sink + ".pid", encoding: .utf8)) ?? "0")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(eventually(60) { !FileManager.default.fileExists(atPath: "/proc/\(pid)") })
            let received = try sh(["sha256sum", sink]).output.prefix(64)
            #expect(received == sum, "\(sender) -> \(receiver)")
        }
    }

    /// Kills every process in the lab's namespaces, deletes them and the lab's sockets and files.
    func close() {
        for n in namespaces {
            let pids = run(["ip", "netns", "pids", n]).output.split(separator: "\n").compactMap { Int32($0) }
            for pid in pids { kill(pid, SIGTERM) }
            _ = eventually(3) { run(["ip", "netns", "pids", n]).output.isEmpty }
            for pid in run(["ip", "netns", "pids", n]).output.split(separator: "\n").compactMap({ Int32($0) }) {
                kill(pid, SIGKILL)
            }
            run(["ip", "netns", "del", n])
        }
        for side in [Side.a, .b] { unlink("/var/run/wireguard/\(interface(side)).sock") }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A lab command that failed.
struct LabFailure: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "`\(command)` failed: \(output)" }
}
