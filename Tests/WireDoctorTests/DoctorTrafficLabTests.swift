import Foundation
import Testing
import WireLab
import WireTestSupport

@testable import WireDoctor

/// `doctor --probe-to/--probe/--capture` in a real lab (examples/two-hub): the healthy network answers every probe
/// with no finding; then one fault at a time on the reply path, each named from the client alone, and undone.
@Suite(.serialized, .enabled(if: DoctorLabEnvironment.shouldRun)) struct DoctorTrafficLabTests {
    @Test func probesAndCaptureNameTheReplyPath() throws {
        let lab = try DoctorLab.up()
        defer { lab.down() }
        let (plan, binary) = (lab.plan, lab.binary)
        func doctor(_ host: String, _ extra: [String]) throws -> (Int32, [String]) {
            try DoctorLabTests.doctor(plan, host, binary: binary, extra)
        }

        // Healthy: every probe answered, both directions on the wire, no finding.
        var (status, codes) = try doctor("alice", ["--probe-to", "10.1.0.2", "--capture"])
        #expect(status == 0 && codes == [], "alice healthy: \(codes)")
        (status, codes) = try doctor("hub", ["--probe", "--capture"])
        #expect(status == 0 && codes == [], "hub healthy: \(codes)")
        (status, codes) = try doctor("bob", ["--probe-to", "10.0.0.2", "--sample", "1"])
        #expect(status == 0 && codes == [], "bob healthy: \(codes)")

        // The hub's FORWARD chain drops only bob -> alice: alice's pings to bob leave, nothing comes back.
        try DoctorLabTests.sh(plan, "hub", "iptables -A FORWARD -i wg1 -o wg0 -j DROP")
        (status, codes) = try doctor("alice", ["--probe-to", "10.1.0.2"])
        #expect(status == 1 && codes == ["traffic-one-way"], "one way: \(codes)")
        // The capture says where: nothing carrying data arrives from the hub's address.
        (status, codes) = try doctor("alice", ["--probe-to", "10.1.0.2", "--capture"])
        #expect(status == 1 && codes == ["nothing-arrives"], "one way, captured: \(codes)")
        try DoctorLabTests.sh(plan, "hub", "iptables -D FORWARD -i wg1 -o wg0 -j DROP")
        (status, codes) = try doctor("alice", ["--probe-to", "10.1.0.2", "--capture"])
        #expect(status == 0 && codes == [], "restored: \(codes)")

        // alice drops UDP from the hub's address in the raw table (which the firewall step does not read): the hub's
        // replies arrive on the wire and WireGuard never receives them.
        let hubAddress = "$(wg show wg0 endpoints | cut -f2 | cut -d: -f1)"
        try DoctorLabTests.sh(plan, "alice", "iptables -t raw -A PREROUTING -s \(hubAddress) -p udp -j DROP")
        (status, codes) = try doctor("alice", ["--probe-to", "10.0.0.1"])
        #expect(status == 1 && codes == ["traffic-one-way"], "input by address: \(codes)")
        (status, codes) = try doctor("alice", ["--probe-to", "10.0.0.1", "--capture"])
        #expect(status == 1 && codes == ["input-blocked"], "input by address, captured: \(codes)")
        try DoctorLabTests.sh(plan, "alice", "iptables -t raw -D PREROUTING -s \(hubAddress) -p udp -j DROP")
        (status, codes) = try doctor("alice", ["--probe-to", "10.0.0.1", "--capture"])
        #expect(status == 0 && codes == [], "restored: \(codes)")

        // The hub's OUTPUT chain drops what leaves wg0's port, by iptables and then by nftables, while alice pings
        // the hub: the firewall step names it, and the capture (her datagrams in, nothing out) adds nothing.
        let outputDrops = [
            ("iptables -A OUTPUT -p udp --sport 51820 -j DROP", "iptables -D OUTPUT -p udp --sport 51820 -j DROP"),
            (
                "nft add table ip wsdoc && nft add chain ip wsdoc out '{ type filter hook output priority 0; }'"
                    + " && nft add rule ip wsdoc out udp sport 51820 drop", "nft delete table ip wsdoc"
            ),
        ]
        for (add, delete) in outputDrops {
            try DoctorLabTests.sh(plan, "hub", add)
            try DoctorLabTests.sh(plan, "alice", "ping -c 12 -i 0.25 -W 1 10.0.0.1 >/dev/null 2>&1 &")
            (status, codes) = try doctor("hub", ["--capture", "--sample", "2"])
            #expect(status == 1 && codes == ["output-blocked"], "\(add): \(codes)")
            try DoctorLabTests.sh(plan, "hub", delete)
        }

        // An OUTPUT rule on alice's address alone, which the firewall step does not judge: while alice pings the
        // hub, her datagrams arrive and WireGuard takes them, and nothing goes back.
        let aliceAddress = "$(wg show wg0 endpoints | cut -f2 | cut -d: -f1)"
        try DoctorLabTests.sh(plan, "hub", "iptables -A OUTPUT -d \(aliceAddress) -j DROP")
        try DoctorLabTests.sh(plan, "alice", "ping -c 30 -i 0.25 -W 1 10.0.0.1 >/dev/null 2>&1 &")
        (status, codes) = try doctor("hub", ["--probe-to", "10.0.0.2", "--capture"])
        #expect(status == 1 && codes == ["reply-not-sent"], "reply dropped by address: \(codes)")
        try DoctorLabTests.sh(plan, "hub", "iptables -D OUTPUT -d \(aliceAddress) -j DROP")
        (status, codes) = try doctor("hub", [])
        #expect(status == 0 && codes == [], "restored: \(codes)")

        try Lab.down(id: plan.id)
    }
}
