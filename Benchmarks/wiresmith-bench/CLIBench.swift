import Foundation
import WireAnalysis
import WireConfig
import WireProcess

/// `wiresmith-bench cli [HOSTS...]`: writes a hub-and-spoke network of HOSTS hosts to disk (a hub with one [Peer]
/// per client, every client in its own folder, fresh keys), then times the release `wiresmith` binary on it end to
/// end - files read, keys derived, report printed (to /dev/null): `lint DIR --json` and `trace DIR FROM TO --json`
/// (all three phases), three runs each. Default sizes: 10,000 and 100,000 hosts. The aims (issue #13): under 0.5 s
/// at 10,000 hosts and under 5 s at 100,000, printed beside each figure.
///
/// Each figure comes with the machine's load average at that moment (other work on a 2-core machine stretches wall
/// time, not CPU time) and the CPU time the run used (user + system, all threads). The in-process split times the
/// same work inside this process, wall and CPU, so a reader sees which part of the run costs what.
func runCLIBench(_ arguments: [String]) {
    let sizes = arguments.compactMap { Int($0) }
    let fm = FileManager.default
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "wiresmith")
    guard fm.isExecutableFile(atPath: exe.path) else {
        print("no wiresmith binary beside wiresmith-bench (\(exe.path)): `swift build -c release` first")
        exit(2)
    }
    print("cores: \(ProcessInfo.processInfo.activeProcessorCount); binary: \(exe.path)")
    for hosts in sizes.isEmpty ? [10_000, 100_000] : sizes {
        // WIRESMITH_BENCH_KEEP=DIR writes the network there and keeps it (for a profiler); one already there is
        // reused.
        let keep = ProcessInfo.processInfo.environment["WIRESMITH_BENCH_KEEP"]
        let dir =
            keep.map { URL(fileURLWithPath: $0).appendingPathComponent("\(hosts)") }
            ?? fm.temporaryDirectory.appendingPathComponent("wiresmith-bench-cli-\(hosts)-\(UUID().uuidString)")
        defer { if keep == nil { try? fm.removeItem(at: dir) } }
        if !fm.fileExists(atPath: dir.appendingPathComponent("hub/wg0.conf").path) {
            try? fm.createDirectory(
                at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let gen = Stopwatch()
            writeHubNetwork(hosts: hosts, to: dir)
            print("\(hosts) hosts: network written in \(seconds(gen.wall)) s")
        } else {
            print("\(hosts) hosts: network at \(dir.path) reused")
        }
        let target = hosts <= 10_000 ? 0.5 : 5.0 * Double(hosts) / 100_000
        // In-process split of the same work, to see where the time goes.
        var network: Network?
        let load = Stopwatch.measure { network = try? NetworkLoader().load(directory: dir.path) }
        let lint = Stopwatch.measure { _ = Linter().lint(network!).json() }
        var tracer: Tracer?
        let index = Stopwatch.measure { tracer = Tracer(network: network!) }
        let trace = Stopwatch.measure { _ = try? tracer!.trace(from: "client1", to: "client2") }
        print(
            "  in process (wall / CPU): load \(load), lint \(lint), tracer index \(index), one trace \(trace) "
                + "(load average \(loadAverage()))")
        for (name, args) in [
            ("lint", ["lint", dir.path, "--json"]),
            ("trace", ["trace", dir.path, "client1", "client2", "--json"]),
            ("lint", ["lint", dir.path, "--json"]),
            ("trace", ["trace", dir.path, "client1", "client2", "--json"]),
            ("lint", ["lint", dir.path, "--json"]),
            ("trace", ["trace", dir.path, "client1", "client2", "--json"]),
        ] {
            let before = loadAverage()
            var status: Int32 = -1
            let t = Stopwatch.measure(children: true) {
                status = (try? Command([exe.path] + args, timeout: nil).run().status) ?? -1
            }
            let verdict = t.wall < target ? "met" : "not met"
            print(
                "  wiresmith \(name) (\(hosts) hosts): \(seconds(t.wall)) s wall, \(seconds(t.cpu)) s CPU, exit "
                    + "\(status); target < \(target) s: \(verdict) (load average \(before))")
        }
    }
}

/// Wall and CPU time (user + system, every thread) of one piece of work.
struct Timing: CustomStringConvertible {
    var wall: Double
    var cpu: Double
    var description: String { "\(seconds(wall)) s / \(seconds(cpu)) s" }
}

/// A running measurement of wall and CPU time.
struct Stopwatch {
    private let start = ContinuousClock.now
    private let cpuStart: Double
    private let children: Bool
    var wall: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    var cpu: Double { Self.cpuSeconds(children: children) - cpuStart }

    init(children: Bool = false) {
        self.children = children
        cpuStart = Self.cpuSeconds(children: children)
    }

    /// The figures of `work`: wall time and the CPU time of this process (or of the child processes it waited for).
    static func measure(children: Bool = false, _ work: () -> Void) -> Timing {
        let w = Stopwatch(children: children)
        work()
        return Timing(wall: w.wall, cpu: w.cpu)
    }

    /// CPU seconds used so far by this process, or by the children it has waited for (`getrusage`).
    static func cpuSeconds(children: Bool) -> Double {
        var u = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }
}

/// A number of seconds with three decimals.
func seconds(_ s: Double) -> String { String(format: "%.3f", s) }

/// The first figure of /proc/loadavg (runnable threads averaged over a minute), or `?`.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return String(text.split(separator: " ").first ?? "?")
}

/// A hub (public, forwarding) with `hosts - 1` clients behind NAT on 10.64.0.0/10, each with keepalive.
func writeHubNetwork(hosts: Int, to dir: URL) {
    let clients = hosts - 1
    final class Keys: @unchecked Sendable { var k: [(WireKey, WireKey)] = [] }
    let keys = Keys()
    keys.k = Array(repeating: (WireKey.generatePrivate(), WireKey.generatePrivate()), count: hosts)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: hosts) { i in
        let p = WireKey.generatePrivate()
        let pair = (p, p.publicKey)
        lock.lock()
        keys.k[i] = pair
        lock.unlock()
    }
    @Sendable func v4(_ n: Int) -> String { IPAddress.v4((10 << 24 | 64 << 16) + UInt32(n)).description }
    var hub = """
        [Interface]
        PrivateKey = \(keys.k[0].0.base64)
        Address = 10.64.0.1/10
        ListenPort = 51820
        PostUp = sysctl -w net.ipv4.ip_forward=1

        """
    hub.reserveCapacity(clients * 100)
    for i in 1...max(clients, 1) where i <= clients {
        hub += "[Peer]\nPublicKey = \(keys.k[i].1.base64)\nAllowedIPs = \(v4(1 + i))/32\n\n"
    }
    @Sendable func write(_ host: String, _ name: String, _ text: String) {
        let fm = FileManager.default
        let h = dir.appendingPathComponent(host)
        try? fm.createDirectory(at: h, withIntermediateDirectories: true)
        fm.createFile(
            atPath: h.appendingPathComponent(name).path, contents: Data(text.utf8),
            attributes: [.posixPermissions: 0o600])
    }
    write("hub", "wg0.conf", hub)
    write("hub", "host.yaml", "public_addresses: [192.0.2.1]\n")
    DispatchQueue.concurrentPerform(iterations: clients) { n in
        let i = n + 1
        write(
            "client\(i)", "wg0.conf",
            """
            [Interface]
            PrivateKey = \(keys.k[i].0.base64)
            Address = \(v4(1 + i))/32

            [Peer]
            PublicKey = \(keys.k[0].1.base64)
            Endpoint = 192.0.2.1:51820
            AllowedIPs = 10.64.0.0/10
            PersistentKeepalive = 25

            """)
    }
}
