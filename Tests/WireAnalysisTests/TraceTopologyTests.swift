import Testing
import WireConfig

@testable import WireAnalysis

/// The single-interface hub with /32 spokes, and the site-to-site pair with LANs.
@Suite struct TraceTopologyTests {
    typealias Edit = TraceNetworks.Edit

    static let spokesOpen = [
        Edit(file: "alice/wg0.conf", old: "AllowedIPs = 10.0.0.1/32", new: "AllowedIPs = 10.0.0.0/24"),
        Edit(file: "carol/wg0.conf", old: "AllowedIPs = 10.0.0.1/32", new: "AllowedIPs = 10.0.0.0/24"),
    ]

    @Test func spokesWithHubOnlyAllowedIPsCannotReachEachOther() throws {
        let r = try TraceNetworks.trace("trace-spokes", "alice", "carol")
        #expect(!r.verdict.delivered)
        #expect(r.verdict.hop == 1 && r.verdict.host == "alice" && r.verdict.check == .route)
        #expect(r.verdict.location?.description == "alice/wg0.conf:8")
        #expect(r.verdict.fix == "add 10.0.0.0/24 to AllowedIPs of [Peer] hub/wg0 at alice/wg0.conf:8")
        // Each spoke still reaches the hub.
        #expect(try TraceNetworks.trace("trace-spokes", "alice", "hub").verdict.delivered)
    }

    @Test func spokesWithASubnetAddressAreDroppedByCryptokeyRouting() throws {
        let r = try TraceNetworks.trace(
            "trace-spokes", "alice", "carol",
            edits: [
                Edit(file: "alice/wg0.conf", old: "Address = 10.0.0.2/32", new: "Address = 10.0.0.2/24")
            ])
        #expect(r.verdict.hop == 1 && r.verdict.check == .peer)
        #expect(r.verdict.location?.description == "alice/wg0.conf:8")
    }

    @Test func spokesWithTheSubnetReachEachOtherThroughTheHub() throws {
        let r = try TraceNetworks.trace("trace-spokes", "alice", "carol", edits: Self.spokesOpen)
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(r.hops.map(\.host) == ["alice", "hub", "carol", "carol", "hub", "alice"])
        #expect(r.hops[1].steps.contains { $0.check == .forwarding && $0.location?.description == "hub/host.yaml:2" })
    }

    @Test func lanToLanDelivered() throws {
        let r = try TraceNetworks.trace("trace-sites", "192.168.1.10", "192.168.2.20")
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(r.hops.map(\.host) == ["site-a", "site-a", "site-b", "site-b", "site-b", "site-b", "site-a", "site-a"])
        #expect(r.hops.first?.node == "192.168.1.10 (LAN office-a of site-a)")
        #expect(r.hops[1].arrivedOn == "eth1")
        #expect(r.notes.contains { $0.contains("gateway of LAN office-a") })
    }

    @Test(
        "site pairs delivered",
        arguments: [
            ("site-a", "192.168.2.20"), ("192.168.2.20", "site-a"),
            ("10.10.0.1", "10.10.0.2"), ("192.168.1.1", "192.168.2.1"),
        ])
    func sitePairs(from: String, to: String) throws {
        let r = try TraceNetworks.trace("trace-sites", from, to)
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
    }

    @Test func missingLANInAllowedIPsIsDroppedAtTheRoute() throws {
        let r = try TraceNetworks.trace(
            "trace-sites", "192.168.1.10", "192.168.2.20",
            edits: [
                Edit(file: "site-a/wg0.conf", old: "10.10.0.2/32, 192.168.2.0/24", new: "10.10.0.2/32")
            ])
        #expect(r.verdict.hop == 2 && r.verdict.host == "site-a" && r.verdict.check == .route)
        #expect(r.verdict.location?.description == "site-a/wg0.conf:9")
        #expect(r.verdict.fix == "add 192.168.2.0/24 to AllowedIPs of [Peer] site-b/wg0 at site-a/wg0.conf:9")
    }

    @Test func missingLANOnTheFarSideFailsItsSourceCheck() throws {
        let r = try TraceNetworks.trace(
            "trace-sites", "192.168.1.10", "192.168.2.20",
            edits: [
                Edit(file: "site-b/wg0.conf", old: "10.10.0.1/32, 192.168.1.0/24", new: "10.10.0.1/32")
            ])
        #expect(r.verdict.hop == 3 && r.verdict.host == "site-b" && r.verdict.check == .source)
        #expect(r.verdict.location?.description == "site-b/wg0.conf:9")
    }

    static let notGateway = Edit(
        file: "site-b/host.yaml", old: "address: 192.168.2.1 }",
        new: "address: 192.168.2.1, gateway: false }")

    @Test func lanWithAnotherRouterNeedsMasquerade() throws {
        let r = try TraceNetworks.trace("trace-sites", "192.168.1.10", "192.168.2.20", edits: [Self.notGateway])
        #expect(r.verdict.hop == 5 && r.verdict.direction == .reply && r.verdict.check == .gateway)
        #expect(r.verdict.fix?.contains("MASQUERADE") == true)
        let fixed = try TraceNetworks.trace(
            "trace-sites", "192.168.1.10", "192.168.2.20",
            edits: [
                Self.notGateway,
                Edit(
                    file: "site-b/wg0.conf", old: "ListenPort = 51820",
                    new: "ListenPort = 51820\nPostUp = iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE"),
            ])
        #expect(fixed.verdict.delivered, "\(fixed.verdict.summary)")
        #expect(fixed.hops[3].packet.source == "192.168.2.1")
        #expect(fixed.hops.contains { $0.steps.contains { $0.check == .unnat } })
    }
}

/// Two machines with one address: the packet ends at the wrong one.
@Suite struct TraceDuplicateAddressTests {
    @Test func theLastPeerClaimingAnAddressGetsThePacket() throws {
        let r = try TraceNetworks.trace(
            "trace-spokes", "hub", "alice",
            edits: [
                .init(file: "carol/wg0.conf", old: "Address = 10.0.0.3/32", new: "Address = 10.0.0.2/32"),
                .init(file: "hub/wg0.conf", old: "AllowedIPs = 10.0.0.3/32", new: "AllowedIPs = 10.0.0.2/32"),
            ])
        #expect(r.verdict.hop == 2 && r.verdict.host == "carol" && r.verdict.check == .deliver)
        #expect(r.verdict.location?.description == "carol/wg0.conf:3")
        #expect(r.hops[0].steps.first { $0.check == .peer }?.location?.description == "hub/wg0.conf:12")
    }
}
