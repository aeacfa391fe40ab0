import Foundation
import WireAnalysis
import WireConfig
import WireLab

/// The lab benchmark: a generated hub-and-spoke network of `hosts` hosts (one hub, the rest spokes behind NAT with
/// PersistentKeepalive) brought up, checked against trace and torn down, with the time of each phase printed.
///
/// Needs root and the lab's tools; prints why and returns when they are missing. Keys are generated fresh and the
/// network is written to a temporary directory (files 0600) that is removed afterwards.
func runLabBenchmark(hosts: Int = 20) {
    print("lab: \(hosts)-host hub-and-spoke (wireguard-go)")
    do { try Lab.preflight(LabOptions()) } catch {
        print("lab: skipped: \(error)")
        return
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wiresmith-lab-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
        try writeHubAndSpoke(to: dir, spokes: hosts - 1)
    } catch {
        print("lab: cannot write the network: \(error)")
        return
    }
    func seconds(_ d: Duration) -> String {
        String(
            format: "%.2f s",
            Double(d.components.seconds)
                + Double(d.components.attoseconds) / 1e18)
    }
    let clock = ContinuousClock()
    var plan: LabPlan?
    do {
        let network = try Lab.load(directory: dir.path)
        let upTime = try clock.measure { plan = try Lab.up(network: network, directory: dir.path) }
        print("lab: up     \(seconds(upTime)) (\(plan!.hosts.count) hosts, \(network.allInterfaces.count) interfaces)")
        var matrix: ReachabilityMatrix?
        let checkTime = try clock.measure {
            matrix = try Lab.check(
                plan!, verdicts: TraceVerdicts.provider(for: network),
                expectations: TraceVerdicts.expectations(for: network))
        }
        let m = matrix!
        print(
            "lab: check  \(seconds(checkTime)) (\(m.results.count) probes in cold, warm and idle, "
                + "\(m.results.filter(\.answered).count) answered, \(m.failures.count) not as intended, "
                + "\(m.disagreements.count) disagreements with trace; exit status \(m.status.rawValue))")
    } catch {
        print("lab: failed: \(error)")
    }
    if let plan {
        let downTime = clock.measure { _ = try? Lab.down(id: plan.id) }
        print("lab: down   \(seconds(downTime))")
    }
}

/// Writes `hub/wg0.conf` (+ host.yaml) and `spokeN/wg0.conf`: spokes route the hub's /24 to it, the hub forwards.
private func writeHubAndSpoke(to dir: URL, spokes: Int) throws {
    let fm = FileManager.default
    let hubKey = WireKey.generatePrivate()
    let spokeKeys = (0..<spokes).map { _ in WireKey.generatePrivate() }
    func write(_ host: String, _ name: String, _ text: String) throws {
        let d = dir.appendingPathComponent(host)
        try fm.createDirectory(at: d, withIntermediateDirectories: true)
        let path = d.appendingPathComponent(name).path
        _ = fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
    var hub = """
        [Interface]
        PrivateKey = \(hubKey.base64)
        Address = 10.50.0.1/24
        ListenPort = 51820
        PostUp = sysctl -w net.ipv4.ip_forward=1

        """
    for (i, k) in spokeKeys.enumerated() {
        hub += "\n[Peer]\n# spoke\(i + 1)\nPublicKey = \(k.publicKey.base64)\nAllowedIPs = 10.50.0.\(i + 2)/32\n"
        try write(
            "spoke\(i + 1)", "wg0.conf",
            """
            [Interface]
            PrivateKey = \(k.base64)
            Address = 10.50.0.\(i + 2)/32

            [Peer]
            PublicKey = \(hubKey.publicKey.base64)
            Endpoint = 192.0.2.1:51820
            AllowedIPs = 10.50.0.0/24
            PersistentKeepalive = 25

            """)
    }
    try write("hub", "wg0.conf", hub)
    try write("hub", "host.yaml", "public_addresses: [192.0.2.1]\n")
}
