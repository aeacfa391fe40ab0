import Foundation
import Testing
import WireAnalysis

@testable import WireDoctor

/// What the snapshot model reads beyond keys and rules: the routing table recorded, LAN probes as evidence of a
/// LAN's router, and the Endpoints a wg-quick config sets (the recorded hub of `DoctorCheckTests.hub()` with the
/// clients of `SnapshotComparisonTests`).
@Suite struct SnapshotModelTests {
    static func codes(_ hosts: [(name: String, snapshot: HostSnapshot)]) -> [String] {
        SnapshotComparison(hosts: hosts).findings().map { "\($0.interface) \($0.code)" }.sorted()
    }

    static func trace(_ hosts: [(name: String, snapshot: HostSnapshot)], _ from: String, _ to: String) throws
        -> TraceVerdict
    {
        try Tracer(network: SnapshotComparison(hosts: hosts).network).trace(from: from, to: to).verdict
    }

    /// The hub's route for alice's subnet moved from main to table 1234 (policy routing), rp_filter strict: the
    /// recorded table, not wg-quick's AllowedIPs routes, decides. lint names rp-filter and trace drops alice's
    /// packet there, at the sysctl; in the recorded table as it was, neither.
    @Test func theRecordedRoutingTableDecidesReversePathFiltering() throws {
        var hosts = try SnapshotComparisonTests.network()
        hosts[2].snapshot.sysctl["net.ipv4.conf.all.rp_filter"] = "1"
        #expect(Self.codes(hosts) == [])
        #expect(try Self.trace(hosts, "alice", "bob").delivered)
        let i = try #require(hosts[2].snapshot.routes.firstIndex { $0.destination == "10.0.0.0/24" })
        hosts[2].snapshot.routes[i].table = "1234"
        hosts[2].snapshot.rules = [["family": "inet", "priority": "100", "fwmark": "0x1", "table": "1234"]]
        #expect(Self.codes(hosts) == ["hub/wg0 rp-filter"])
        let v = try Self.trace(hosts, "alice", "bob")
        #expect(
            v.host == "hub" && v.check == .rpFilter && v.location?.path == "sysctl[\"net.ipv4.conf.all.rp_filter\"]")
    }

    /// No route into wg1 for bob's subnet (as with `Table = off` and no route of one's own): trace says the table
    /// lacks it, pointing at the snapshot's routes, where configs would blame `Table =`.
    @Test func aRouteMissingIntoTheInterfaceIsReadFromTheTable() throws {
        var hosts = try SnapshotComparisonTests.network()
        hosts[2].snapshot.routes.removeAll { $0.destination == "10.1.0.0/24" }
        let v = try Self.trace(hosts, "alice", "bob")
        #expect(v.host == "hub" && v.check == .route && v.setting == "route" && v.location?.path == "routes", "\(v)")
        // A PostUp route (here one host route) is in the table like any other: delivered again.
        hosts[2].snapshot.routes.append(RouteState(destination: "10.1.0.2/32", device: "wg1"))
        #expect(try Self.trace(hosts, "alice", "bob").delivered)
    }

    /// wg-quick's AllowedIPs 0/0 route lives in its fwmark table (51820) behind `not fwmark 51820 lookup 51820`:
    /// the recorded table with that rule routes every destination into the tunnel, as wg-quick's own does.
    @Test func wgQuicksFullTunnelTableIsConsulted() throws {
        let snap = HostSnapshot(
            hostname: "c", takenAt: 0,
            links: [LinkState(name: "eth0", up: true, mtu: 1500, addresses: ["192.0.2.9/24"])],
            routes: [
                RouteState(destination: "0.0.0.0/0", device: "eth0"),
                RouteState(destination: "0.0.0.0/0", device: "wg0", table: "51820"),
                RouteState(destination: "10.9.0.0/24", device: "wg1", table: "77"),
            ],
            rules: [["family": "inet", "not": "null", "fwmark": "0xca6c", "table": "51820"]])
        var snapWithWG = snap
        snapWithWG.wireguard = [
            WireGuardState(name: "wg0", publicKey: nil, derivedPublicKey: nil, hasPrivateKey: false, listenPort: 0)
        ]
        let seen = try #require(snapWithWG.observedRoutes(file: "c.json", uplink: "eth0"))
        #expect(seen.main.map(\.description) == ["0.0.0.0/0 dev eth0"] && seen.main.first?.origin == .uplink)
        #expect(seen.tunnelDefaults.map(\.description) == ["0.0.0.0/0 dev wg0 table 51820"])
        #expect(seen.other.map(\.description) == ["10.9.0.0/24 dev wg1 table 77"])
        #expect(seen.tunnelDefaults.first?.location?.path == "routes[1]")
        // Written by hand without routes: nothing recorded, the table is built from the configs.
        #expect(HostSnapshot(hostname: "x", takenAt: 0).observedRoutes(file: "x.json", uplink: nil) == nil)
    }

    /// A LAN probe answered from the hub's own LAN address but not from its tunnel address: the LAN's machines use
    /// another router. With alice routing the LAN to the hub, lint names masquerade-missing at the probe; a
    /// MASQUERADE out of the uplink instead is masquerade-wrong-interface; out of the LAN link, nothing.
    @Test func aLANProbeShowsTheLANUsesAnotherRouter() throws {
        var hosts = try SnapshotComparisonTests.network()
        hosts[0].snapshot.wireguard[0].peers[0].allowedIPs.append("192.168.10.0/24")
        hosts[1].snapshot.wireguard[0].peers[0].allowedIPs.append("192.168.10.0/24")
        hosts[2].snapshot.links.append(LinkState(name: "eth1", up: true, mtu: 1500, addresses: ["192.168.10.1/24"]))
        hosts[2].snapshot.routes.append(RouteState(destination: "192.168.10.0/24", device: "eth1"))
        #expect(Self.codes(hosts) == [], "no probe: the hub is taken as the LAN's gateway")
        let direct = ProbeResult(address: "192.168.10.2", sent: 3, received: 3)
        let unanswered = ProbeResult(address: "192.168.10.2", sent: 3, received: 0)
        hosts[2].snapshot.traffic = TrafficSample(
            seconds: 1,
            lanProbes: [
                LANProbe(
                    link: "eth1", address: "192.168.10.2", direct: direct, interface: "wg0", source: "10.0.0.1",
                    fromTunnel: unanswered)
            ])
        let f = SnapshotComparison(hosts: hosts).findings()
        #expect(f.map(\.code.rawValue) == ["masquerade-missing"])
        #expect(f.first?.cause.contains("alice/wg0 (10.0.0.2) and 1 more") == true, "\(f)")
        #expect(f.first?.evidence.contains { $0.value == "traffic.lanProbes[0].fromTunnel" } == true, "\(f)")
        let v = try Self.trace(hosts, "alice", "192.168.10.2")
        #expect(v.check == .gateway && v.direction == .reply && v.location?.path == "traffic.lanProbes[0].fromTunnel")

        var uplink = hosts
        uplink[2].snapshot.iptables = "*nat\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n"
        #expect(Self.codes(uplink) == ["hub/wg0 masquerade-wrong-interface"])
        var lan = hosts
        lan[2].snapshot.iptables = "*nat\n-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n"
        #expect(Self.codes(lan) == [])
        // Answered from the tunnel address with no NAT: the hub is the LAN's router.
        hosts[2].snapshot.traffic?.lanProbes?[0].fromTunnel = direct
        #expect(Self.codes(hosts) == [])
        #expect(try Self.trace(hosts, "alice", "192.168.10.2").delivered)
    }

    /// The wg-quick config tells a configured Endpoint from a learned one: a peer listed without `Endpoint =` has
    /// none in the model, whatever wg shows; one listed with it keeps what wg shows; no secret is kept.
    @Test func theConfigTellsALearnedEndpointFromAConfiguredOne() throws {
        let psk = "2Bk3cBmIPDGBRL+w7XqXMoqwj6pQJ2Bv1Q3KqPbWa7c="
        let priv = "QAR2ZZKN+r/d3dGCZOw8dmEzs06hy8obrhGApzvuMnE="
        let text = """
            [Interface]
            PrivateKey = \(priv)
            ListenPort = 51820

            [Peer]
            PublicKey = \(SnapshotComparisonTests.alice)
            PresharedKey = \(psk)
            AllowedIPs = 10.0.0.2/32

            [Peer]
            PublicKey = \(SnapshotComparisonTests.bob)
            Endpoint = bob.example:40001
            AllowedIPs = 10.0.0.3/32
            """
        let facts = BootFacts.wgQuick(interface: "wg0", path: "/etc/wireguard/wg0.conf", text: text)
        #expect(facts.peers?.map(\.endpoint) == [nil, "bob.example:40001"])
        #expect(facts.peer(SnapshotComparisonTests.bob)?.line == 12)
        let json = String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
        #expect(!json.contains(psk) && !json.contains(priv))

        var hub = try DoctorCheckTests.hub()
        hub.wireguard[0].peers.append(
            PeerState(publicKey: SnapshotComparisonTests.bob, endpoint: "192.0.2.3:40001", allowedIPs: ["10.0.0.3/32"]))
        hub.boot = BootFacts(wgQuick: [facts])
        let (host, _) = hub.host(named: "hub", file: "hub.json")
        let peers = try #require(host?.interfaces.first { $0.name == "wg0" }?.config.peers)
        #expect(peers.map { $0.endpoint?.description } == [nil, "192.0.2.3:40001"])
        // No config read: what wg shows.
        hub.boot = nil
        let (plain, _) = hub.host(named: "hub", file: "hub.json")
        #expect(
            plain?.interfaces.first { $0.name == "wg0" }?.config.peers.first?.endpoint?.description == "192.0.2.2:40000"
        )
    }

    /// A hub whose uplink has only an RFC 1918 address is guessed to be behind NAT (so an Endpoint's port to it is
    /// not judged); alice's Endpoint at that very address shows she reaches it directly, and the wrong port is then
    /// named. An Endpoint at another address leaves the guess standing. Loaded as lint loads a directory.
    @Test func aPeerReachingThePrivateUplinkAddressShowsNoNAT() throws {
        var hosts = try SnapshotComparisonTests.network()
        let eth0 = try #require(hosts[2].snapshot.links.firstIndex { $0.name == "eth0" })
        hosts[2].snapshot.links[eth0].addresses = ["10.50.0.1/24"]
        func lint(aliceEndpoint: String) throws -> [String] {
            hosts[0].snapshot.wireguard[0].peers[0].endpoint = aliceEndpoint
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snap-nat-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            for (name, snap) in hosts {
                try snap.json().write(to: dir.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
            }
            let network = try NetworkLoader.withSnapshots.load(directory: dir.path)
            return Linter().lint(network).findings.filter { $0.severity != .info }.map(\.code.rawValue)
        }
        #expect(try lint(aliceEndpoint: "10.50.0.1:51822") == ["endpoint-port-mismatch"])
        #expect(try lint(aliceEndpoint: "198.51.100.7:51822") == [], "another address: maybe a port forward")
    }

    /// A LAN machine's own snapshot (no WireGuard interface, an address on the hub's LAN): its route back to the
    /// hub's tunnel addresses via the hub's LAN address makes the hub its gateway; no such route, or one via another
    /// router, is masquerade-missing pointing at the machine's routes. Its link is not a LAN of its own.
    @Test func aLANMachinesRoutesShowWhetherItRoutesBackThroughTheHub() throws {
        var hosts = try SnapshotComparisonTests.network()
        hosts[0].snapshot.wireguard[0].peers[0].allowedIPs.append("192.168.10.0/24")
        hosts[1].snapshot.wireguard[0].peers[0].allowedIPs.append("192.168.10.0/24")
        hosts[2].snapshot.links.append(LinkState(name: "eth1", up: true, mtu: 1500, addresses: ["192.168.10.1/24"]))
        hosts[2].snapshot.routes.append(RouteState(destination: "192.168.10.0/24", device: "eth1"))
        func lint(_ routes: [RouteState]) throws -> [String] {
            let office = HostSnapshot(
                hostname: "office", takenAt: 0,
                links: [LinkState(name: "eth0", up: true, mtu: 1500, addresses: ["192.168.10.2/24"])],
                routes: [RouteState(destination: "192.168.10.0/24", device: "eth0")] + routes)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snap-lan-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            for (name, snap) in hosts + [("office", office)] {
                try snap.json().write(to: dir.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
            }
            let network = try NetworkLoader.withSnapshots.load(directory: dir.path)
            return Linter().lint(network).findings.filter { $0.severity != .info }.map { f in
                let at = f.primaryLocation.map {
                    "\(URL(fileURLWithPath: $0.file).lastPathComponent): \($0.path ?? "")"
                }
                return "\(f.code.rawValue) \(at ?? "")"
            }
        }
        #expect(try lint([RouteState(destination: "0.0.0.0/0", device: "eth0", gateway: "192.168.10.1")]) == [])
        #expect(try lint([]) == ["masquerade-missing office.json: routes"])
        #expect(
            try lint([RouteState(destination: "0.0.0.0/0", device: "eth0", gateway: "192.168.10.254")])
                == ["masquerade-missing office.json: routes[1]"])
    }

    /// Snapshots written before `boot.wgQuick[].peers` existed still decode (the field is optional).
    @Test func snapshotsWithoutConfiguredPeersStillDecode() throws {
        var hub = try DoctorCheckTests.hub()
        hub.boot = BootFacts(wgQuick: [WGQuickFacts(interface: "wg0", path: "/etc/wireguard/wg0.conf", peers: [])])
        var object = try JSONSerialization.jsonObject(with: Data(hub.json().utf8)) as! [String: Any]
        var boot = object["boot"] as! [String: Any]
        var configs = boot["wgQuick"] as! [[String: Any]]
        configs[0]["peers"] = nil
        boot["wgQuick"] = configs
        object["boot"] = boot
        let old = try HostSnapshot.decode(JSONSerialization.data(withJSONObject: object))
        #expect(old.boot?.wgQuick.first?.peers == nil && old.boot?.wgQuick.first?.interface == "wg0")
    }
}
