import Foundation
import Testing
import WireLab
import WireProcess
import WireTestSupport

@testable import WireDoctor

/// Relaying checks in a real lab: examples/two-hub with a LAN (`office`, 192.168.10.0/24 on the hub's eth1) whose
/// machine routes back through the hub, and which alice and bob route to the hub. One fault at a time, each undone.
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorRelayLabTests {
    /// examples/two-hub copied, with a LAN behind the hub that both clients reach through it.
    static func network() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-relay-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestTools.packageRoot.appendingPathComponent("examples/two-hub"), to: dir)
        let facts = dir.appendingPathComponent("hub/host.yaml")
        let text = try String(contentsOf: facts, encoding: .utf8)
        try (text + "lans:\n  - { name: office, prefix: 192.168.10.0/24, interface: eth1, address: 192.168.10.1 }\n")
            .write(to: facts, atomically: true, encoding: .utf8)
        for (file, allowed) in [
            ("alice/wg0.conf", "10.0.0.0/24, 10.1.0.0/24"), ("bob/wg0.conf", "10.1.0.0/24, 10.0.0.0/24"),
        ] {
            let url = dir.appendingPathComponent(file)
            try String(contentsOf: url, encoding: .utf8)
                .replacingOccurrences(of: "AllowedIPs = \(allowed)", with: "AllowedIPs = \(allowed), 192.168.10.0/24")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// A LAN machine that answers the hub but has no route back to the tunnels: doctor --probe-to it names
    /// masquerade-missing (once per tunnel interface), or masquerade-wrong-interface when MASQUERADE names the
    /// uplink; MASQUERADE out of the LAN link, or the route back, makes it healthy. At each moment every host's
    /// snapshot (the LAN machine's included), linted together, names what lint names on the configs with the fault
    /// written in (host.yaml `gateway: false`, the MASQUERADE as a PostUp), and trace from alice to the LAN machine
    /// stops at the same place; with no route back, so do the snapshots of the tunnel hosts alone, the hub's taken
    /// with the same probe.
    @Test func aLANBehindTheHubNeedsMasqueradeOrARouteBack() throws {
        let dir = try Self.network()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lab = try DoctorLab.up(dir.path)
        defer { lab.down() }
        let (plan, binary) = (lab.plan, lab.binary)
        func doctor(_ extra: [String]) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(plan, "hub", binary: binary, extra)
        }
        let lan = ["--probe-to", "192.168.10.2"]
        let secrets = try DoctorLabTests.secrets(in: dir)
        let notGateway = ("hub/host.yaml", "address: 192.168.10.1 }", "address: 192.168.10.1, gateway: false }")
        func masquerade(_ link: String) -> (String, String, String) {
            (
                "hub/wg0.conf", "ListenPort = 51820\n",
                "ListenPort = 51820\nPostUp = iptables -t nat -A POSTROUTING -o \(link) -j MASQUERADE\n"
            )
        }
        /// Lint's codes and trace's place (alice to the LAN machine) over every host's snapshot (the LAN machine's
        /// too: its routes show whether it routes back through the hub), and over the configs with `edits` written
        /// in: expected equal.
        func judged(_ edits: [(String, String, String)]) throws -> (
            snapshots: [String], configs: [String], String, String
        ) {
            let snaps = try DoctorLabTests.snapshotDirectory(
                plan, ["alice", "bob", "hub", "hub/office"], binary: binary, secrets: secrets)
            defer { try? FileManager.default.removeItem(at: snaps) }
            return (
                try DoctorLabTests.lintCodes(snaps, binary: binary),
                try DoctorLabTests.lintConfigs(dir, binary: binary, edits),
                try DoctorLabTests.tracePlace(snaps, from: "alice", to: "192.168.10.2", binary: binary),
                try DoctorLabTests.traceConfigPlace(dir, binary: binary, edits, from: "alice", to: "192.168.10.2")
            )
        }

        // Healthy: the LAN machine's default route is the hub.
        var (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "healthy: \(codes)")
        var j = try judged([])
        #expect(j.snapshots == [] && j.configs == [], "healthy, lint: \(j.snapshots); configs: \(j.configs)")
        #expect(j.2 == "delivered" && j.3 == "delivered", "healthy, trace: \(j.2); configs: \(j.3)")

        // The LAN machine loses its route back (as when the hub is not the LAN's router).
        try DoctorLabTests.sh(plan, "hub/office", "ip route del default")
        (status, codes) = try doctor(lan)
        #expect(status == 1 && codes == ["masquerade-missing", "masquerade-missing"], "no route back: \(codes)")
        j = try judged([notGateway])
        #expect(
            j.snapshots == ["masquerade-missing"] && j.configs == j.snapshots,
            "no route back: \(j.snapshots); \(j.configs)")
        #expect(j.2 == j.3 && j.2.hasPrefix("hub gateway"), "no route back, trace: \(j.2); configs: \(j.3)")
        // Without the LAN machine's snapshot, the hub's taken with the probe shows it: the machine answers the hub's
        // LAN address, not its tunnel address.
        let probed = try DoctorLabTests.snapshotDirectory(
            plan, ["alice", "bob", "hub"], binary: binary, secrets: secrets,
            arguments: ["hub": lan + ["--sample", "1"]])
        defer { try? FileManager.default.removeItem(at: probed) }
        #expect(try DoctorLabTests.lintCodes(probed, binary: binary) == ["masquerade-missing"], "the hub's LAN probe")
        #expect(try DoctorLabTests.tracePlace(probed, from: "alice", to: "192.168.10.2", binary: binary) == j.3)

        // MASQUERADE on the uplink, not the LAN link.
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE")
        (status, codes) = try doctor(lan)
        #expect(
            status == 1 && codes == ["masquerade-wrong-interface", "masquerade-wrong-interface"], "uplink: \(codes)")
        j = try judged([notGateway, masquerade("eth0")])
        #expect(
            j.snapshots == ["masquerade-wrong-interface"] && j.configs == j.snapshots,
            "uplink: \(j.snapshots); \(j.configs)")
        #expect(j.2 == j.3 && j.2.hasPrefix("hub gateway"), "uplink, trace: \(j.2); configs: \(j.3)")
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE")

        // MASQUERADE out of the LAN link: healthy although the machine still has no route back.
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE")
        (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "masqueraded: \(codes)")
        j = try judged([notGateway, masquerade("eth1")])
        #expect(j.snapshots == [] && j.configs == [], "masqueraded: \(j.snapshots); \(j.configs)")
        #expect(j.2 == "delivered" && j.3 == "delivered", "masqueraded, trace: \(j.2); configs: \(j.3)")
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -D POSTROUTING -o eth1 -j MASQUERADE")

        // The route back restored: healthy again.
        try DoctorLabTests.sh(plan, "hub/office", "ip route add default via 192.168.10.1")
        (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "restored: \(codes)")

        try Lab.down(id: plan.id)
    }

    /// Forwarding kept at boot, and DNS = without resolvconf, read from wg-quick configs (`--config-dir`, a copy of
    /// the lab's): the configs as written are healthy; without the hub's PostUp, forwarding is on only at runtime;
    /// alice's config with DNS = and no resolvconf in the search path cannot come up again.
    @Test func forwardingKeptAtBootAndDNSWithoutResolvconf() throws {
        if let why = DoctorLabEnvironment.unavailable {
            try #require(Bool(false), "lab required but unavailable: \(why)")
        }
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let source = TestTools.packageRoot.appendingPathComponent("examples/two-hub")
        let configs = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-cfg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: configs) }
        for host in ["hub", "alice"] {
            try FileManager.default.createDirectory(
                at: configs.appendingPathComponent(host), withIntermediateDirectories: true)
            for file in try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent(host).path)
            where file.hasSuffix(".conf") {
                try FileManager.default.copyItem(
                    at: source.appendingPathComponent("\(host)/\(file)"),
                    to: configs.appendingPathComponent("\(host)/\(file)"))
            }
        }
        let id = "d" + String(format: "%05x", Int.random(in: 0..<0xfffff))
        defer { _ = try? Lab.down(id: id) }
        let plan = try Lab.up(directory: source.path, options: LabOptions(id: id))
        for host in ["hub", "alice", "bob"] { try DoctorLabTests.waitForHandshakes(plan, host) }
        func doctor(_ host: String, _ extra: [String] = []) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(
                plan, host, binary: binary, ["--config-dir", configs.appendingPathComponent(host).path] + extra)
        }
        // What this machine's own files already say (the lab shares /etc with it).
        var machine = ""
        for file in BootFacts.sysctlFiles() { machine += (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        let machineKeepsForwarding =
            BootFacts.settings(file: "", text: machine).last {
                $0.key == "net.ipv4.ip_forward"
            }?.value == "1"
        let standardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let machineHasResolvconf = Command.which("resolvconf", searchPath: standardPath) != nil

        var (status, codes) = try doctor("hub")
        #expect(status == 0 && codes == [], "hub as written: \(codes)")
        (status, codes) = try doctor("alice")
        #expect(status == 0 && codes == [], "alice as written: \(codes)")

        // The hub's configs without their PostUp: forwarding is on (the lab's wg-quick ran it) but not kept.
        for file in ["wg0.conf", "wg1.conf"] {
            let url = configs.appendingPathComponent("hub/\(file)")
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("PostUp") }
                .joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        (status, codes) = try doctor("hub")
        if machineKeepsForwarding {
            #expect(status == 0 && codes == [], "this machine's sysctl files keep forwarding: \(codes)")
        } else {
            #expect(
                status == 1 && codes == ["forwarding-not-persistent", "forwarding-not-persistent"], "runtime: \(codes)")
        }

        // alice's config with DNS =, doctor run with the standard search path (the lab's own PATH has a stand-in).
        let alice = configs.appendingPathComponent("alice/wg0.conf")
        let text = try String(contentsOf: alice, encoding: .utf8)
        try text.replacingOccurrences(of: "[Interface]\n", with: "[Interface]\nDNS = 10.0.0.1\n")
            .write(to: alice, atomically: true, encoding: .utf8)
        let r = try Lab.run(
            plan, node: "alice",
            command: [
                "env", "PATH=\(standardPath)", binary, "doctor", "--json", "--config-dir",
                alice
                    .deletingLastPathComponent().path,
            ], timeout: 120)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.output.drop { $0 != "{" }.utf8)) as? [String: Any])
        codes = (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        if machineHasResolvconf {
            #expect(r.status == 0 && codes == [], "resolvconf installed here: \(codes)")
        } else {
            #expect(r.status == 1 && codes == ["dns-without-resolvconf"], "DNS: \(codes)")
        }
        // With the lab's stand-in resolvconf in PATH: fine.
        (status, codes) = try doctor("alice")
        #expect(status == 0 && codes == [], "alice with resolvconf: \(codes)")

        try Lab.down(id: plan.id)
    }

    /// Strict rp_filter on the relay, where it bites: the hub routes alice's subnet only for traffic marked as coming
    /// from wg1 (policy routing by fwmark), so the reverse-path lookup for alice's packets, made without the mark,
    /// finds the uplink. Loose rp_filter (2) with the same routing is healthy (and both directions ping); strict (1)
    /// is exactly rp-filter (and both directions fail); --fix loosens it and both directions ping again.
    ///
    /// At the healthy start and at the strict moment, every host's snapshot linted together names what lint names
    /// on the configs with the fault written in (the hub's wg0 routes moved out of main: `Table = 1234`, Address
    /// /32; `rp_filter=1` in a PostUp), and trace from alice to bob stops at the same place; in the snapshots the
    /// missing route is read from the hub's routing table, not assumed from AllowedIPs.
    @Test func strictRpFilterOnTheRelayWithPolicyRouting() throws {
        let lab = try DoctorLab.up()
        defer { lab.down() }
        let (plan, binary) = (lab.plan, lab.binary)
        let network = TestTools.packageRoot.appendingPathComponent("examples/two-hub")
        let secrets = try DoctorLabTests.secrets(in: network)
        let hosts = ["alice", "bob", "hub"]
        #expect(try DoctorLabTests.lintSnapshots(plan, hosts, binary: binary, secrets: secrets) == [], "healthy")
        // First, bob's subnet without its route into wg1 (as `Table = off` leaves it): trace from the snapshots stops
        // at the hub's route lookup, read from its table, where trace from the configs stops at `Table = off`.
        try DoctorLabTests.sh(plan, "hub", "ip route del 10.1.0.0/24 dev wg1")
        let (noRouteStatus, noRoute) = try DoctorLabTests.doctor(plan, "hub", binary: binary)
        #expect(noRouteStatus == 1 && noRoute == ["allowedip-not-routed"], "no route: \(noRoute)")
        let tableOff = ("hub/wg1.conf", "Address = 10.1.0.1/24\n", "Address = 10.1.0.1/32\nTable = off\n")
        let unrouted = try DoctorLabTests.traceSnapshotPlace(
            plan, hosts, from: "alice", to: "bob", binary: binary, secrets: secrets)
        let unroutedConfigs = try DoctorLabTests.traceConfigPlace(
            network, binary: binary, [tableOff], from: "alice", to: "bob")
        #expect(unrouted == "hub route route (forward)" && unroutedConfigs == "hub route Table (forward)")
        try DoctorLabTests.sh(plan, "hub", "ip route add 10.1.0.0/24 dev wg1")
        let moved = (
            "hub/wg0.conf", "Address = 10.0.0.1/24\nListenPort = 51820\n",
            "Address = 10.0.0.1/32\nTable = 1234\nListenPort = 51820\n"
        )
        let strict = (
            "hub/wg0.conf", "PostUp = sysctl -w net.ipv4.ip_forward=1\n",
            "PostUp = sysctl -w net.ipv4.ip_forward=1\nPostUp = sysctl -w net.ipv4.conf.all.rp_filter=1\n"
        )
        try DoctorLabTests.sh(
            plan, "hub",
            "ip route del 10.0.0.0/24 dev wg0 && ip route add 10.0.0.0/24 dev wg0 table 1234"
                + " && ip rule add fwmark 1 lookup 1234 && iptables -t mangle -A PREROUTING -i wg1 -j MARK --set-mark 1"
                + " && sysctl -qw net.ipv4.conf.all.rp_filter=2")
        var (status, codes) = try DoctorLabTests.doctor(plan, "hub", binary: binary)
        #expect(status == 0 && codes == [], "loose: \(codes)")
        try DoctorLabTests.sh(plan, "alice", "ping -c 3 -W 5 10.1.0.2 >/dev/null")

        try DoctorLabTests.sh(plan, "hub", "sysctl -qw net.ipv4.conf.all.rp_filter=1")
        (status, codes) = try DoctorLabTests.doctor(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["rp-filter"], "strict: \(codes)")
        #expect(try DoctorLabTests.lintConfigs(network, binary: binary, [moved, strict]) == ["rp-filter"], "configs")
        #expect(try DoctorLabTests.lintSnapshots(plan, hosts, binary: binary, secrets: secrets) == ["rp-filter"])
        let traced = try DoctorLabTests.traceSnapshotPlace(
            plan, hosts, from: "alice", to: "bob", binary: binary, secrets: secrets)
        let expected = try DoctorLabTests.traceConfigPlace(
            network, binary: binary, [moved, strict], from: "alice", to: "bob")
        #expect(traced == expected && traced.hasPrefix("hub rp-filter"), "trace: \(traced); configs: \(expected)")

        let (fixed, left, undos) = try DoctorFixLabTests.fix(plan, "hub", binary: binary)
        #expect(fixed == 0 && left == [] && undos == ["sysctl -w net.ipv4.conf.all.rp_filter=1"], "fix: \(left)")
        try DoctorLabTests.sh(plan, "alice", "ping -c 3 -W 5 10.1.0.2 >/dev/null")
        try DoctorLabTests.sh(plan, "bob", "ping -c 3 -W 5 10.0.0.2 >/dev/null")

        try Lab.down(id: plan.id)
    }
}
