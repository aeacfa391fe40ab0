import Foundation
import Testing
import WireAnalysis
import WireConfig
import WireTestSupport

@testable import WireLab

/// The plan is pure: who owns which public address, who is behind NAT, what the lab's /etc/hosts says.
@Suite struct LabPlannerTests {
    static let networks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Networks")

    func plan(_ name: String) throws -> LabPlan {
        let dir = LabPlannerTests.networks.appendingPathComponent(name).path
        let network = try NetworkLoader().load(directory: dir)
        return try LabPlanner(id: "t1", runRoot: "/nonexistent").plan(network: network, directory: dir)
    }

    @Test func endpointLinesGiveTheHubItsPublicAddressAndName() throws {
        let p = try plan("two-hub")
        let hub = try #require(p.host("hub"))
        #expect(hub.publicAddresses == ["192.0.2.10"])  // bob's Endpoint names it by address
        #expect(hub.nat == nil)
        #expect(p.hostsFile.contains("192.0.2.10\thub.lab.test"))  // alice's Endpoint names it by name
        #expect(hub.namespace == "wst1-h-hub")
        #expect(hub.interfaces.map(\.name) == ["wg0", "wg1"])
        #expect(hub.interfaces.map(\.addresses) == [["10.0.0.1"], ["10.1.0.1"]])
    }

    @Test func hostsNobodyDialsSitBehindNAT() throws {
        let p = try plan("two-hub")
        for name in ["alice", "bob"] {
            let h = try #require(p.host(name))
            let nat = try #require(h.nat, "\(name) has no public address, so it must be behind NAT")
            #expect(nat.namespace == "wst1-n-\(name)")
            #expect(nat.forwardedPorts.isEmpty)
            #expect(h.publicAddresses.count == 1)  // the NAT router's, from the lab's pool
            #expect(!h.publicAddresses.contains("192.0.2.10"))
        }
        #expect(p.host("alice")!.nat!.hostIPv4 != p.host("bob")!.nat!.hostIPv4)
    }

    @Test func factsMakeLANsAndForwarding() throws {
        let yaml = """
            public_addresses: [198.51.100.7]
            forwarding: true
            lans:
              - { name: office, prefix: 192.168.10.0/24, interface: eth1, address: 192.168.10.1 }
            forward_policy: drop
            forward_rules:
              - { in: wg0, out: eth1, action: accept }
            """
        let (facts, diags) = HostFactsReader.parse(yaml, file: "gw/host.yaml")
        #expect(diags.isEmpty)
        let network = Network(hosts: [Host(name: "gw", interfaces: [], facts: facts)])
        let p = try LabPlanner(id: "t2", runRoot: "/x").plan(network: network, directory: "/d")
        let gw = try #require(p.host("gw"))
        #expect(gw.nat == nil)
        #expect(gw.publicAddresses == ["198.51.100.7"])
        #expect(
            gw.lans == [
                LANPlan(
                    name: "office", namespace: "wst2-l-gw-office", interface: "eth1",
                    hostAddress: "192.168.10.1", machineAddress: "192.168.10.2", prefixLength: 24)
            ])
        #expect(gw.forwardingIPv4 == true && gw.forwardingIPv6 == true)
        #expect(gw.firewall.contains(["iptables", "-P", "FORWARD", "DROP"]))
        #expect(gw.firewall.contains(["iptables", "-A", "FORWARD", "-i", "wg0", "-o", "eth1", "-j", "ACCEPT"]))
    }

    /// A stated NAT UDP timeout goes to the host's NAT router; unstated, the router keeps Linux's and the check holds
    /// keepalives to the analysis's assumed 30 s. Out-of-range values are facts errors naming the line.
    @Test func natUDPTimeoutReachesTheNATRouter() throws {
        let (cli, diags) = HostFactsReader.parse("behind_nat: true\nnat_udp_timeout: 45\n", file: "cli/host.yaml")
        #expect(diags.isEmpty && cli.natUDPTimeout == 45 && cli.effectiveNATUDPTimeout == 45)
        let (other, _) = HostFactsReader.parse("behind_nat: true\n", file: "other/host.yaml")
        #expect(other.natUDPTimeout == nil && other.effectiveNATUDPTimeout == HostFacts.assumedNATUDPTimeout)
        let network = Network(hosts: [
            Host(name: "cli", interfaces: [], facts: cli), Host(name: "other", interfaces: [], facts: other),
        ])
        let p = try LabPlanner(id: "t4", runRoot: "/x").plan(network: network, directory: "/d")
        #expect(p.host("cli")?.nat?.udpTimeout == 45)
        #expect(p.host("other")?.nat?.udpTimeout == nil)
        #expect(p.host("other")?.nat?.effectiveUDPTimeout == 30)
        for bad in ["nat_udp_timeout: 0", "nat_udp_timeout: soon", "nat_udp_timeout: 86401"] {
            let (f, d) = HostFactsReader.parse("behind_nat: true\n" + bad + "\n", file: "x/host.yaml")
            #expect(f.natUDPTimeout == nil)
            #expect(d.contains { $0.location.line == 2 && $0.message.contains("seconds") }, "\(bad): \(d)")
        }
    }

    /// An Endpoint pointing at a host that is not the peer is a fault to measure, not a reason to refuse: the
    /// address belongs to the host facts give it to, and the other claim reaches that host, as in life.
    @Test func anAddressClaimedTwiceGoesToItsFirstOwner() throws {
        let (a, _) = HostFactsReader.parse("public_addresses: [192.0.2.1]", file: "a/host.yaml")
        let (b, _) = HostFactsReader.parse("public_addresses: [192.0.2.1]", file: "b/host.yaml")
        let network = Network(hosts: [
            Host(name: "a", interfaces: [], facts: a),
            Host(name: "b", interfaces: [], facts: b),
        ])
        let plan = try LabPlanner(id: "t3").plan(network: network, directory: "/d")
        #expect(plan.host("a")?.publicAddresses == ["192.0.2.1"])
        #expect(plan.host("b")?.publicAddresses.contains("192.0.2.1") == false)
    }

    /// Lab names resolve only as the facts say: exactly a `names` entry or a host's own name, never a guess.
    @Test func onlyNamesTheFactsGiveResolve() throws {
        let (hub, _) = HostFactsReader.parse("names: [hub.example]", file: "hub/host.yaml")
        let network = Network(hosts: [Host(name: "hub", interfaces: [], facts: hub)])
        #expect(LabPlanner.host(named: "HUB.example", in: network) == "hub")
        #expect(LabPlanner.host(named: "hub", in: network) == "hub")
        #expect(LabPlanner.host(named: "hub.exmaple", in: network) == nil)
    }

    @Test func labAddressesStayClearOfTheConfigs() throws {
        var pool = AddressPool(avoiding: [IPPrefix("100.64.0.0/29")!, IPPrefix("203.0.113.200/31")!])
        let link = pool.nextPrivateV4()
        let (host, router) = try #require(link)
        #expect(host == "100.64.0.10/30" && router == "100.64.0.9/30")
        #expect(pool.nextPublicV4() == IPAddress("203.0.113.202"))
    }
}

/// Parsing what ping, wg and wg-quick print.
@Suite struct LabOutputParsingTests {
    @Test(arguments: [
        ("3 packets transmitted, 3 received, 0% packet loss, time 402ms", 3, 3),
        ("3 packets transmitted, 0 received, 100% packet loss, time 2030ms", 3, 0),
        ("3 packets transmitted, 1 received, +2 errors, 66.6667% packet loss, time 2ms", 3, 1),
        ("ping: connect: Network is unreachable", 0, 0),
    ])
    func pingSummary(line: String, sent: Int, received: Int) {
        let (s, r) = LabCheck.parsePing("PING x\n\n--- x ping statistics ---\n\(line)\n")
        #expect(s == sent && r == received)
    }

    @Test func keepaliveHandshakesAreAwaitedOnlyWhereKeepaliveAndEndpointAreSet() {
        let iface = "wg0\tPRIV\tPUB\t51820\toff"
        let waiting = "wg0\tK1\t(none)\t192.0.2.1:51820\t10.0.0.0/24\t0\t0\t0\t25"
        let done = "wg0\tK1\t(none)\t192.0.2.1:51820\t10.0.0.0/24\t1763890000\t92\t148\t25"
        let noEndpoint = "wg0\tK2\t(none)\t(none)\t10.0.0.2/32\t0\t0\t0\t25"
        let noKeepalive = "wg0\tK3\t(none)\t192.0.2.1:51820\t10.0.0.3/32\t0\t0\t0\toff"
        #expect(!LabCheck.keepalivesDone([iface, waiting].joined(separator: "\n")))
        #expect(LabCheck.keepalivesDone([iface, done, noEndpoint, noKeepalive].joined(separator: "\n")))
    }

    /// The kernel's router solicitations go to a peer whose AllowedIPs cover ff02::2: on an interface that sends
    /// them (its link-local address replayed), that peer's handshake is awaited though keepalive is off.
    @Test func routerSolicitationHandshakesAreAwaitedWhereAllowedIPsCoverAllRouters() {
        let fullTunnel = "wg0\tK1\t(none)\t192.0.2.50:51820\t0.0.0.0/0,::/0\t0\t0\t0\toff"
        let v4Only = "wg0\tK2\t(none)\t192.0.2.51:51820\t0.0.0.0/0\t0\t0\t0\toff"
        #expect(!LabCheck.keepalivesDone(fullTunnel, soliciting: ["wg0"]))
        #expect(LabCheck.keepalivesDone(fullTunnel, soliciting: ["wg1"]))
        #expect(LabCheck.keepalivesDone(v4Only, soliciting: ["wg0"]))
        #expect(WgDump(fullTunnel).peers.first?.allowedIPs == ["0.0.0.0/0", "::/0"])
        #expect(LabRouterSolicitations.reaches(dumped: ["ff00::/8"]))
        #expect(!LabRouterSolicitations.reaches(dumped: ["fd00::/8", "10.0.0.0/8"]))
    }

    @Test func wgQuickFailureIsTracedToTheConfigLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wsl-\(UUID().uuidString).conf").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[Interface]\nPrivateKey = x\nAddress = 10.6.0.2/32\nPostUp = ip route add 10.99.0.0/16 dev nope\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let output =
            "[#] ip -4 address add 10.6.0.2/32 dev wg0\n[#] ip route add 10.99.0.0/16 dev nope\n"
            + "Cannot find device \"nope\"\n[#] ip link delete dev wg0\n"
        // wg-quick's own cleanup line comes last; the failing command is the one before it.
        let loc = WgQuickOutput.location(of: output, in: file)
        #expect(loc?.line == 4)
    }

    /// The exit status: 1 when the intent is not met, else 3 when trace predicted otherwise, else 0.
    @Test func statusIsIntentFirstThenTrace() {
        let t = ProbeTarget(host: "bob", label: "wg0", address: "10.1.0.2", kind: .tunnel)
        let reach = ProbeExpectation(.mustReach, rule: ProbeExpectation.defaultRule)
        let deny = ProbeExpectation(.mustNotReach, rule: "isolate [a, b]")
        func r(_ received: Int, _ predicted: Bool?, _ e: ProbeExpectation?, _ phase: LabPhase = .cold) -> ProbeResult {
            ProbeResult(
                source: "alice", target: t, phase: phase, sent: 1, received: received,
                verdict: predicted.map { Verdict(reachable: $0, explanation: "no route") }, expectation: e)
        }
        func m(_ rs: ProbeResult...) -> ReachabilityMatrix {
            ReachabilityMatrix(
                labID: "x", sources: ["alice"], targets: [t], phases: LabPhase.allCases, results: rs)
        }
        #expect(m(r(1, true, reach)).status == .passed)
        #expect(m(r(1, nil, nil)).status == .passed)
        #expect(m(r(0, false, reach)).status == .intentNotMet)  // broken, and trace knew: 1
        #expect(m(r(0, true, reach)).status == .intentNotMet)  // broken, trace wrong too: still 1
        #expect(m(r(0, false, deny)).status == .passed)  // an isolation that holds
        #expect(m(r(1, false, deny)).status == .intentNotMet)  // an isolation that leaks
        #expect(m(r(1, false, reach)).status == .traceDisagrees)  // as intended, trace wrong: 3
        // One phase failing is enough: must reach means in every phase.
        let nat = m(r(0, false, reach, .cold), r(1, true, reach, .warm), r(0, false, reach, .idle))
        #expect(nat.status == .intentNotMet && nat.failures.count == 2)
        let text = nat.rendered()
        #expect(text.contains("alice       -o-x") || text.contains("-o-x"))
        #expect(text.contains("alice -> bob wg0 10.1.0.2 [cold, idle]: no answer, must reach"))
        #expect(text.contains("trace: no route"))
        let surprise = m(r(1, false, reach)).rendered()
        #expect(surprise.contains("alice -> bob wg0 10.1.0.2 [cold]: answered; trace: unreachable (no route)"))
        #expect(surprise.contains("a defect of wiresmith"))
    }
}

/// `lab check --json`: the stored fields plus what a script wants without recomputing it.
@Suite struct ReachabilityJSONTests {
    @Test func jsonCarriesPassedAnsweredAndAgreementAndRoundTrips() throws {
        let t = ProbeTarget(host: "bob", label: "wg0", address: "10.1.0.2", kind: .tunnel)
        let r = ProbeResult(
            source: "alice", target: t, sent: 1, received: 0,
            verdict: Verdict(reachable: true, explanation: "delivered"))
        let m = ReachabilityMatrix(labID: "ab12", sources: ["alice"], targets: [t], results: [r])
        let data = try JSONEncoder().encode(m)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
        #expect(object["disagreements"] as? Int == 1)
        #expect(object["status"] as? Int == 3)  // no intent stated for it; trace predicted otherwise
        let first = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(first["answered"] as? Bool == false && first["agrees"] as? Bool == false)
        let back = try JSONDecoder().decode(ReachabilityMatrix.self, from: data)
        #expect(back.results == m.results && back.targets == m.targets)
    }
}

/// README, docs/lab.md and `lab check --help` state the same exit codes, word for word.
@Suite struct ExitStatusTextTests {
    static func block(_ text: String) -> String? {
        guard let start = text.range(of: "Exit status:\n  0  as intended") else { return nil }
        let lines = text[start.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(12).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }

    @Test(.enabled(if: LabEnvironment.binary != nil)) func readmeDocsAndHelpSayTheSame() throws {
        let root = LabEnvironment.packageRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let docs = try String(contentsOf: root.appendingPathComponent("docs/lab.md"), encoding: .utf8)
        let p = try TestTools.run([LabEnvironment.binary!, "lab", "check", "--help"])
        let help = String(decoding: p.stdout, as: UTF8.self)
        let a = try #require(Self.block(readme))
        #expect(a.contains("3  as intended, but trace predicted otherwise than measured: a defect"))
        #expect(Self.block(docs) == a)
        #expect(Self.block(help) == a, "\(help)")
    }
}
