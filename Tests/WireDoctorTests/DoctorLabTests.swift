import Foundation
import Testing
import WireConfig
import WireLab
import WireTestSupport

@testable import WireDoctor

/// Whether namespace labs can run here (root and every tool); WIRESMITH_REQUIRE_LAB=1 turns a skip into a failure.
enum DoctorLabEnvironment {
    static let unavailable: String? = {
        do { try Lab.preflight(LabOptions()) } catch { return "\(error)" }
        return nil
    }()
    static let shouldRun = unavailable == nil || TestTools.labRequired
}

/// `wiresmith doctor` inside a real lab (examples/two-hub with a PSK between alice and the hub): healthy, then one
/// fault at a time, each undone before the next. Root only; the lab is removed pass or fail.
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorLabTests {
    static let unavailable = DoctorLabEnvironment.unavailable

    /// examples/two-hub copied, with one PSK added on both sides of alice <-> hub wg0.
    static func network(psk: String) throws -> URL {
        let source = TestTools.packageRoot.appendingPathComponent("examples/two-hub")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-lab-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: dir)
        for (file, after) in [("alice/wg0.conf", "PublicKey = wDq9"), ("hub/wg0.conf", "PublicKey = AS40")] {
            let url = dir.appendingPathComponent(file)
            var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            let i = try #require(lines.firstIndex { $0.hasPrefix(after) })
            lines.insert("PresharedKey = \(psk)", at: i + 1)
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// The secrets of every config in `dir`: PrivateKey and PresharedKey values.
    static func secrets(in dir: URL) throws -> [String] {
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "conf" }
        return try files.flatMap { url in
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, ["PrivateKey", "PresharedKey"].contains(parts[0]) else { return nil }
                return parts[1]
            }
        }
    }

    /// Doctor's JSON report on `host`: its exit status and the codes of its findings, sorted.
    static func doctor(_ plan: LabPlan, _ host: String, binary: String) throws -> (Int32, [String]) {
        let r = try Lab.run(plan, node: host, command: [binary, "doctor", "--json"], timeout: 60)
        let json = r.output.drop { $0 != "{" }
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(r.output)")
        let findings = object["findings"] as? [[String: Any]] ?? []
        return (r.status, findings.compactMap { $0["code"] as? String }.sorted())
    }

    /// Waits (up to 60 s) until every peer of `host` has completed a handshake: readiness by observation.
    static func waitForHandshakes(_ plan: LabPlan, _ host: String) throws {
        for _ in 0..<120 {
            let r = try Lab.run(plan, node: host, command: ["wg", "show", "all", "latest-handshakes"])
            let times = r.output.split(separator: "\n").compactMap {
                $0.split(separator: "\t").last.flatMap { Int($0) }
            }
            if r.succeeded && !times.isEmpty && times.allSatisfy({ $0 > 0 }) { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("\(host): handshakes did not complete in 60 s")
    }

    static func sh(_ plan: LabPlan, _ host: String, _ script: String) throws {
        let r = try Lab.run(plan, node: host, command: ["sh", "-c", script])
        #expect(r.succeeded, "\(host): \(script): \(r.output)")
    }

    @Test func healthyThenOneFaultAtATime() throws {
        if let why = Self.unavailable { try #require(Bool(false), "lab required but unavailable: \(why)") }
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let psk = WireKey.generatePreshared().base64
        let dir = try Self.network(psk: psk)
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = "d" + String(format: "%05x", Int.random(in: 0..<0xfffff))
        let options = LabOptions(id: id)
        defer { _ = try? Lab.down(id: id) }
        let plan = try Lab.up(directory: dir.path, options: options)
        try Self.waitForHandshakes(plan, "hub")
        try Self.waitForHandshakes(plan, "alice")
        try Self.waitForHandshakes(plan, "bob")

        // Healthy: no finding anywhere, and no snapshot holds a private key or the PSK.
        let secrets = try Self.secrets(in: dir)
        #expect(secrets.count == 6)
        for host in ["hub", "alice", "bob"] {
            let (status, codes) = try Self.doctor(plan, host, binary: binary)
            #expect(status == 0 && codes == [], "\(host): \(codes)")
            let snap = try Lab.run(plan, node: host, command: [binary, "doctor", "--snapshot"], timeout: 60)
            #expect(snap.succeeded && snap.output.contains("wiresmith-snapshot/1"))
            for s in secrets { #expect(!snap.output.contains(s), "\(host)'s snapshot holds a secret") }
            if host != "bob" { #expect(snap.output.contains("presharedKeyHash")) }
        }

        // UDP to the hub's wg0 port dropped by nftables.
        try Self.sh(
            plan, "hub",
            "nft add table inet wsdoc && nft add chain inet wsdoc in '{ type filter hook input priority 0; }'"
                + " && nft add rule inet wsdoc in udp dport 51820 drop")
        var (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["input-blocked"], "nft: \(codes)")
        try Self.sh(plan, "hub", "nft delete table inet wsdoc")

        // The same by iptables.
        try Self.sh(plan, "hub", "iptables -A INPUT -p udp --dport 51820 -j DROP")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["input-blocked"], "iptables: \(codes)")
        try Self.sh(plan, "hub", "iptables -D INPUT -p udp --dport 51820 -j DROP")

        // ip_forward off on the hub, which relays between wg0 and wg1.
        try Self.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=0")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["forwarding-disabled", "forwarding-disabled"], "ip_forward: \(codes)")
        try Self.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=1")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 0 && codes == [], "restored: \(codes)")

        // A wrong public key for the hub on alice (a fresh key nobody holds): handshakes never complete.
        let wrong = WireKey.generatePrivate().publicKey.base64
        try Self.sh(
            plan, "alice",
            "old=$(wg show wg0 peers) && ep=$(wg show wg0 endpoints | cut -f2) && wg set wg0 peer \(wrong)"
                + " endpoint $ep allowed-ips 10.0.0.0/24,10.1.0.0/24 persistent-keepalive 25"
                + " && wg set wg0 peer $old remove")
        (status, codes) = try Self.doctor(plan, "alice", binary: binary)
        #expect(status == 1 && codes == ["handshake-never"], "wrong key: \(codes)")

        try Lab.down(id: id)
    }
}
