import Foundation
import Testing
import WireLab
import WireTestSupport

@testable import WireDoctor

/// IPv6 forwarding on a relay, in a real lab: examples/two-hub made dual-stack (fd00:a::/64 on wg0, fd00:b::/64 on
/// wg1, the hub's PostUp turning IPv6 forwarding on too).
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorIPv6LabTests {
    /// examples/two-hub copied, each tunnel given an IPv6 prefix as well.
    static func network() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-v6-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestTools.packageRoot.appendingPathComponent("examples/two-hub"), to: dir)
        let edits: [(String, [(String, String)])] = [
            (
                "alice/wg0.conf",
                [
                    ("Address = 10.0.0.2/32", "Address = 10.0.0.2/32, fd00:a::2/128"),
                    (
                        "AllowedIPs = 10.0.0.0/24, 10.1.0.0/24",
                        "AllowedIPs = 10.0.0.0/24, 10.1.0.0/24, fd00:a::/64, fd00:b::/64"
                    ),
                ]
            ),
            (
                "bob/wg0.conf",
                [
                    ("Address = 10.1.0.2/32", "Address = 10.1.0.2/32, fd00:b::2/128"),
                    (
                        "AllowedIPs = 10.1.0.0/24, 10.0.0.0/24",
                        "AllowedIPs = 10.1.0.0/24, 10.0.0.0/24, fd00:b::/64, fd00:a::/64"
                    ),
                ]
            ),
            (
                "hub/wg0.conf",
                [
                    ("Address = 10.0.0.1/24", "Address = 10.0.0.1/24, fd00:a::1/64"),
                    ("AllowedIPs = 10.0.0.2/32", "AllowedIPs = 10.0.0.2/32, fd00:a::2/128"),
                    (
                        "PostUp = sysctl -w net.ipv4.ip_forward=1",
                        "PostUp = sysctl -w net.ipv4.ip_forward=1\nPostUp = sysctl -w net.ipv6.conf.all.forwarding=1"
                    ),
                ]
            ),
            (
                "hub/wg1.conf",
                [
                    ("Address = 10.1.0.1/24", "Address = 10.1.0.1/24, fd00:b::1/64"),
                    ("AllowedIPs = 10.1.0.2/32", "AllowedIPs = 10.1.0.2/32, fd00:b::2/128"),
                ]
            ),
        ]
        for (file, replacements) in edits {
            let url = dir.appendingPathComponent(file)
            var text = try String(contentsOf: url, encoding: .utf8)
            for (old, new) in replacements {
                #expect(text.contains(old), "\(file): \(old)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func ipv6ForwardingOffOnTheRelay() throws {
        let dir = try Self.network()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lab = try DoctorLab.up(dir.path)
        defer { lab.down() }
        let (plan, binary) = (lab.plan, lab.binary)
        func doctor(_ host: String) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(plan, host, binary: binary)
        }

        for host in ["hub", "alice", "bob"] {
            let (status, codes) = try doctor(host)
            #expect(status == 0 && codes == [], "\(host) healthy: \(codes)")
        }

        // Kept at boot: the hub's configs as written turn both families' forwarding on in PostUp; without the IPv6
        // line, IPv6 forwarding is on only at runtime (unless this machine's own sysctl files keep it: the lab
        // shares /etc with it).
        let configs = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-v6cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: configs) }
        for file in ["wg0.conf", "wg1.conf"] {
            try FileManager.default.copyItem(
                at: dir.appendingPathComponent("hub/\(file)"), to: configs.appendingPathComponent(file))
        }
        let boot = ["--config-dir", configs.path]
        var (status, codes) = try DoctorLabTests.doctor(plan, "hub", binary: binary, boot)
        #expect(status == 0 && codes == [], "hub, configs as written: \(codes)")
        let wg0 = configs.appendingPathComponent("wg0.conf")
        try String(contentsOf: wg0, encoding: .utf8)
            .replacingOccurrences(of: "PostUp = sysctl -w net.ipv6.conf.all.forwarding=1\n", with: "")
            .write(to: wg0, atomically: true, encoding: .utf8)
        var machine = ""
        for file in BootFacts.sysctlFiles() { machine += (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        let machineKeeps =
            BootFacts.settings(file: "", text: machine).last { $0.key == "net.ipv6.conf.all.forwarding" }?.value == "1"
        (status, codes) = try DoctorLabTests.doctor(plan, "hub", binary: binary, boot)
        if machineKeeps {
            #expect(status == 0 && codes == [], "this machine's sysctl files keep IPv6 forwarding: \(codes)")
        } else {
            #expect(
                status == 1 && codes == ["forwarding-not-persistent", "forwarding-not-persistent"],
                "IPv6 at runtime only: \(codes)")
        }
        // IPv6 forwarding off, IPv4 left on: named on both relayed interfaces, as IPv6.
        try DoctorLabTests.sh(plan, "hub", "sysctl -qw net.ipv6.conf.all.forwarding=0")
        (status, codes) = try doctor("hub")
        #expect(status == 1 && codes == ["forwarding-disabled", "forwarding-disabled"], "v6 off: \(codes)")
        // --fix turns it on and says how to undo it.
        let (fixed, left, undos) = try DoctorFixLabTests.fix(plan, "hub", binary: binary)
        #expect(
            fixed == 0 && left == [] && undos == ["sysctl -w net.ipv6.conf.all.forwarding=0"], "fix: \(left) \(undos)")
        (status, codes) = try doctor("hub")
        #expect(status == 0 && codes == [], "fixed: \(codes)")

        try Lab.down(id: plan.id)
    }
}
