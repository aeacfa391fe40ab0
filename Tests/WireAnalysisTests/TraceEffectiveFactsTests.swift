import Testing
import WireConfig

@testable import WireAnalysis

/// EffectiveFacts: what a host looks like after `wg-quick up`, from host.yaml and PreUp/PostUp lines.
@Suite struct TraceEffectiveFactsTests {
    static let key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="

    /// A host with one interface `wg0` whose config has these PostUp lines, read through the parser.
    func host(postUp: [String], facts: String? = nil) -> Host {
        var text = "[Interface]\nPrivateKey = \(Self.key)\nAddress = 10.0.0.1/24\n"
        for p in postUp { text += "PostUp = \(p)\n" }
        let parsed = ConfigParser().parse(text, file: "hub/wg0.conf")
        let iface = TunnelInterface(
            host: "hub", name: "wg0", file: "hub/wg0.conf", config: parsed.config,
            diagnostics: parsed.diagnostics, hookLines: HookLines.scan(text))
        let f = facts.map { HostFactsReader.parse($0, file: "hub/host.yaml").0 } ?? HostFacts()
        return Host(name: "hub", interfaces: [iface], facts: f)
    }

    @Test(
        "forwarding switches",
        arguments: [
            ("sysctl -w net.ipv4.ip_forward=1", IPFamily.ipv4, true),
            ("sysctl net.ipv4.conf.all.forwarding=1", .ipv4, true),
            ("sysctl -q -w net/ipv4/ip_forward=1", .ipv4, true),
            ("echo 1 > /proc/sys/net/ipv4/ip_forward", .ipv4, true),
            ("echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward", .ipv4, true),
            ("sysctl -w net.ipv6.conf.all.forwarding=1", .ipv6, true),
            ("sysctl -w net.ipv4.ip_forward=1; sysctl -w net.ipv4.ip_forward=0", .ipv4, false),
        ])
    func forwarding(line: String, family: IPFamily, expected: Bool) {
        let e = EffectiveFacts(host: host(postUp: ["true", line]))
        #expect(e.forwarding(family).value == expected)
        #expect(e.forwarding(family).source.location == SourceLocation(file: "hub/wg0.conf", line: 5))
        #expect(e.unknownEffects.isEmpty)
    }

    @Test func forwardingDefaultsToOffAndSaysSo() {
        let e = EffectiveFacts(host: host(postUp: []))
        #expect(e.ipv4Forwarding == Fact(false, .linuxDefault))
        #expect(e.ipv4Forwarding.source.isDefault)
        #expect(e.ipv4ForwardPolicy.value == .accept)
    }

    @Test func factsFileStatesForwardingAndUnknownsDoNotOverrideIt() {
        let e = EffectiveFacts(
            host: host(
                postUp: ["/usr/local/bin/setup-routing %i"],
                facts: "forwarding: { ipv4: true }\n"))
        #expect(e.ipv4Forwarding == Fact(true, .factsFile(SourceLocation(file: "hub/host.yaml", line: 1))))
        #expect(e.unknownEffects.map(\.command) == ["/usr/local/bin/setup-routing wg0"])
    }

    @Test func classicHubPostUp() throws {
        let line =
            "iptables -A FORWARD -i %i -j ACCEPT; iptables -A FORWARD -o %i -j ACCEPT; "
            + "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE"
        let e = EffectiveFacts(host: host(postUp: [line]))
        #expect(e.forwardRules.map(\.inInterface) == ["wg0", nil])
        #expect(e.forwardRules.map(\.outInterface) == [nil, "wg0"])
        #expect(e.forwardRules.allSatisfy { $0.family == .ipv4 && $0.action == .accept })
        #expect(
            e.masquerade == [
                MasqueradeRule(
                    outInterface: "eth0", source: nil,
                    location: SourceLocation(file: "hub/wg0.conf", line: 4),
                    family: .ipv4)
            ])
        #expect(e.unknownEffects.isEmpty)
    }

    @Test func policyDropThenConntrackAndInsert() throws {
        let e = EffectiveFacts(
            host: host(postUp: [
                "iptables -P FORWARD DROP",
                "iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "iptables -I FORWARD -i wg0 -o wg1 -j ACCEPT",
            ]))
        #expect(e.ipv4ForwardPolicy.value == .drop)
        #expect(e.ipv6ForwardPolicy.value == .accept)
        #expect(e.forwardRules.count == 2)
        #expect(e.forwardRules[0].inInterface == "wg0")
        let a = try #require(IPAddress("10.0.0.2"))
        let b = try #require(IPAddress("10.1.0.2"))
        let out = e.forwardDecision(
            family: .ipv4, inInterface: "wg0", outInterface: "wg1", source: a,
            destination: b, state: .new)
        #expect(out.action == .accept && out.location?.line == 6)
        let back = e.forwardDecision(
            family: .ipv4, inInterface: "wg1", outInterface: "wg0", source: b,
            destination: a, state: .established)
        #expect(back.action == .accept && back.location?.line == 5)
        let fresh = e.forwardDecision(
            family: .ipv4, inInterface: "wg1", outInterface: "wg0", source: b,
            destination: a, state: .new)
        #expect(fresh.action == .drop && fresh.rule == nil && fresh.location?.line == 4)
    }

    @Test func nftForms() {
        let e = EffectiveFacts(
            host: host(postUp: [
                "nft add rule inet filter forward iifname \"%i\" accept",
                "nft add rule ip nat postrouting oifname eth0 masquerade",
                "nft add chain inet filter forward '{ type filter hook forward priority 0; policy drop; }'",
            ]))
        #expect(e.forwardRules.count == 1 && e.forwardRules[0].inInterface == "wg0" && e.forwardRules[0].family == nil)
        #expect(e.masquerade.first?.outInterface == "eth0" && e.masquerade.first?.family == .ipv4)
        #expect(e.ipv4ForwardPolicy.value == .drop && e.ipv6ForwardPolicy.value == .drop)
        #expect(e.unknownEffects.isEmpty)
    }

    @Test func inputAndOutputChains() {
        let e = EffectiveFacts(
            host: host(postUp: [
                "iptables -A INPUT -p udp --dport 51820 -j DROP; ip6tables -P OUTPUT DROP",
                "nft add rule inet filter input iifname wg0 udp dport 53 accept",
            ]))
        #expect(e.unknownEffects.isEmpty, "\(e.unknownEffects)")
        #expect(e.inputRules.count == 2 && e.inputRules[0].dport == 51820 && e.inputRules[0].chain == .input)
        #expect(e.chainPolicies[.output]?[.ipv6]?.value == .drop && e.chainPolicies[.output]?[.ipv4] == nil)
        let udp = e.filterDecision(
            .input, family: .ipv4, inInterface: "eth0", source: nil, destination: nil, state: .new, proto: "udp",
            dport: 51820)
        #expect(udp.action == .drop)
        let other = e.filterDecision(
            .input, family: .ipv4, inInterface: "eth0", source: nil, destination: nil, state: .new, proto: "udp",
            dport: 51821)
        #expect(other.action == .accept)
        let ping = e.filterDecision(
            .input, family: .ipv4, inInterface: "wg0", source: nil, destination: nil, state: .new, proto: "icmp")
        #expect(ping.action == .accept)
        #expect(
            e.filterDecision(
                .output, family: .ipv6, outInterface: "wg0", source: nil, destination: nil, state: .new, proto: "icmp"
            ).action == .drop)
    }

    @Test(
        "unknown commands are kept, not guessed",
        arguments: [
            "iptables -A FORWARD ! -i wg0 -j ACCEPT",
            "iptables -t raw -A PREROUTING -j NOTRACK",
            "wg set %i peer abc allowed-ips 10.0.0.0/24",
            "sysctl -p",
            "nft -f /etc/nftables.conf",
            "ip rule add fwmark 1 table 2",
        ])
    func unknown(line: String) {
        let e = EffectiveFacts(host: host(postUp: [line]))
        #expect(e.unknownEffects.count == 1)
        #expect(e.unknownEffects.first?.location == SourceLocation(file: "hub/wg0.conf", line: 4))
        #expect(e.forwardRules.isEmpty && e.ipv4ForwardPolicy.source.isDefault && e.ipv4Forwarding.source.isDefault)
    }

    @Test func routesFromHooks() throws {
        let e = EffectiveFacts(
            host: host(postUp: [
                "ip route add 192.168.5.0/24 dev %i",
                "ip -6 route add default dev %i table 7",
            ]))
        #expect(e.routes.map(\.prefix.description) == ["192.168.5.0/24", "::/0"])
        #expect(e.routes.map(\.table) == [nil, "7"])
    }

    @Test func shellSplittingRespectsQuotes() {
        let cmds = HookCommand.split(
            "a 'x; y' && b \"%i\" || c; d", interface: "wg1", hook: .postUp,
            location: SourceLocation(file: "f", line: 1))
        #expect(cmds.map(\.words) == [["a", "x; y"], ["b", "wg1"], ["c"], ["d"]])
    }
}
