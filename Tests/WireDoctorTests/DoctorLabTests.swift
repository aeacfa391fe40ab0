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

    /// Doctor's JSON report on `host` (with `extra` arguments): its exit status and the codes of its findings, sorted.
    static func doctor(_ plan: LabPlan, _ host: String, binary: String, _ extra: [String] = []) throws -> (
        Int32, [String]
    ) {
        let r = try Lab.run(plan, node: host, command: [binary, "doctor", "--json"] + extra, timeout: 120)
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

    /// Every host's `doctor --snapshot` written to a fresh directory, then `doctor --compare` over it: the codes of
    /// the warnings and errors (a host left out gives info `unknown-peer` findings).
    static func compare(_ plan: LabPlan, _ hosts: [String], binary: String) throws -> (Int32, [String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-snaps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for host in hosts {
            let r = try Lab.run(plan, node: host, command: [binary, "doctor", "--snapshot"], timeout: 60)
            try r.output.write(to: dir.appendingPathComponent("\(host).json"), atomically: true, encoding: .utf8)
        }
        let r = try TestTools.run([binary, "doctor", "--json", "--compare", dir.path])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdoutText.utf8)) as? [String: Any], "\(r.stdoutText)")
        let findings = (object["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String != "info" }
        return (
            r.status, findings.compactMap { f in (f["code"] as? String).map { "\(f["interface"]!) \($0)" } }.sorted()
        )
    }

    /// Every host's `doctor --snapshot` (plus `arguments[host]`) written to a fresh directory as HOST.json (a LAN
    /// machine's node `HOST/LAN` as LAN.json; with
    /// `configs`: those hosts' folders copied from `network` too, a mixed directory), each grepped for every secret
    /// of the lab; the caller removes the directory.
    static func snapshotDirectory(
        _ plan: LabPlan, _ hosts: [String], binary: String, secrets: [String], configs: [String] = [],
        network: URL? = nil, arguments: [String: [String]] = [:]
    ) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for host in hosts {
            // stdout alone: a probe or sample prints its progress on stderr.
            let r = try TestTools.run(
                try Lab.entering(plan, node: host) + [binary, "doctor", "--snapshot"] + (arguments[host] ?? []),
                timeout: .seconds(60))
            #expect(r.status == 0, "\(host): doctor --snapshot: \(r.stderrText)")
            for s in secrets {
                #expect(!r.stdoutText.contains(s) && !r.stderrText.contains(s), "\(host)'s snapshot holds a secret")
            }
            // A LAN machine's node (`hub/office`) is the host `office`.
            let name = host.split(separator: "/").last.map(String.init) ?? host
            try r.stdoutText.write(to: dir.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
        }
        for host in configs {
            let source = try #require(network).appendingPathComponent(host)
            try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(host))
        }
        return dir
    }

    /// `wiresmith lint --json` over `snapshotDirectory`: the codes of the warnings and errors, sorted.
    static func lintSnapshots(
        _ plan: LabPlan, _ hosts: [String], binary: String, secrets: [String], configs: [String] = [],
        network: URL? = nil, arguments: [String: [String]] = [:]
    ) throws -> [String] {
        let dir = try snapshotDirectory(
            plan, hosts, binary: binary, secrets: secrets, configs: configs, network: network, arguments: arguments)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try lintCodes(dir, binary: binary)
    }

    /// `wiresmith trace --json` over every host's snapshot: delivered, or the setting that drops the packet and
    /// where (`FILE: JSON-PATH`).
    static func traceSnapshots(
        _ plan: LabPlan, _ hosts: [String], from: String, to: String, binary: String, secrets: [String]
    ) throws -> String {
        let dir = try snapshotDirectory(plan, hosts, binary: binary, secrets: secrets)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TestTools.run([binary, "trace", "--json", dir.path, from, to])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdoutText.utf8)) as? [String: Any], "\(r.stdoutText)")
        let verdict = try #require(object["verdict"] as? [String: Any])
        if verdict["delivered"] as? Bool == true { return "delivered" }
        let location = verdict["location"] as? [String: Any]
        let file = (location?["file"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } ?? "?"
        return "\(verdict["setting"] ?? "?") at \(file): \(location?["path"] ?? "?")"
    }

    /// `wiresmith trace --json DIR FROM TO`: `delivered`, or where the packet is dropped as `HOST CHECK SETTING
    /// (DIRECTION)`: the same for configs and snapshots of one fault (only the file and path differ).
    static func tracePlace(_ dir: URL, from: String, to: String, binary: String) throws -> String {
        let r = try TestTools.run([binary, "trace", "--json", dir.path, from, to])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdoutText.utf8)) as? [String: Any], "\(r.stdoutText)")
        let v = try #require(object["verdict"] as? [String: Any])
        if v["delivered"] as? Bool == true { return "delivered" }
        return "\(v["host"] ?? "?") \(v["check"] ?? "?") \(v["setting"] ?? "-") (\(v["direction"] ?? "?"))"
    }

    /// `tracePlace` over every host's snapshot (plus `arguments[host]`).
    static func traceSnapshotPlace(
        _ plan: LabPlan, _ hosts: [String], from: String, to: String, binary: String, secrets: [String],
        arguments: [String: [String]] = [:]
    ) throws -> String {
        let dir = try snapshotDirectory(plan, hosts, binary: binary, secrets: secrets, arguments: arguments)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try tracePlace(dir, from: from, to: to, binary: binary)
    }

    /// `tracePlace` over a copy of `network` with `edits` written in (as `lintConfigs`).
    static func traceConfigPlace(
        _ network: URL, binary: String, _ edits: [(String, String, String)], from: String, to: String
    ) throws -> String {
        let dir = try edited(network, edits)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try tracePlace(dir, from: from, to: to, binary: binary)
    }

    /// A copy of `network` with each edit (file, old text, new text) written in; the caller removes it.
    static func edited(_ network: URL, _ edits: [(String, String, String)]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-conf-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: network, to: dir)
        for (file, old, new) in edits {
            let url = dir.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "\(file) has no \(old)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// `wiresmith lint --json DIR`: the codes of its warnings and errors, sorted.
    static func lintCodes(_ dir: URL, binary: String) throws -> [String] {
        let r = try TestTools.run([binary, "lint", "--json", dir.path])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdoutText.utf8)) as? [String: Any], "\(r.stdoutText)")
        let findings = (object["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String != "info" }
        return findings.compactMap { $0["code"] as? String }.sorted()
    }

    /// `wiresmith lint` over a copy of `network` with one fault written into its files by `edit` (file, old text,
    /// new text): the codes of its warnings and errors, sorted.
    static func lintConfigs(_ network: URL, binary: String, _ edits: [(String, String, String)]) throws -> [String] {
        let dir = try edited(network, edits)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try lintCodes(dir, binary: binary)
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
        // The same network judged by lint from its configs, from every host's snapshot, and from a mix of both
        // (alice and bob as configs, the hub as its snapshot; alice's PSK compared as the snapshot's keyed hash).
        let all = ["alice", "bob", "hub"]
        let extra = WireKey.generatePreshared().base64
        let secretsAll = secrets + [extra]
        func snapshots(_ hosts: [String] = all, configs: [String] = []) throws -> [String] {
            try Self.lintSnapshots(
                plan, hosts, binary: binary, secrets: secretsAll, configs: configs, network: dir)
        }
        func configs(_ edits: [(String, String, String)]) throws -> [String] {
            try Self.lintConfigs(dir, binary: binary, edits)
        }
        #expect(try configs([]) == [], "lint of the configs")
        #expect(try snapshots() == [], "lint of the snapshots")
        #expect(try snapshots(["hub"], configs: ["alice", "bob"]) == [], "lint of hub.json + alice, bob configs")
        func trace(_ from: String, _ to: String) throws -> String {
            try Self.traceSnapshots(plan, all, from: from, to: to, binary: binary, secrets: secretsAll)
        }
        #expect(try trace("alice", "bob") == "delivered")

        // UDP to the hub's wg0 port dropped by nftables.
        try Self.sh(
            plan, "hub",
            "nft add table inet wsdoc && nft add chain inet wsdoc in '{ type filter hook input priority 0; }'"
                + " && nft add rule inet wsdoc in udp dport 51820 drop")
        var (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["input-blocked"], "nft: \(codes)")
        #expect(try snapshots() == ["input-blocked"], "nft, snapshots")
        try Self.sh(plan, "hub", "nft delete table inet wsdoc")

        // The same by iptables.
        try Self.sh(plan, "hub", "iptables -A INPUT -p udp --dport 51820 -j DROP")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["input-blocked"], "iptables: \(codes)")
        #expect(try snapshots() == ["input-blocked"], "iptables, snapshots")
        let udpDrop = (
            "hub/wg0.conf", "ListenPort = 51820\n",
            "ListenPort = 51820\nPostUp = iptables -A INPUT -p udp --dport 51820 -j DROP\n"
        )
        #expect(try configs([udpDrop]) == ["input-blocked"], "iptables, configs")
        try Self.sh(plan, "hub", "iptables -D INPUT -p udp --dport 51820 -j DROP")

        // ip_forward off on the hub, which relays between wg0 and wg1.
        try Self.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=0")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["forwarding-disabled", "forwarding-disabled"], "ip_forward: \(codes)")
        #expect(try snapshots() == ["forwarding-disabled"], "ip_forward, snapshots")
        #expect(try snapshots(["hub"], configs: ["alice", "bob"]) == ["forwarding-disabled"], "ip_forward, mixed")
        #expect(try trace("bob", "alice") == "net.ipv4.ip_forward at hub.json: sysctl[\"net.ipv4.ip_forward\"]")
        let noForwarding = ("hub/wg0.conf", "PostUp = sysctl -w net.ipv4.ip_forward=1\n", "")
        #expect(try configs([noForwarding]) == ["forwarding-disabled"], "ip_forward, configs")
        try Self.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=1")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 0 && codes == [], "restored: \(codes)")

        // A FORWARD rule on the hub dropping only bob -> alice (the replies to alice's traffic).
        try Self.sh(plan, "hub", "iptables -A FORWARD -i wg1 -o wg0 -j DROP")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["forward-blocked"], "FORWARD: \(codes)")
        #expect(try snapshots() == ["forward-blocked"], "FORWARD, snapshots")
        // alice -> bob reaches bob; the reply is dropped by the rule, named in the hub's snapshot.
        let replyTrace = try trace("alice", "bob")
        #expect(replyTrace.hasSuffix("hub.json: iptables \"-A FORWARD -i wg1 -o wg0 -j DROP\""), "\(replyTrace)")
        let replyDrop = (
            "hub/wg1.conf", "ListenPort = 51821\n",
            "ListenPort = 51821\nPostUp = iptables -A FORWARD -i wg1 -o wg0 -j DROP\n"
        )
        #expect(try configs([replyDrop]) == ["forward-blocked"], "FORWARD, configs")
        try Self.sh(plan, "hub", "iptables -D FORWARD -i wg1 -o wg0 -j DROP")

        // Snapshots of all three, compared: they agree. Then a PSK on bob's side only.
        var cmp = try Self.compare(plan, ["alice", "bob", "hub"], binary: binary)
        #expect(cmp.0 == 0 && cmp.1 == [], "compare healthy: \(cmp.1)")
        // bob no longer accepts alice's addresses from the hub: the relayed traffic is dropped at bob.
        try Self.sh(plan, "bob", "wg set wg0 peer $(wg show wg0 peers) allowed-ips 10.1.0.0/24")
        cmp = try Self.compare(plan, ["alice", "bob", "hub"], binary: binary)
        #expect(cmp.1 == ["bob/wg0 asymmetric-allowedips"], "compare asymmetric: \(cmp.1)")
        #expect(try snapshots() == ["asymmetric-allowedips"], "asymmetric, snapshots")
        #expect(try snapshots(["bob"], configs: ["alice", "hub"]) == ["asymmetric-allowedips"], "asymmetric, mixed")
        let narrow = ("bob/wg0.conf", "AllowedIPs = 10.1.0.0/24, 10.0.0.0/24", "AllowedIPs = 10.1.0.0/24")
        #expect(try configs([narrow]) == ["asymmetric-allowedips"], "asymmetric, configs")
        try Self.sh(plan, "bob", "wg set wg0 peer $(wg show wg0 peers) allowed-ips 10.1.0.0/24,10.0.0.0/24")

        let pskFile = "/tmp/doctor-psk-\(id)"
        try Self.sh(
            plan, "bob",
            "umask 077 && echo \(extra) > \(pskFile) && wg set wg0 peer $(wg show wg0 peers) preshared-key \(pskFile);"
                + " rm -f \(pskFile)")
        cmp = try Self.compare(plan, ["bob", "hub"], binary: binary)
        #expect(cmp.0 == 1 && cmp.1 == ["bob/wg0 psk-mismatch"], "compare psk: \(cmp.1)")
        #expect(try snapshots() == ["psk-mismatch"], "psk, snapshots")
        let oneSided = ("bob/wg0.conf", "AllowedIPs = 10.1.0.0/24", "PresharedKey = \(extra)\nAllowedIPs = 10.1.0.0/24")
        #expect(try configs([oneSided]) == ["psk-mismatch"], "psk, configs")
        // From bob alone, once a new handshake is needed (his peer for the hub re-added with the PSK, its session
        // gone): the hub accepts his initiations and answers, and bob's WireGuard rejects every answer.
        try Self.sh(
            plan, "bob",
            "umask 077 && echo \(extra) > \(pskFile) && hub=$(wg show wg0 peers)"
                + " && ep=$(wg show wg0 endpoints | cut -f2) && wg set wg0 peer $hub remove"
                + " && wg set wg0 peer $hub preshared-key \(pskFile) endpoint $ep"
                + " allowed-ips 10.1.0.0/24,10.0.0.0/24 persistent-keepalive 25; rm -f \(pskFile)")
        (status, codes) = try Self.doctor(plan, "bob", binary: binary, ["--capture", "--sample", "7"])
        #expect(status == 1 && codes == ["psk-mismatch"], "psk, bob captured: \(codes)")
        // Re-added without it: keepalive on starts a handshake at once, instead of at the next retry.
        try Self.sh(
            plan, "bob",
            "hub=$(wg show wg0 peers) && ep=$(wg show wg0 endpoints | cut -f2) && wg set wg0 peer $hub remove"
                + " && wg set wg0 peer $hub endpoint $ep allowed-ips 10.1.0.0/24,10.0.0.0/24 persistent-keepalive 25")
        try Self.waitForHandshakes(plan, "bob")

        // alice's Endpoint for the hub on a port the hub does not listen on: only the comparison can tell.
        try Self.sh(
            plan, "alice",
            "set -- $(wg show wg0 endpoints) && wg set wg0 peer $1 endpoint ${2%:*}:51822"
                + " && echo ${2%:*} > /tmp/doctor-ep-\(id)")
        cmp = try Self.compare(plan, ["alice", "hub"], binary: binary)
        #expect(cmp.1 == ["alice/wg0 endpoint-port-mismatch"], "compare port: \(cmp.1)")
        #expect(try snapshots() == ["endpoint-port-mismatch"], "port, snapshots")
        #expect(try snapshots(["alice"], configs: ["bob", "hub"]) == ["endpoint-port-mismatch"], "port, mixed")
        let wrongPort = ("alice/wg0.conf", "Endpoint = 192.0.2.1:51820", "Endpoint = 192.0.2.1:51822")
        #expect(try configs([wrongPort]) == ["endpoint-port-mismatch"], "port, configs")
        // From alice alone, with a capture while she pings through the tunnel: the hub's kernel answers that nothing
        // listens on 51822 (ICMP port unreachable).
        try Self.sh(plan, "alice", "ping -c 12 -i 0.25 -W 1 10.0.0.1 >/dev/null 2>&1 &")
        (status, codes) = try Self.doctor(plan, "alice", binary: binary, ["--capture", "--sample", "2"])
        #expect(status == 1 && codes == ["endpoint-port-mismatch"], "port, alice captured: \(codes)")
        try Self.sh(
            plan, "alice",
            "set -- $(wg show wg0 endpoints) && wg set wg0 peer $1 endpoint $(cat /tmp/doctor-ep-\(id)):51820"
                + "; rm -f /tmp/doctor-ep-\(id)")

        // A wrong public key for the hub on alice (a fresh key nobody holds): handshakes never complete.
        let wrong = WireKey.generatePrivate().publicKey.base64
        try Self.sh(
            plan, "alice",
            "old=$(wg show wg0 peers) && ep=$(wg show wg0 endpoints | cut -f2) && wg set wg0 peer \(wrong)"
                + " endpoint $ep allowed-ips 10.0.0.0/24,10.1.0.0/24 persistent-keepalive 25"
                + " && wg set wg0 peer $old remove")
        (status, codes) = try Self.doctor(plan, "alice", binary: binary)
        #expect(status == 1 && codes == ["handshake-never"], "wrong key: \(codes)")
        // With a capture the hub can tell: alice's initiations arrive (she retries every 5 s while she has something
        // to send), their mac1 is not made with wg0's key, and WireGuard answers none. alice's own capture sees
        // only her initiations leave, which keys or the path explain alike.
        try Self.sh(plan, "alice", "ping -c 40 -i 0.25 -W 1 10.0.0.1 >/dev/null 2>&1 &")
        (status, codes) = try Self.doctor(plan, "hub", binary: binary, ["--capture", "--sample", "7"])
        #expect(status == 1 && codes == ["key-mismatch"], "wrong key, hub captured: \(codes)")
        (status, codes) = try Self.doctor(plan, "alice", binary: binary, ["--capture"])
        #expect(status == 1 && codes == ["handshake-never"], "wrong key, alice captured: \(codes)")
        cmp = try Self.compare(plan, ["alice", "hub"], binary: binary)
        #expect(cmp.1 == ["alice/wg0 key-mismatch"], "compare key: \(cmp.1)")
        #expect(try snapshots() == ["key-mismatch"], "key, snapshots")
        let wrongKey = (
            "alice/wg0.conf", "PublicKey = wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk=", "PublicKey = \(wrong)"
        )
        #expect(try configs([wrongKey]) == ["key-mismatch"], "key, configs")
        try Self.sh(
            plan, "alice",
            "umask 077 && echo \(psk) > \(pskFile) && ep=$(wg show wg0 endpoints | cut -f2)"
                + " && wg set wg0 peer \(wrong) remove && wg set wg0 peer wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk="
                + " preshared-key \(pskFile) endpoint $ep allowed-ips 10.0.0.0/24,10.1.0.0/24 persistent-keepalive 25;"
                + " rm -f \(pskFile)")
        try Self.waitForHandshakes(plan, "alice")

        // The other half of swapped keys: the hub's [Peer] for alice holds a key nobody has (and, as for a client,
        // no Endpoint). alice's initiations are made for the hub's key; opened with wg0's private key they carry her
        // own key, which no peer of wg0 has. (alice's peer for the hub is re-added so she starts at once.)
        let stranger = WireKey.generatePrivate().publicKey.base64
        let alicePeer = "AS40mhftfg7QSPLoZessWjmDf+QiW3zT5nmLlbbgfAk="
        let readdHub =
            "umask 077 && echo \(psk) > \(pskFile) && ep=$(wg show wg0 endpoints | cut -f2)"
            + " && wg set wg0 peer wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk= remove"
            + " && wg set wg0 peer wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk= preshared-key \(pskFile) endpoint $ep"
            + " allowed-ips 10.0.0.0/24,10.1.0.0/24 persistent-keepalive 25; rm -f \(pskFile)"
        try Self.sh(
            plan, "hub", "wg set wg0 peer \(alicePeer) remove && wg set wg0 peer \(stranger) allowed-ips 10.0.0.2/32")
        try Self.sh(plan, "alice", readdHub)
        (status, codes) = try Self.doctor(plan, "hub", binary: binary, ["--capture", "--sample", "7"])
        #expect(status == 1 && codes == ["key-mismatch"], "hub's key for alice wrong, hub captured: \(codes)")
        try Self.sh(
            plan, "hub",
            "umask 077 && echo \(psk) > \(pskFile) && wg set wg0 peer \(stranger) remove && wg set wg0 peer"
                + " \(alicePeer) preshared-key \(pskFile) allowed-ips 10.0.0.2/32; rm -f \(pskFile)")
        try Self.sh(plan, "alice", readdHub)
        try Self.waitForHandshakes(plan, "alice")

        // bob's interface down.
        try Self.sh(plan, "bob", "ip link set dev wg0 down")
        (status, codes) = try Self.doctor(plan, "bob", binary: binary)
        #expect(status == 1 && codes == ["interface-down"], "link down: \(codes)")
        #expect(try snapshots() == ["interface-down"], "link down, snapshots")
        // In configs an interface stays down when wg-quick fails, here on an Endpoint name nothing resolves.
        let unresolvable = ("bob/wg0.conf", "Endpoint = 192.0.2.1:51821", "Endpoint = nowhere.invalid:51821")
        #expect(try configs([unresolvable]) == ["interface-down"], "interface down, configs")

        try Lab.down(id: id)
    }

    /// examples/nat-client-no-keepalive right after up: the gateway cannot reach the laptop until it sends, and says
    /// why (keepalive-missing); the laptop, which has sent nothing yet, has no problem.
    @Test func aNATClientWithoutKeepaliveIsNamedOnTheGateway() throws {
        if let why = Self.unavailable { try #require(Bool(false), "lab required but unavailable: \(why)") }
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let id = "d" + String(format: "%05x", Int.random(in: 0..<0xfffff))
        defer { _ = try? Lab.down(id: id) }
        let plan = try Lab.up(
            directory: TestTools.packageRoot.appendingPathComponent("examples/nat-client-no-keepalive").path,
            options: LabOptions(id: id))
        let (status, codes) = try Self.doctor(plan, "gw", binary: binary)
        #expect(status == 1 && codes == ["keepalive-missing"], "gw: \(codes)")
        let laptop = try Self.doctor(plan, "laptop", binary: binary)
        #expect(laptop.0 == 0, "laptop: \(laptop.1)")
        // Both hosts' snapshots, linted together, name it as lint names it from the configs.
        let network = TestTools.packageRoot.appendingPathComponent("examples/nat-client-no-keepalive")
        let secrets = try Self.secrets(in: network)
        #expect(
            try Self.lintSnapshots(plan, ["gw", "laptop"], binary: binary, secrets: secrets) == ["keepalive-missing"])
        #expect(try Self.lintCodes(network, binary: binary) == ["keepalive-missing"])

        // Once the laptop has sent, the gateway shows the endpoint it learned: only its wg-quick config tells that
        // none is configured. With it (--config-dir, the lab's copy), the snapshots still name the fault.
        try Self.sh(plan, "laptop", "ping -c 1 -W 5 10.20.0.1 >/dev/null")
        let learned = try Lab.run(plan, node: "gw", command: ["wg", "show", "wg0", "endpoints"])
        #expect(learned.output.contains(":"), "gw learned no endpoint: \(learned.output)")
        let gwConfigs = try #require(plan.hosts.first { $0.name == "gw" }?.interfaces.first?.labFile)
        let configDir = URL(fileURLWithPath: gwConfigs).deletingLastPathComponent().path
        #expect(
            try Self.lintSnapshots(
                plan, ["gw", "laptop"], binary: binary, secrets: secrets,
                arguments: ["gw": ["--config-dir", configDir]]
            ) == ["keepalive-missing"], "after the laptop sent, with the gateway's config")
        try Lab.down(id: id)
    }
}
