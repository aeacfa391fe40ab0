import Foundation
import Testing

@testable import WireDoctor

/// The traffic step on hand-made samples, and the pcap reader on a hand-made capture.
struct TrafficCheckTests {
    static let key = "wDq9sI7p3kZbNDzvDWV4XNxmJhH7XDv0dN0QVNa/yWk="

    static func snapshot(_ t: PeerTraffic, endpoint: String? = "192.0.2.1:51820") -> HostSnapshot {
        HostSnapshot(
            hostname: "alice", takenAt: 1000,
            wireguard: [
                WireGuardState(
                    name: "wg0", publicKey: nil, derivedPublicKey: nil, hasPrivateKey: true, listenPort: 40000,
                    peers: [
                        PeerState(
                            publicKey: key, endpoint: endpoint, allowedIPs: ["10.0.0.0/24"], latestHandshake: 990,
                            rxBytes: 500, txBytes: 500)
                    ])
            ],
            traffic: TrafficSample(seconds: 3, captured: t.packetsIn != nil, peers: [t]))
    }

    static func codes(_ t: PeerTraffic) -> [String] {
        let report = try! Doctor(snapshot: snapshot(t)).run()
        return report.steps.filter { $0.name == "traffic" }.flatMap(\.findings).map(\.code.rawValue)
    }

    static func traffic(
        rx: UInt64, tx: UInt64, answered: Int?, inbound: Int? = nil, outbound: Int? = nil, dataIn: Int? = nil
    ) -> PeerTraffic {
        PeerTraffic(
            interface: "wg0", publicKey: key, endpoint: "192.0.2.1:51820", rxBytes: rx, txBytes: tx,
            handshakeBefore: 990, handshakeAfter: 990,
            probe: answered.map { ProbeResult(address: "10.0.0.1", sent: 3, received: $0) }, packetsIn: inbound,
            packetsOut: outbound, dataIn: dataIn ?? inbound, dataOut: outbound)
    }

    @Test func verdicts() {
        #expect(Self.codes(Self.traffic(rx: 384, tx: 384, answered: 3)) == [])
        #expect(Self.codes(Self.traffic(rx: 0, tx: 0, answered: nil)) == [])
        // A keepalive back (32 B) is not a reply.
        #expect(Self.codes(Self.traffic(rx: 32, tx: 384, answered: 0)) == ["traffic-one-way"])
        #expect(Self.codes(Self.traffic(rx: 384, tx: 384, answered: 0)) == ["probe-unanswered"])
        #expect(Self.codes(Self.traffic(rx: 0, tx: 0, answered: 0)) == ["probe-unanswered"])
        #expect(Self.codes(Self.traffic(rx: 0, tx: 384, answered: 0, inbound: 0, outbound: 3)) == ["nothing-arrives"])
        #expect(
            Self.codes(Self.traffic(rx: 32, tx: 384, answered: 0, inbound: 1, outbound: 3, dataIn: 0))
                == ["nothing-arrives"])
        #expect(Self.codes(Self.traffic(rx: 0, tx: 384, answered: 0, inbound: 3, outbound: 3)) == ["input-blocked"])
        #expect(Self.codes(Self.traffic(rx: 200, tx: 0, answered: 0, inbound: 3, outbound: 0)) == ["reply-not-sent"])
        // Without a probe, only data one way counts.
        #expect(Self.codes(Self.traffic(rx: 0, tx: 32, answered: nil)) == [])
        #expect(Self.codes(Self.traffic(rx: 0, tx: 640, answered: nil)) == ["traffic-one-way"])
    }

    /// A captured sample in which the peer's address sent `initiations` and this host sent `answers` back.
    static func handshakes(
        rx: UInt64, initiations: Int, forAnotherKey: Int, answers: Int, outbound: Int? = nil
    ) -> PeerTraffic {
        var t = traffic(rx: rx, tx: 0, answered: nil, inbound: initiations, outbound: outbound ?? answers, dataIn: 0)
        t.initiationsIn = initiations
        t.initiationsForAnotherKey = forAnotherKey
        t.initiationsOut = 0
        t.responsesIn = 0
        t.responsesOut = answers
        return t
    }

    /// Initiations this host's WireGuard dropped (rx did not move, none answered) are a key mismatch, told apart by
    /// mac1; accepted and unanswered ones are this host dropping its responses; answered ones are nothing.
    @Test func capturedHandshakes() throws {
        let rejected = Self.handshakes(rx: 0, initiations: 2, forAnotherKey: 2, answers: 0)
        #expect(Self.codes(rejected) == ["key-mismatch"])
        func findings(_ snap: HostSnapshot) throws -> [DoctorFinding] {
            try Doctor(snapshot: snap).run().steps.filter { $0.peer != nil || $0.name == "firewall" }.flatMap(
                \.findings)
        }
        let f = try #require(try findings(Self.snapshot(rejected)).first)
        #expect(f.cause.contains("mac1 was not made with this interface's public key"))
        let unknownSender = Self.handshakes(rx: 0, initiations: 2, forAnotherKey: 0, answers: 0)
        #expect(Self.codes(unknownSender) == ["key-mismatch"])
        let g = try #require(try findings(Self.snapshot(unknownSender)).first)
        #expect(g.cause.contains("its own static key is not this [Peer]'s PublicKey"))
        #expect(
            Self.codes(Self.handshakes(rx: 148, initiations: 1, forAnotherKey: 0, answers: 0)) == ["reply-not-sent"])
        #expect(Self.codes(Self.handshakes(rx: 148, initiations: 1, forAnotherKey: 0, answers: 1)) == [])
        // Responses to this host's initiations, made for its key, rejected: the PSKs differ.
        var psk = Self.handshakes(rx: 0, initiations: 0, forAnotherKey: 0, answers: 0, outbound: 2)
        psk.initiationsOut = 2
        psk.responsesIn = 2
        psk.responsesForAnotherKey = 0
        psk.packetsIn = 2
        #expect(Self.codes(psk) == ["psk-mismatch"])
        psk.rxBytes = 92
        #expect(Self.codes(psk) == [])
        // The peer's host says nothing listens on the Endpoint's port.
        var closed = Self.traffic(rx: 0, tx: 384, answered: 0, inbound: 0, outbound: 3)
        closed.portUnreachable = 2
        closed.unreachablePort = 51822
        #expect(Self.codes(closed) == ["endpoint-port-mismatch"])
        // Something else left for the peer: not this verdict.
        #expect(Self.codes(Self.handshakes(rx: 148, initiations: 1, forAnotherKey: 0, answers: 0, outbound: 2)) == [])

        // A peer that never completed a handshake: the capture's verdict replaces handshake-never.
        var snap = Self.snapshot(rejected)
        snap.wireguard[0].peers[0].latestHandshake = 0
        snap.traffic!.peers[0].handshakeBefore = 0
        snap.traffic!.peers[0].handshakeAfter = 0
        #expect(try findings(snap).map(\.code.rawValue) == ["key-mismatch"])

        // A drop the firewall step names explains it all: named once, by the firewall step.
        snap.iptables = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 40000 -j DROP\nCOMMIT\n"
        #expect(try findings(snap).map(\.code.rawValue) == ["input-blocked"])
    }

    /// Initiations from an address that is no peer's endpoint, opened to a key no peer has and unanswered: a key
    /// mismatch on the interface (an error while a peer never completed a handshake, whose keepalive-missing it
    /// replaces); answered ones, or ones from a peer's own key, are nothing.
    @Test func strangersWithAKeyNoPeerHas() throws {
        let sender = "AS40mhftfg7QSPLoZessWjmDf+QiW3zT5nmLlbbgfAk="
        var snap = Self.snapshot(Self.traffic(rx: 0, tx: 0, answered: nil), endpoint: nil)
        snap.wireguard[0].peers[0].latestHandshake = 0
        func codes() throws -> [String] {
            try Doctor(snapshot: snap).run().steps.filter { $0.name == "strangers" || $0.peer != nil }
                .flatMap(\.findings).map(\.code.rawValue)
        }
        #expect(try codes() == ["keepalive-missing"])
        snap.traffic!.strangers = [
            StrangerInitiations(interface: "wg0", address: "198.51.100.9", initiations: 2, keys: [sender])
        ]
        #expect(try codes() == ["key-mismatch"])
        let f = try #require(try Doctor(snapshot: snap).run().findings.first { $0.code == .keyMismatch })
        #expect(f.severity == .error && f.peer == Self.key && f.fix.contains(sender))
        snap.traffic!.strangers![0].answered = 2
        #expect(try codes() == ["keepalive-missing"])
        snap.traffic!.strangers![0].answered = 0
        snap.traffic!.strangers![0].keys = [Self.key]
        #expect(try codes() == ["keepalive-missing"])
    }

    @Test func sentWithoutHandshakeIsKeysOrUDP() throws {
        var t = Self.traffic(rx: 0, tx: 444, answered: 0)
        t.handshakeBefore = 0
        t.handshakeAfter = 0
        var snap = Self.snapshot(t)
        snap.wireguard[0].peers[0].latestHandshake = 0
        snap.wireguard[0].peers[0].txBytes = 0
        let report = try Doctor(snapshot: snap).run()
        let peerSteps = report.steps.filter { $0.peer != nil }.flatMap(\.findings)
        #expect(peerSteps.map(\.code.rawValue) == ["handshake-never"])
        #expect(peerSteps.first?.severity == .error)
    }

    @Test func snapshotsWithoutTrafficStillDecode() throws {
        let snap = Self.snapshot(Self.traffic(rx: 1, tx: 1, answered: nil))
        var object = try JSONSerialization.jsonObject(with: Data(snap.json().utf8)) as! [String: Any]
        object["traffic"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try HostSnapshot.decode(old).traffic == nil)
        #expect(try HostSnapshot.decode(Data(snap.json().utf8)) == snap)
    }

    /// A LINUX_SLL capture: a data message in from 192.0.2.1 to port 40000, a keepalive in, one data message out.
    @Test func pcapCounts() {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        func packet(src: [UInt8], dst: [UInt8], sport: Int, dport: Int, payload: Int) -> [UInt8] {
            var sll = [UInt8](repeating: 0, count: 14) + [0x08, 0x00]
            let udpLength = 8 + payload
            let ip: [UInt8] = [0x45, 0, 0, UInt8(20 + udpLength), 0, 0, 0, 0, 64, 17, 0, 0] + src + dst
            let udp: [UInt8] =
                [UInt8(sport >> 8), UInt8(sport & 0xff), UInt8(dport >> 8), UInt8(dport & 0xff)]
                + [UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0]
            sll += ip + udp + [4] + [UInt8](repeating: 0, count: payload - 1)
            return le32(0) + le32(0) + le32(sll.count) + le32(sll.count) + sll
        }
        let peer: [UInt8] = [192, 0, 2, 1]
        let me: [UInt8] = [203, 0, 113, 5]
        var file = le32(0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(113)
        file += packet(src: peer, dst: me, sport: 51820, dport: 40000, payload: 128)
        file += packet(src: peer, dst: me, sport: 51820, dport: 40000, payload: 32)
        file += packet(src: me, dst: peer, sport: 40000, dport: 51820, payload: 128)
        file += packet(src: me, dst: peer, sport: 40001, dport: 51820, payload: 128)
        let counts = PacketCapture.count(file, ports: [40000])
        #expect(counts?["192.0.2.1"] == PacketCapture.Counts(inbound: 2, outbound: 1, inboundData: 1, outboundData: 1))
        #expect(PacketCapture.count([1, 2, 3], ports: [1]) == nil)
    }

    /// Handshake messages told by their first byte and length; an initiation's mac1 checked against the public key
    /// of the interface listening on its port (whitepaper §5.4.4); initiations after the cut-off left out.
    @Test func pcapHandshakes() {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        let peer: [UInt8] = [192, 0, 2, 1]
        let me: [UInt8] = [203, 0, 113, 5]
        func record(_ payload: [UInt8], inbound: Bool, time: Int) -> [UInt8] {
            let udpLength = 8 + payload.count
            let total = 20 + udpLength
            let (src, dst) = inbound ? (peer, me) : (me, peer)
            let (sport, dport) = inbound ? (51820, 40000) : (40000, 51820)
            let ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 0, 0, 0, 64, 17, 0, 0] + src + dst
            let udp: [UInt8] =
                [UInt8(sport >> 8), UInt8(sport & 0xff), UInt8(dport >> 8), UInt8(dport & 0xff)]
                + [UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0]
            let raw = ip + udp + payload
            return le32(time) + le32(0) + le32(raw.count) + le32(raw.count) + raw
        }
        let ours = [UInt8](repeating: 7, count: 32)
        let theirs = [UInt8](repeating: 9, count: 32)
        func initiation(for key: [UInt8]) -> [UInt8] {
            let m: [UInt8] = [1, 0, 0, 0] + [UInt8](repeating: 0x5a, count: 112)
            return m + PacketCapture.mac1(m[...], publicKey: key) + [UInt8](repeating: 0, count: 16)
        }
        func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: n) }
        var file = le32(0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(101)
        file += record(initiation(for: theirs), inbound: true, time: 100)
        file += record(initiation(for: ours), inbound: true, time: 101)
        file += record([2, 0, 0, 0] + zeros(88), inbound: false, time: 101)
        file += record([3, 0, 0, 0] + zeros(60), inbound: false, time: 101)
        let response: [UInt8] = [2, 0, 0, 0] + [UInt8](repeating: 0x33, count: 56)
        file += record(
            response + PacketCapture.mac1(response[...], publicKey: ours, length: 60) + zeros(16),
            inbound: true, time: 102)
        // Type 1 with another length is no initiation; nor is a payload whose reserved bytes are not zero.
        file += record([1, 0, 0, 0] + zeros(60), inbound: true, time: 101)
        file += record([1, 1, 0, 0] + zeros(144), inbound: true, time: 101)
        // After the cut-off.
        file += record(initiation(for: theirs), inbound: true, time: 200)
        // The peer's host: port unreachable (ICMP 3/3) for a datagram from port 40000 to its port 51822.
        let quoted: [UInt8] =
            [0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0] + me + peer + [0x9c, 0x40, 0xca, 0x6e, 0, 20, 0, 0]
        let icmp: [UInt8] =
            [0x45, 0, 0, UInt8(20 + 8 + quoted.count), 0, 0, 0, 0, 64, 1, 0, 0] + peer + me
            + [3, 3, 0, 0, 0, 0, 0, 0] + quoted
        file += le32(103) + le32(0) + le32(icmp.count) + le32(icmp.count) + icmp
        let c = PacketCapture.count(file, ports: [40000], publicKeys: [40000: ours], handshakesUntil: 150)
        #expect(c?["192.0.2.1"]?.inboundInitiations == 2)
        #expect(c?["192.0.2.1"]?.inboundInitiationsForAnotherKey == 1)
        #expect(c?["192.0.2.1"]?.outboundResponses == 1)
        #expect(c?["192.0.2.1"]?.outboundCookieReplies == 1)
        #expect(c?["192.0.2.1"]?.inboundResponses == 1 && c?["192.0.2.1"]?.inboundResponsesForAnotherKey == 0)
        #expect(c?["192.0.2.1"]?.inbound == 6 && c?["192.0.2.1"]?.outbound == 2)
        #expect(c?["192.0.2.1"]?.portUnreachable == 1 && c?["192.0.2.1"]?.unreachablePort == 51822)
        #expect(PacketCapture.filter(ports: [51821, 51820]).hasPrefix("(udp and (port 51820 or port 51821))"))
        #expect(PacketCapture.Message(header: [4, 0, 0, 0], length: 32) == .keepalive)
        #expect(PacketCapture.Message(header: [4, 0, 0, 0], length: 40) == nil)
    }
}

/// Boot facts: sysctl files and wg-quick configs read without keeping a key.
struct BootFactsTests {
    /// Each family's forwarding is kept by its own sysctl key or hook: IPv6 by net.ipv6.conf.all.forwarding.
    @Test func ipv6ForwardingKeptAtBootIsJudgedApart() throws {
        let text = """
            [Interface]
            PostUp = sysctl -w net.ipv4.ip_forward=1
            PostUp = echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
            """
        let f = BootFacts.wgQuick(interface: "wg0", path: "/etc/wireguard/wg0.conf", text: text)
        #expect(f.forwardingHooks.count == 2)
        #expect(f.forwardingHooks.filter { WGQuickFacts.hook($0, setsIPv6: true) }.count == 1)

        var s = try DoctorCheckTests.hub()
        for i in s.wireguard.indices {
            s.wireguard[i].peers[0].allowedIPs.append("fd00:\(i)::2/128")
        }
        s.sysctl["net.ipv6.conf.all.forwarding"] = "1"
        let v4Only = BootFacts.wgQuick(
            interface: "wg0", path: "/etc/wireguard/wg0.conf",
            text: "[Interface]\nPostUp = sysctl -w net.ipv4.ip_forward=1\n")
        s.boot = BootFacts(wgQuick: [v4Only])
        // (The recorded hub has no IPv6 routes: only the forwarding step is judged here.)
        func forwarding(_ s: HostSnapshot) throws -> [DoctorFinding] {
            try Doctor(snapshot: s).run().steps.filter { $0.name == "forwarding" }.flatMap(\.findings)
        }
        let findings = try forwarding(s)
        #expect(findings.map(\.code.rawValue) == ["forwarding-not-persistent", "forwarding-not-persistent"])
        #expect(findings.allSatisfy { $0.cause.hasPrefix("IPv6 forwarding") })
        #expect(findings.first?.evidence.first == Evidence("/proc/sys/net/ipv6/conf/all/forwarding", "1 (now)"))
        s.boot = BootFacts(
            sysctlSettings: [
                SysctlSetting(
                    file: "/etc/sysctl.d/99-wg.conf", line: 1, key: "net.ipv6.conf.all.forwarding", value: "1")
            ], wgQuick: [v4Only])
        #expect(try forwarding(s).isEmpty)
    }

    @Test func sysctlSettingsKeepOnlyForwardingAndRpFilterInOrder() {
        let text =
            "# comment\nnet.ipv4.ip_forward = 0\nkernel.x = 1\n-net/ipv4/conf/all/rp_filter=2\nnet.ipv4.ip_forward=1\n"
        let s = BootFacts.settings(file: "/etc/sysctl.d/99.conf", text: text)
        #expect(s.map(\.key) == ["net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter", "net.ipv4.ip_forward"])
        #expect(BootFacts(sysctlSettings: s).bootValue("net.ipv4.ip_forward")?.line == 5)
    }

    @Test func wgQuickFactsHoldNoKey() throws {
        let key = "QAR2ZZKN+r/d3dGCZOw8dmEzs06hy8obrhGApzvuMnE="
        let text = """
            [Interface]
            PrivateKey = \(key)
            DNS = 10.0.0.1, 10.0.0.2
            PostUp = sysctl -w net.ipv4.ip_forward=1
            PostUp = iptables -A FORWARD -i %i -j ACCEPT

            [Peer]
            PublicKey = KhNUz7mwYxA2T7MGpbWc7IiA9FpSJDGmdSOwLEbrqQU=
            """
        let f = BootFacts.wgQuick(interface: "wg0", path: "/etc/wireguard/wg0.conf", text: text)
        #expect(f.dns == ["10.0.0.1", "10.0.0.2"] && f.dnsLine == 3)
        #expect(f.forwardingHooks == ["sysctl -w net.ipv4.ip_forward=1"])
        #expect(WGQuickFacts.hook(f.forwardingHooks[0], setsIPv6: false))
        #expect(!WGQuickFacts.hook(f.forwardingHooks[0], setsIPv6: true))
        let json = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        #expect(!json.contains(key))
    }
}
