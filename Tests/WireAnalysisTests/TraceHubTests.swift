import Foundation
import Testing
import WireConfig

@testable import WireAnalysis

/// The two-interface hub: hub/wg0 (51820, 10.0.0.0/24) with alice, hub/wg1 (51821, 10.1.0.0/24) with bob.
@Suite struct TraceHubTests {
    typealias Edit = TraceNetworks.Edit
    /// hub/wg0.conf's PostUp accepting everything in and out of the interface.
    static let acceptRules = "PostUp = iptables -A FORWARD -i %i -j ACCEPT; iptables -A FORWARD -o %i -j ACCEPT"

    @Test func aliceReachesBobAndBack() throws {
        let r = try TraceNetworks.trace("trace-hub", "alice", "bob")
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(r.source == "10.0.0.2" && r.destination == "10.1.0.2")
        #expect(r.hops.map(\.host) == ["alice", "hub", "bob", "bob", "hub", "alice"])
        #expect(r.hops.map(\.direction) == [.forward, .forward, .forward, .reply, .reply, .reply])
        let hub = r.hops[1]
        #expect(hub.arrivedOn == "wg0")
        #expect(hub.steps.map(\.check) == [.handshake, .source, .route, .forwarding, .filter, .peer, .endpoint, .key])
        #expect(hub.steps.allSatisfy { $0.ok })
        // The hub reaches bob (no Endpoint for him) because bob sends keepalives.
        #expect(hub.steps.first { $0.check == .endpoint }?.setting == "PersistentKeepalive")
        #expect(
            r.hops[0].steps.first { $0.check == .route }?.location?.description.hasSuffix("alice/wg0.conf:8")
                == true)
    }

    @Test(
        "by address, and the other way",
        arguments: [
            ("10.1.0.2", "10.0.0.2"), ("bob", "alice"), ("hub", "bob"),
            ("alice", "10.0.0.1"), ("bob", "hub"),
            ("hub", "alice"),
        ])
    func deliveredPairs(from: String, to: String) throws {
        let r = try TraceNetworks.trace("trace-hub", from, to)
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
    }

    /// Broken variants: (edits, FROM, TO, hop, host, check, setting, location or notSetIn).
    static let broken: [(String, [Edit], String, String, Int, String, TraceCheck, String, String)] = [
        (
            "alice lacks 10.1.0.0/24",
            [Edit(file: "alice/wg0.conf", old: "10.0.0.0/24, 10.1.0.0/24", new: "10.0.0.0/24")],
            "alice", "bob", 1, "alice", .route, "AllowedIPs", "alice/wg0.conf:8"
        ),
        (
            "hub ip_forward off",
            [Edit(file: "hub/wg0.conf", old: "PostUp = sysctl -w net.ipv4.ip_forward=1", new: "# no forwarding")],
            "alice", "bob", 2, "hub", .forwarding, "net.ipv4.ip_forward", "hub/wg0.conf"
        ),
        (
            "hub ip_forward set to 0",
            [Edit(file: "hub/wg0.conf", old: "ip_forward=1", new: "ip_forward=0")],
            "alice", "bob", 2, "hub", .forwarding, "net.ipv4.ip_forward", "hub/wg0.conf:5"
        ),
        (
            "hub FORWARD policy drop without accept rules",
            [
                Edit(
                    file: "hub/wg0.conf", old: acceptRules,
                    new: "PostUp = iptables -P FORWARD DROP"),
                Edit(file: "hub/wg1.conf", old: "PostUp = iptables", new: "# PostUp = iptables"),
            ],
            "alice", "bob", 2, "hub", .filter, "FORWARD policy", "hub/wg0.conf:6"
        ),
        (
            "swapped public key on the hub",
            [
                Edit(
                    file: "hub/wg0.conf", old: "nisq8vWDYvxz2wWt6JxWkQ7yPZvOHB5/CoB79Knte0g=",
                    new: "kYjVpQxPSH07CuRlbMpomKsgZmFAPSfS7cRsiUUkzWA=")
            ],
            "alice", "bob", 2, "hub", .handshake, "PublicKey", "hub/wg0.conf:10"
        ),
        (
            "alice names a key nobody has",
            [
                Edit(
                    file: "alice/wg0.conf", old: "2XkkbZGcBac9ofj+uut4o6y4WkrM6mJJ224wnPDSuiw=",
                    new: "bnKC7IDIzyDl5DGuvn0XNzE3dkyCkN4AzujRgjHn3yg=")
            ],
            "alice", "bob", 1, "alice", .key, "PublicKey", "alice/wg0.conf:6"
        ),
        (
            "bob's hub-side AllowedIPs miss his address: bob -> alice dropped by the source check",
            [Edit(file: "hub/wg1.conf", old: "10.1.0.2/32", new: "10.1.0.3/32")],
            "bob", "alice", 2, "hub", .source, "AllowedIPs", "hub/wg1.conf:10"
        ),
        (
            "bob's hub-side AllowedIPs miss his address: alice -> bob has no peer on wg1",
            [Edit(file: "hub/wg1.conf", old: "10.1.0.2/32", new: "10.1.0.3/32")],
            "alice", "bob", 2, "hub", .peer, "AllowedIPs", "hub/wg1.conf:10"
        ),
        (
            "bob's AllowedIPs miss alice's subnet: bob drops alice's packet",
            [Edit(file: "bob/wg0.conf", old: "10.1.0.0/24, 10.0.0.0/24", new: "10.1.0.0/24")],
            "alice", "bob", 3, "bob", .source, "AllowedIPs", "bob/wg0.conf:8"
        ),
        (
            "Table = off on bob: the reply leaves through eth0",
            [Edit(file: "bob/wg0.conf", old: "Address = 10.1.0.2/24", new: "Address = 10.1.0.2/24\nTable = off")],
            "alice", "bob", 4, "bob", .route, "Table", "bob/wg0.conf:4"
        ),
        (
            "alice behind NAT without keepalive: the hub cannot reach her first",
            [Edit(file: "alice/wg0.conf", old: "PersistentKeepalive = 25", new: "")],
            "hub", "alice", 1, "hub", .endpoint, "PersistentKeepalive", "alice/wg0.conf"
        ),
        (
            "no initiator: alice has no Endpoint and the hub none for her",
            [Edit(file: "alice/wg0.conf", old: "Endpoint = 203.0.113.1:51820", new: "")],
            "alice", "bob", 1, "alice", .endpoint, "Endpoint", "alice/wg0.conf"
        ),
        (
            "preshared key on one side only",
            [
                Edit(
                    file: "hub/wg1.conf", old: "AllowedIPs = 10.1.0.2/32",
                    new: "AllowedIPs = 10.1.0.2/32\nPresharedKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
            ],
            "alice", "bob", 3, "bob", .handshake, "PresharedKey", "hub/wg1.conf:11"
        ),
        (
            "alice holds hub/wg1's key for her hub peer",
            [
                Edit(
                    file: "alice/wg0.conf", old: "2XkkbZGcBac9ofj+uut4o6y4WkrM6mJJ224wnPDSuiw=",
                    new: "jxxVyagYZBAmjF1I8vQsQ+thRp2vWfkZer3COrpaax4=")
            ],
            "alice", "bob", 1, "alice", .key, "PublicKey", "alice/wg0.conf:6"
        ),
        (
            "alice's Endpoint on hub/wg1's port",
            [Edit(file: "alice/wg0.conf", old: ":51820", new: ":51821")],
            "alice", "bob", 1, "alice", .endpoint, "Endpoint", "alice/wg0.conf:7"
        ),
    ]

    @Test("broken variants are dropped at the right hop", arguments: broken)
    func brokenVariant(_ c: (String, [Edit], String, String, Int, String, TraceCheck, String, String)) throws {
        let (name, edits, from, to, hop, host, check, setting, place) = c
        let r = try TraceNetworks.trace("trace-hub", from, to, edits: edits)
        let v = r.verdict
        #expect(!v.delivered, "\(name)")
        #expect(v.hop == hop, "\(name): \(v.summary)")
        #expect(v.host == host, "\(name)")
        #expect(v.check == check, "\(name): \(v.summary)")
        #expect(v.setting == setting, "\(name): \(v.summary)")
        #expect((v.location?.description ?? v.notSetIn) == place, "\(name): \(v.summary)")
        #expect(v.fix?.isEmpty == false, "\(name)")
    }

    @Test func fullTunnelClientStillReachesBob() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "alice/wg0.conf", old: "10.0.0.0/24, 10.1.0.0/24", new: "0.0.0.0/0")
            ])
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(
            r.hops[0].steps.first?.detail == "route 0.0.0.0/0 dev wg0 table 51820 (wg-quick's rule "
                + "`not fwmark 51820 table 51820` for AllowedIPs 0/0)")
    }

    @Test func noInitiatorFixNamesTheEndpoint() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "alice/wg0.conf", old: "Endpoint = 203.0.113.1:51820", new: "")
            ])
        #expect(r.verdict.fix == "add `Endpoint = 203.0.113.1:51820` to [Peer] at alice/wg0.conf:6")
    }

    @Test func fixSentencesNameTheValue() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "alice/wg0.conf", old: "10.0.0.0/24, 10.1.0.0/24", new: "10.0.0.0/24")
            ])
        #expect(r.verdict.fix == "add 10.1.0.0/24 to AllowedIPs of [Peer] hub/wg0 at alice/wg0.conf:8")
        let f = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "hub/wg0.conf", old: "PostUp = sysctl -w net.ipv4.ip_forward=1", new: "# no forwarding")
            ])
        #expect(
            f.verdict.fix?.hasPrefix(
                "add `PostUp = sysctl -w net.ipv4.ip_forward=1` to the [Interface] of "
                    + "hub/wg0.conf") == true)
    }

    @Test func jsonRoundTrips() throws {
        let r = try TraceNetworks.trace("trace-hub", "alice", "bob")
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(TraceResult.self, from: data) == r)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"check\":\"forwarding\""))
    }

    @Test("unusable input", arguments: ["nobody", "10.9.9.9", "not an address"])
    func unknownNodes(name: String) throws {
        #expect(throws: TraceError.unknownNode(name)) { try TraceNetworks.trace("trace-hub", "alice", name) }
    }
}
