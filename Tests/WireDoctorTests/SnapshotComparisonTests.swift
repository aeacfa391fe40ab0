import Testing

@testable import WireDoctor

/// Snapshots of several hosts judged together (`doctor --compare`, lint's rules over the snapshots as hosts): the
/// recorded hub with an alice and a bob made to match it.
@Suite struct SnapshotComparisonTests {
    static let hubWg0 = "wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk="
    static let hubWg1 = "ClQu/MarCaLP02YlS0e+TGfSqF0w4UHnpbcob403Mxs="
    static let alice = "AS40mhftfg7QSPLoZessWjmDf+QiW3zT5nmLlbbgfAk="
    static let bob = "NyjNurFR5pSP27GAHeAI+yy9Sc3ljlEaQMbbLFLNxRo="

    static func client(_ key: String, address: String, hub: String, port: Int) -> HostSnapshot {
        let peer = PeerState(
            publicKey: hub, endpoint: "192.0.2.1:\(port)", allowedIPs: ["10.0.0.0/24", "10.1.0.0/24"],
            latestHandshake: 1_764_583_190, persistentKeepalive: 25)
        return HostSnapshot(
            hostname: "vm", takenAt: 1_764_583_200,
            wireguard: [
                WireGuardState(
                    name: "wg0", publicKey: key, derivedPublicKey: key, hasPrivateKey: true, listenPort: 40000,
                    peers: [peer])
            ],
            links: [LinkState(name: "wg0", up: true, mtu: 1420, addresses: ["\(address)/32"])])
    }

    static func network() throws -> [(name: String, snapshot: HostSnapshot)] {
        [
            ("alice", client(alice, address: "10.0.0.2", hub: hubWg0, port: 51820)),
            ("bob", client(bob, address: "10.1.0.2", hub: hubWg1, port: 51821)),
            ("hub", try DoctorCheckTests.hub()),
        ]
    }

    static func codes(_ hosts: [(name: String, snapshot: HostSnapshot)]) -> [String] {
        SnapshotComparison(hosts: hosts).findings().map { "\($0.interface) \($0.code)" }.sorted()
    }

    @Test func agreeingSnapshotsHaveNoFinding() throws {
        #expect(Self.codes(try Self.network()) == [])
    }

    @Test func aWrongKeyOnAliceIsKeyMismatchNamingTheHubsKey() throws {
        var hosts = try Self.network()
        // A key nobody holds: the hub's wg0 lists alice and is not listed back, so its key is the one meant.
        hosts[0].snapshot.wireguard[0].peers[0].publicKey = "7NNTyfLbYtMBMHpuYMxKMEZFsNCYI9OgAe1GzEw4XWE="
        let f = SnapshotComparison(hosts: hosts).findings()
        #expect(f.map { "\($0.interface) \($0.code)" } == ["alice/wg0 key-mismatch"])
        #expect(f.first?.fix.contains(Self.hubWg0) == true)
        #expect(f.first?.fix.contains("hub last") == false, "one peer: not a hub")
    }

    @Test func aHubsStaleKeyAdvisesRotatingTheHubLast() throws {
        var hosts = try Self.network()
        hosts[0].snapshot.wireguard[0].peers[0].publicKey = "7NNTyfLbYtMBMHpuYMxKMEZFsNCYI9OgAe1GzEw4XWE="
        // The hub's wg0 with a second (uncollected) client: now a hub whose key every client must learn first.
        hosts[2].snapshot.wireguard[0].peers.append(
            PeerState(publicKey: "KhNUz7mwYxA2T7MGpbWc7IiA9FpSJDGmdSOwLEbrqQU=", allowedIPs: ["10.0.0.9/32"]))
        let f = SnapshotComparison(hosts: hosts).findings().filter { $0.code == .keyMismatch }
        #expect(f.first?.fix.contains("hub last") == true, "\(f)")
    }

    @Test func aMissingPeerIsPeerNotMutualOnTheHostThatLacksIt() throws {
        var hosts = try Self.network()
        hosts[2].snapshot.wireguard[1].peers.removeAll()
        #expect(Self.codes(hosts) == ["hub/wg1 peer-not-mutual"])
    }

    @Test func aWrongEndpointPortAndAOneSidedPSK() throws {
        var hosts = try Self.network()
        hosts[1].snapshot.wireguard[0].peers[0].endpoint = "192.0.2.1:51822"
        #expect(Self.codes(hosts) == ["bob/wg0 endpoint-port-mismatch"])
        hosts = try Self.network()
        hosts[1].snapshot.wireguard[0].peers[0].presharedKeyHash = String(repeating: "ab", count: 32)
        #expect(Self.codes(hosts) == ["bob/wg0 psk-mismatch"])
    }

    @Test func aFullTunnelClientNeedsForwardingAndMasqueradeOnItsGateway() throws {
        var hosts = try Self.network()
        hosts[0].snapshot.wireguard[0].peers[0].allowedIPs = ["0.0.0.0/0"]
        #expect(Self.codes(hosts) == ["hub/wg0 masquerade-missing"])
        hosts[2].snapshot.iptables =
            "*nat\n:POSTROUTING ACCEPT [0:0]\n"
            + "-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n"
        #expect(Self.codes(hosts) == [])
        // Out of another interface than the uplink: lint's more precise code.
        hosts[2].snapshot.iptables = "*nat\n-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n"
        #expect(Self.codes(hosts) == ["hub/wg0 masquerade-wrong-interface"])
        hosts[2].snapshot.iptables = nil
        hosts[2].snapshot.nftRuleset = """
            {"nftables": [{"chain": {"family": "ip", "table": "nat", "name": "post", "type": "nat",
              "hook": "postrouting"}},
            {"rule": {"family": "ip", "table": "nat", "chain": "post", "expr": [
              {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}},
              {"masquerade": null}]}}]}
            """
        hosts[2].snapshot.sysctl["net.ipv4.ip_forward"] = "0"
        #expect(Self.codes(hosts) == ["hub/wg0 forwarding-disabled"])
    }

    @Test func bobNotAcceptingAliceFromTheHubIsAsymmetric() throws {
        var hosts = try Self.network()
        hosts[1].snapshot.wireguard[0].peers[0].allowedIPs = ["10.1.0.0/24"]
        #expect(Self.codes(hosts) == ["bob/wg0 asymmetric-allowedips"])
    }

    @Test func aReusedTunnelAddress() throws {
        var hosts = try Self.network()
        hosts[1].snapshot.links[0].addresses = ["10.0.0.2/32"]
        // Named on the first holder; and the hub's wg1 does not accept bob's new address either.
        #expect(Self.codes(hosts) == ["alice/wg0 duplicate-address", "hub/wg1 address-not-allowed"])
    }
}
