import Foundation
import Testing
import WireLab
import WireTestSupport

@testable import WireDoctor

/// `doctor --fix` in a real lab (examples/two-hub): a fault injected, `--fix` applies the safe fixes and the host is
/// healthy; running the undo commands it printed brings the fault back. Findings it must not touch stay.
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorFixLabTests {
    /// `doctor --fix --json` on `host`: exit status, the codes left, and the undo commands of the fixes applied.
    static func fix(_ plan: LabPlan, _ host: String, binary: String) throws -> (Int32, [String], [String]) {
        let r = try Lab.run(plan, node: host, command: [binary, "doctor", "--fix", "--json"], timeout: 120)
        let text = r.output[r.output.firstIndex(of: "{")!...]
        let end = text.lastIndex(of: "}")!
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(text[...end].utf8)) as? [String: Any], "\(r.output)")
        let codes = (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }.sorted()
        let fixes = object["fixes"] as? [[String: Any]] ?? []
        #expect(fixes.allSatisfy { $0["applied"] as? Bool == true }, "\(fixes)")
        return (r.status, codes, fixes.compactMap { $0["undo"] as? String })
    }

    @Test func fixThenUndo() throws {
        let lab = try DoctorLab.up()
        defer { lab.down() }
        let (plan, binary) = (lab.plan, lab.binary)
        func doctor(_ host: String) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(plan, host, binary: binary)
        }
        func undo(_ host: String, _ commands: [String]) throws {
            try DoctorLabTests.sh(plan, host, commands.reversed().joined(separator: " && "))
        }

        // ip_forward off on the relay: fixed by one sysctl, undone by its opposite.
        try DoctorLabTests.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=0")
        var (status, codes, undos) = try Self.fix(plan, "hub", binary: binary)
        #expect(status == 0 && codes == [] && undos == ["sysctl -w net.ipv4.ip_forward=0"], "forwarding: \(codes)")
        var (after, left) = try doctor("hub")
        #expect(after == 0 && left == [], "forwarding fixed: \(left)")
        try undo("hub", undos)
        (after, left) = try doctor("hub")
        #expect(left == ["forwarding-disabled", "forwarding-disabled"], "forwarding undone: \(left)")
        try DoctorLabTests.sh(plan, "hub", "sysctl -qw net.ipv4.ip_forward=1")

        // bob's link down: brought up, then the routes the kernel dropped with it added back; undone in reverse.
        try DoctorLabTests.sh(plan, "bob", "ip link set dev wg0 down")
        (status, codes, undos) = try Self.fix(plan, "bob", binary: binary)
        #expect(status == 0 && codes == [], "link: \(codes)")
        #expect(undos.first == "ip link set dev wg0 down" && undos.count >= 2, "\(undos)")
        (after, left) = try doctor("bob")
        #expect(after == 0 && left == [], "link fixed: \(left)")
        try undo("bob", undos)
        (after, left) = try doctor("bob")
        #expect(left == ["interface-down"], "link undone: \(left)")
        try DoctorLabTests.sh(plan, "bob", "ip link set dev wg0 up && ip route replace 10.0.0.0/24 dev wg0")

        // Strict rp_filter on the hub and alice's address no longer routed into wg0: a route and loose rp_filter.
        try DoctorLabTests.sh(
            plan, "hub", "ip route del 10.0.0.0/24 dev wg0 && sysctl -qw net.ipv4.conf.all.rp_filter=1")
        (status, codes, undos) = try Self.fix(plan, "hub", binary: binary)
        #expect(status == 0 && codes == [], "rp_filter: \(codes)")
        (after, left) = try doctor("hub")
        #expect(after == 0 && left == [], "rp_filter fixed: \(left)")
        try undo("hub", undos)
        (after, left) = try doctor("hub")
        #expect(left == ["allowedip-not-routed", "rp-filter"], "rp_filter undone: \(left)")
        try DoctorLabTests.sh(
            plan, "hub", "sysctl -qw net.ipv4.conf.all.rp_filter=0 && ip route add 10.0.0.0/24 dev wg0 src 10.0.0.1")

        // A firewall drop is not doctor's to change: reported, left in place, nothing applied.
        try DoctorLabTests.sh(plan, "hub", "iptables -A INPUT -p udp --dport 51820 -j DROP")
        (status, codes, undos) = try Self.fix(plan, "hub", binary: binary)
        #expect(status == 1 && codes == ["input-blocked"] && undos == [], "firewall: \(codes)")
        try DoctorLabTests.sh(plan, "hub", "iptables -C INPUT -p udp --dport 51820 -j DROP")
        try DoctorLabTests.sh(plan, "hub", "iptables -D INPUT -p udp --dport 51820 -j DROP")
        (after, left) = try doctor("hub")
        #expect(after == 0 && left == [], "healthy at the end: \(left)")

        try Lab.down(id: plan.id)
    }
}
