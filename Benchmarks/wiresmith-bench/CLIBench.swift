import Foundation
import WireAnalysis
import WireConfig
import WireProcess

/// `wiresmith-bench cli [HOSTS...]`: writes a hub-and-spoke network of HOSTS hosts to disk (a hub with one [Peer]
/// per client, every client in its own folder, fresh keys), then times the release `wiresmith` binary on it end to
/// end - files read, keys derived, report printed (to /dev/null): `lint DIR --json` and `trace DIR FROM TO --json`
/// (all three phases). Default sizes: 10,000 and 100,000 hosts. The aims (issue #13): under 0.5 s and under 5 s.
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
        // WIRESMITH_BENCH_KEEP=DIR writes the network there and keeps it (for a profiler).
        let keep = ProcessInfo.processInfo.environment["WIRESMITH_BENCH_KEEP"]
        let dir =
            keep.map { URL(fileURLWithPath: $0).appendingPathComponent("\(hosts)") }
            ?? fm.temporaryDirectory.appendingPathComponent("wiresmith-bench-cli-\(hosts)-\(UUID().uuidString)")
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { if keep == nil { try? fm.removeItem(at: dir) } }
        let clock = ContinuousClock()
        let gen = clock.measure { writeHubNetwork(hosts: hosts, to: dir) }
        print("\(hosts) hosts: network written in \(gen)")
        // In-process breakdown of the same work, to see where the time goes.
        var network: Network?
        let load = clock.measure { network = try? NetworkLoader().load(directory: dir.path) }
        let lint = clock.measure { _ = Linter().lint(network!).json() }
        var tracer: Tracer?
        let index = clock.measure { tracer = Tracer(network: network!) }
        let trace = clock.measure { _ = try? tracer!.trace(from: "client1", to: "client2") }
        print("  in process: load \(load), lint \(lint), tracer index \(index), trace \(trace)")
        for (name, args) in [
            ("lint", ["lint", dir.path, "--json"]),
            ("trace", ["trace", dir.path, "client1", "client2", "--json"]),
            ("trace", ["trace", dir.path, "client1", "client2", "--json"]),
            ("lint", ["lint", dir.path, "--json"]),
        ] {
            var status: Int32 = -1
            let t = clock.measure {
                status = (try? Command([exe.path] + args, timeout: nil).run().status) ?? -1
            }
            let secs = Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18
            print("  wiresmith \(name) (\(hosts) hosts): \(String(format: "%.3f", secs)) s, exit \(status)")
        }
    }
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
