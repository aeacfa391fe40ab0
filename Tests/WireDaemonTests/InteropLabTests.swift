import Foundation
import Testing

/// wiresmithd against wireguard-go, an independent implementation, over a veth pair between two namespaces:
/// the "Must show" wire-layer items. Readiness is observed (replies, handshakes), never slept for.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct InteropLabTests {
    var wiresmithd: String { DaemonLabEnvironment.wiresmithd ?? "wiresmithd" }

    @Test(arguments: [false, true])
    func pingBothWaysInsideIPv4AndIPv6(outerIPv6: Bool) throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up(outerIPv6: outerIPv6)
        #expect(lab.ping(from: .a))
        #expect(lab.ping(from: .a, ipv6: true))
        #expect(lab.ping(from: .b))
        #expect(lab.ping(from: .b, ipv6: true))
        #expect(lab.latestHandshake(.a) > 0)
        #expect(lab.latestHandshake(.b) > 0)
        let expected = outerIPv6 ? "[\(lab.outer6(.b))]:\(lab.port(.b))" : "\(lab.outer4(.b)):\(lab.port(.b))"
        #expect(lab.endpoint(.a) == expected)
    }

    @Test(arguments: [DaemonLab.Side.a, .b])
    func handshakeStartedFromEitherSide(initiator: DaemonLab.Side) throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up()
        #expect(lab.latestHandshake(.a) == 0)
        #expect(lab.ping(from: initiator))
        #expect(lab.eventually { lab.latestHandshake(.a) > 0 && lab.latestHandshake(.b) > 0 })
        #expect(lab.ping(from: DaemonLab.other(initiator)))
    }

    @Test func presharedKeyMustMatch() throws {
        try DaemonLabEnvironment.require()
        let psk = run(["wg", "genpsk"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up(presharedKey: [.a: psk, .b: psk])
        #expect(lab.ping(from: .a))
        #expect(lab.ping(from: .b, ipv6: true))
        // A different key on one side: no handshake completes any more.
        let other = run(["wg", "genpsk"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let lab2 = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab2.close() }
        try lab2.up(presharedKey: [.a: psk, .b: other])
        #expect(!lab2.ping(from: .a, deadline: 3))
        #expect(lab2.latestHandshake(.a) == 0)
    }

    @Test func removingThePeerStopsTraffic() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up()
        #expect(lab.ping(from: .b))
        try lab.sh(["wg", "set", lab.interface(.a), "peer", lab.keys[.b]!.pub, "remove"])
        #expect(run(["wg", "show", lab.interface(.a), "peers"]).output.isEmpty)
        #expect(!lab.ping(from: .b, deadline: 2))
        #expect(!lab.ping(from: .a, deadline: 2))
    }

    /// Each side moves to a new UDP port; the other side's `wg show endpoints` follows from authenticated packets.
    @Test func roamingFollowsAuthenticatedPackets() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up()
        #expect(lab.ping(from: .a))
        try lab.sh(["wg", "set", lab.interface(.b), "listen-port", "52002"])
        #expect(lab.ping(from: .b))
        #expect(lab.eventually(5) { lab.endpoint(.a) == "\(lab.outer4(.b)):52002" })
        try lab.sh(["wg", "set", lab.interface(.a), "listen-port", "52001"])
        #expect(lab.ping(from: .a))
        #expect(lab.eventually(5) { lab.endpoint(.b) == "\(lab.outer4(.a)):52001" })
    }

    /// 100 MB over TCP each way (ncat), the SHA-256 of what arrived equal to what was sent.
    @Test func bulkTCPEachWayArrivesIntact() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.up()
        #expect(lab.ping(from: .a))
        try lab.expectTCPEachWayIntact(bytes: 100_000_000)
    }

    /// Rekey after the key's lifetime (whitepaper §6.2, Rekey-After-Time 120 s), on a clock 40 times faster: the
    /// initiator wiresmithd starts new handshakes while the traffic goes on, wireguard-go's `latest-handshakes`
    /// moves on, and no ping is lost across the key changes.
    @Test func rekeyAfterTheKeysLifetimeOnAFastClock() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.sh(lab.inNS(.a, ["sh", "-c", "WIRESMITHD_TEST_TIME_SCALE=40 \(wiresmithd) \(lab.interface(.a))"]))
        try lab.up(skipStart: [.a])
        #expect(lab.ping(from: .a))
        let first = lab.latestHandshake(.b)
        // 12 s of pings = 480 s on wiresmithd's clock: several key lifetimes.
        let pings = run(lab.inNS(.a, ["ping", "-c", "60", "-i", "0.2", "-w", "30", lab.inner4(.b)]))
        #expect(pings.ok)
        let received = pings.output.split(separator: "\n").first { $0.contains("packets transmitted") } ?? ""
        #expect(received.contains(" 0% packet loss"), "\(received)")
        #expect(lab.latestHandshake(.b) > first)
    }

    /// Sticky source addresses: wiresmithd's host has two addresses, its peer knows the second; replies must come
    /// from that one (not the routing table's first choice), so the peer's `wg show endpoints` does not move.
    @Test func repliesLeaveFromTheAddressThePeerKnows() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.sh(lab.inNS(.a, ["ip", "addr", "add", "192.0.2.11/24", "dev", "wsv\(lab.id)a"]))
        try lab.up()
        try lab.sh(["wg", "set", lab.interface(.a), "peer", lab.keys[.b]!.pub, "endpoint", "192.0.2.2:1"])
        try lab.sh(["wg", "set", lab.interface(.b), "peer", lab.keys[.a]!.pub, "endpoint", "192.0.2.11:51820"])
        #expect(lab.ping(from: .b))
        #expect(lab.ping(from: .b, ipv6: true))
        #expect(lab.ping(from: .a))
        #expect(lab.endpoint(.b) == "192.0.2.11:51820")
        #expect(lab.endpoint(.a) == "192.0.2.2:51821")
    }

    /// The TUN device moved to another namespace (a container) keeps its UDP sockets where the daemon started, as
    /// a WireGuard interface keeps its birthplace namespace, and its link is followed where it is now
    /// (TUNGETDEVNETNS): down there closes the port, as down here does; up there binds it and carries again; a
    /// link deletion message for the old namespace does not stop the daemon, deletion in the new one does, and
    /// no socket file is left.
    @Test func theInterfaceMovedToAnotherNamespaceFollowsItsLinkThere() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        let container = "wsdl\(lab.id)c"
        defer {
            for pid in run(["ip", "netns", "pids", container]).output.split(separator: "\n").compactMap({ Int32($0) }) {
                kill(pid, SIGTERM)
            }
            run(["ip", "netns", "del", container])
            lab.close()
        }
        try lab.sh(["ip", "netns", "add", container])
        try lab.up()
        #expect(lab.ping(from: .b))
        // What "noticed" means for up/down: the daemon's UDP port (in its own namespace) is bound only while up.
        func listening() -> Bool {
            !run(lab.inNS(.a, ["ss", "-Hlun", "sport = :\(lab.port(.a))"])).output.allSatisfy(\.isWhitespace)
        }
        func daemonPIDs() -> [Int32] {
            run(["ip", "netns", "pids", lab.ns(.a)]).output.split(separator: "\n").compactMap { Int32($0) }
        }
        #expect(listening())
        let pids = daemonPIDs()
        #expect(pids.count == 1)
        try lab.sh(lab.inNS(.a, ["ip", "link", "set", lab.interface(.a), "netns", container]))
        // The kernel takes a link down to move it: seen down in the new namespace.
        #expect(lab.eventually(10) { !listening() })
        let inContainer = ["ip", "netns", "exec", container]
        try lab.sh(inContainer + ["ip", "addr", "add", "\(lab.inner4(.a))/24", "dev", lab.interface(.a)])
        try lab.sh(inContainer + ["ip", "link", "set", lab.interface(.a), "up"])
        #expect(lab.eventually(10) { listening() })
        #expect(run(inContainer + ["ping", "-c", "1", "-w", "10", lab.inner4(.b)]).ok)
        #expect(lab.ping(from: .b))
        // Down and up again there.
        try lab.sh(inContainer + ["ip", "link", "set", lab.interface(.a), "down"])
        #expect(lab.eventually(10) { !listening() })
        try lab.sh(inContainer + ["ip", "link", "set", lab.interface(.a), "up"])
        #expect(lab.eventually(10) { listening() })
        #expect(run(inContainer + ["ping", "-c", "1", "-w", "10", lab.inner4(.b)]).ok)
        #expect(run(["wg", "show", lab.interface(.a)]).ok)
        // Moved on (back to the daemon's namespace here): followed again, from the namespace it left.
        try lab.sh(inContainer + ["ip", "link", "set", lab.interface(.a), "netns", lab.ns(.a)])
        #expect(lab.eventually(10) { !listening() })
        try lab.sh(lab.inNS(.a, ["ip", "link", "set", lab.interface(.a), "netns", container]))
        try lab.sh(inContainer + ["ip", "addr", "add", "\(lab.inner4(.a))/24", "dev", lab.interface(.a)])
        try lab.sh(inContainer + ["ip", "link", "set", lab.interface(.a), "up"])
        #expect(lab.eventually(10) { listening() })
        #expect(run(inContainer + ["ping", "-c", "1", "-w", "10", lab.inner4(.b)]).ok)
        // Deleted there: the daemon exits and removes its socket.
        try lab.sh(inContainer + ["ip", "link", "del", lab.interface(.a)])
        #expect(lab.eventually(10) { daemonPIDs().isEmpty })
        #expect(!FileManager.default.fileExists(atPath: "/var/run/wireguard/\(lab.interface(.a)).sock"))
    }
}
