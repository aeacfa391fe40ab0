import Foundation
import Testing
import WireLab
import WireTestSupport

@testable import WireDoctor

/// Relaying checks in a real lab: examples/two-hub with a LAN (`office`, 192.168.10.0/24 on the hub's eth1) whose
/// machine routes back through the hub. One fault at a time, each undone.
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorRelayLabTests {
    /// examples/two-hub copied, with a LAN behind the hub.
    static func network() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-relay-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestTools.packageRoot.appendingPathComponent("examples/two-hub"), to: dir)
        let facts = dir.appendingPathComponent("hub/host.yaml")
        let text = try String(contentsOf: facts, encoding: .utf8)
        try (text + "lans:\n  - { name: office, prefix: 192.168.10.0/24, interface: eth1, address: 192.168.10.1 }\n")
            .write(to: facts, atomically: true, encoding: .utf8)
        return dir
    }

    /// A LAN machine that answers the hub but has no route back to the tunnels: doctor --probe-to it names
    /// masquerade-missing (once per tunnel interface), or masquerade-wrong-interface when MASQUERADE names the
    /// uplink; MASQUERADE out of the LAN link, or the route back, makes it healthy.
    @Test func aLANBehindTheHubNeedsMasqueradeOrARouteBack() throws {
        if let why = DoctorLabEnvironment.unavailable {
            try #require(Bool(false), "lab required but unavailable: \(why)")
        }
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let dir = try Self.network()
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = "d" + String(format: "%05x", Int.random(in: 0..<0xfffff))
        defer { _ = try? Lab.down(id: id) }
        let plan = try Lab.up(directory: dir.path, options: LabOptions(id: id))
        for host in ["hub", "alice", "bob"] { try DoctorLabTests.waitForHandshakes(plan, host) }
        func doctor(_ extra: [String]) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(plan, "hub", binary: binary, extra)
        }
        let lan = ["--probe-to", "192.168.10.2"]

        // Healthy: the LAN machine's default route is the hub.
        var (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "healthy: \(codes)")

        // The LAN machine loses its route back (as when the hub is not the LAN's router).
        try DoctorLabTests.sh(plan, "hub/office", "ip route del default")
        (status, codes) = try doctor(lan)
        #expect(status == 1 && codes == ["masquerade-missing", "masquerade-missing"], "no route back: \(codes)")

        // MASQUERADE on the uplink, not the LAN link.
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE")
        (status, codes) = try doctor(lan)
        #expect(
            status == 1 && codes == ["masquerade-wrong-interface", "masquerade-wrong-interface"], "uplink: \(codes)")
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE")

        // MASQUERADE out of the LAN link: healthy although the machine still has no route back.
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE")
        (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "masqueraded: \(codes)")
        try DoctorLabTests.sh(plan, "hub", "iptables -t nat -D POSTROUTING -o eth1 -j MASQUERADE")

        // The route back restored: healthy again.
        try DoctorLabTests.sh(plan, "hub/office", "ip route add default via 192.168.10.1")
        (status, codes) = try doctor(lan)
        #expect(status == 0 && codes == [], "restored: \(codes)")

        try Lab.down(id: id)
    }
}
