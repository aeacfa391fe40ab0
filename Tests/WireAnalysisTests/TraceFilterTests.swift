import Testing
import WireConfig

@testable import WireAnalysis

/// Relays with stateful filtering and NAT, and the human report.
@Suite struct TraceFilterTests {
    typealias Edit = TraceNetworks.Edit

    /// hub: FORWARD policy DROP, wg0 -> wg1 allowed, replies allowed by conntrack.
    static let oneWay = [
        Edit(
            file: "hub/wg0.conf", old: TraceHubTests.acceptRules,
            new: "PostUp = iptables -P FORWARD DROP; iptables -A FORWARD -i wg0 -o wg1 -j ACCEPT; "
                + "iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"),
        Edit(file: "hub/wg1.conf", old: "PostUp = iptables", new: "# PostUp = iptables"),
    ]

    @Test func conntrackLetsRepliesBackButNotNewConnections() throws {
        let there = try TraceNetworks.trace("trace-hub", "alice", "bob", edits: Self.oneWay)
        #expect(there.verdict.delivered, "\(there.verdict.summary)")
        let reply = try #require(there.hops.first { $0.direction == .reply && $0.host == "hub" })
        #expect(reply.steps.first { $0.check == .filter }?.location?.description == "hub/wg0.conf:6")
        let back = try TraceNetworks.trace("trace-hub", "bob", "alice", edits: Self.oneWay)
        #expect(back.verdict.hop == 2 && back.verdict.check == .filter && back.verdict.setting == "FORWARD policy")
        #expect(
            back.verdict.fix == "add `PostUp = iptables -I FORWARD -i wg1 -o wg0 -j ACCEPT` to the [Interface] "
                + "of hub/wg1.conf")
    }

    @Test func masqueradeOnTheHubChangesTheSourceBobSees() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(
                    file: "hub/wg1.conf", old: "ListenPort = 51821",
                    new: "ListenPort = 51821\nPostUp = iptables -t nat -A POSTROUTING -o %i -j MASQUERADE"),
                // bob then needs only the hub's wg1 address
                Edit(file: "bob/wg0.conf", old: "10.1.0.0/24, 10.0.0.0/24", new: "10.1.0.1/32"),
            ])
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(r.hops[2].packet.source == "10.1.0.1")
        #expect(r.hops[3].packet.destination == "10.1.0.1")
        #expect(r.hops[4].steps.map(\.check).prefix(3) == [.handshake, .source, .unnat])
    }

    @Test func unknownHooksAreNoted() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "hub/wg1.conf", old: "ListenPort = 51821", new: "ListenPort = 51821\nPostUp = /opt/fw.sh %i")
            ])
        #expect(r.verdict.delivered)
        #expect(r.notes.contains { $0.contains("`/opt/fw.sh wg1`") && $0.contains("hub/wg1.conf:5") })
    }

    @Test func reportWithoutColourHasNoEscapes() throws {
        let r = try TraceNetworks.trace(
            "trace-hub", "alice", "bob",
            edits: [
                Edit(file: "hub/wg0.conf", old: "PostUp = sysctl -w net.ipv4.ip_forward=1", new: "# off")
            ])
        let plain = TraceReport.render(r, color: false)
        #expect(!plain.contains("\u{1B}"))
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "trace alice -> bob: 10.0.0.2 -> 10.1.0.2")
        #expect(lines.contains("  hop 2  hub  (10.0.0.2 -> 10.1.0.2, in on wg0)"))
        #expect(lines.contains { $0.hasPrefix("    FAIL forwarding  net.ipv4.ip_forward is not set on hub") })
        #expect(
            lines.contains(
                "dropped at hop 2 (hub, forward) by net.ipv4.ip_forward (not set; belongs in "
                    + "hub/wg0.conf): net.ipv4.ip_forward is not set on hub (Linux's default is 0): "
                    + "it does not forward from wg0 to wg1"))
        #expect(lines.contains { $0.hasPrefix("fix: add `PostUp = sysctl -w net.ipv4.ip_forward=1`") })
        #expect(TraceReport.render(r, color: true).contains("\u{1B}[31;1mFAIL\u{1B}[0m"))
    }
}

/// IPv6 through the two-interface hub: its own forwarding switch, and ip6tables rules apart from iptables ones.
@Suite struct TraceIPv6Tests {
    typealias Edit = TraceNetworks.Edit

    static let dualStack = [
        Edit(file: "hub/wg0.conf", old: "Address = 10.0.0.1/24", new: "Address = 10.0.0.1/24, fd00::1/64"),
        Edit(file: "hub/wg0.conf", old: "AllowedIPs = 10.0.0.2/32", new: "AllowedIPs = 10.0.0.2/32, fd00::2/128"),
        Edit(file: "hub/wg1.conf", old: "Address = 10.1.0.1/24", new: "Address = 10.1.0.1/24, fd01::1/64"),
        Edit(file: "hub/wg1.conf", old: "AllowedIPs = 10.1.0.2/32", new: "AllowedIPs = 10.1.0.2/32, fd01::2/128"),
        Edit(file: "alice/wg0.conf", old: "Address = 10.0.0.2/24", new: "Address = 10.0.0.2/24, fd00::2/64"),
        Edit(
            file: "alice/wg0.conf", old: "10.0.0.0/24, 10.1.0.0/24",
            new: "10.0.0.0/24, 10.1.0.0/24, fd00::/64, fd01::/64"),
        Edit(file: "bob/wg0.conf", old: "Address = 10.1.0.2/24", new: "Address = 10.1.0.2/24, fd01::2/64"),
        Edit(
            file: "bob/wg0.conf", old: "10.1.0.0/24, 10.0.0.0/24",
            new: "10.1.0.0/24, 10.0.0.0/24, fd01::/64, fd00::/64"),
    ]

    @Test func ipv6NeedsItsOwnForwardingSwitch() throws {
        let r = try TraceNetworks.trace("trace-hub", "fd00::2", "fd01::2", edits: Self.dualStack)
        #expect(r.verdict.hop == 2 && r.verdict.check == .forwarding)
        #expect(r.verdict.setting == "net.ipv6.conf.all.forwarding")
        #expect(try TraceNetworks.trace("trace-hub", "alice", "bob", edits: Self.dualStack).verdict.delivered)
    }

    @Test func ipv6DeliveredWithForwardingAndUnaffectedByIptables() throws {
        let on =
            Self.dualStack + [
                Edit(file: "hub/wg0.conf", old: "ip_forward=1", new: "ip_forward=1 net.ipv6.conf.all.forwarding=1"),
                Edit(
                    file: "hub/wg0.conf", old: TraceHubTests.acceptRules,
                    new: "PostUp = iptables -P FORWARD DROP"),
            ]
        let r = try TraceNetworks.trace("trace-hub", "fd00::2", "fd01::2", edits: on)
        #expect(r.verdict.delivered, "\(r.verdict.summary)")
        #expect(throws: TraceError.familyMismatch(from: "fd00::2", to: "10.1.0.2")) {
            try TraceNetworks.trace("trace-hub", "fd00::2", "10.1.0.2", edits: on)
        }
    }
}

/// Where a missing facts file is said to belong, in both directory layouts.
@Suite struct TraceFactsFileTests {
    @Test(
        "the loader's place for host.yaml",
        arguments: [
            ("net/hub/wg0.conf", "net/hub/host.yaml"),
            ("net/hub.wg0.conf", "net/hub.host.yaml"),
        ])
    func factsFilePlace(config: String, expected: String) throws {
        let text = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.1/24\n"
        let parsed = ConfigParser().parse(text, file: config)
        let hub = Host(
            name: "hub",
            interfaces: [
                TunnelInterface(
                    host: "hub", name: "wg0", file: config,
                    config: parsed.config, diagnostics: [])
            ])
        #expect(Tracer(network: Network(hosts: [hub])).factsFile(0) == expected)
    }
}
