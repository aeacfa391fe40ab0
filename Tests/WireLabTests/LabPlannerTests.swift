import Foundation
import Testing
import WireAnalysis
import WireConfig

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

    @Test func twoHostsClaimingOneAddressIsAnError() throws {
        let (a, _) = HostFactsReader.parse("public_addresses: [192.0.2.1]", file: "a/host.yaml")
        let (b, _) = HostFactsReader.parse("public_addresses: [192.0.2.1]", file: "b/host.yaml")
        let network = Network(hosts: [
            Host(name: "a", interfaces: [], facts: a),
            Host(name: "b", interfaces: [], facts: b),
        ])
        #expect(throws: LabError.self) { try LabPlanner(id: "t3").plan(network: network, directory: "/d") }
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

    @Test func matrixPassesOnlyWhenEveryProbeIsAsExpected() {
        let t = ProbeTarget(host: "bob", label: "wg0", address: "10.1.0.2", kind: .tunnel)
        let answered = ProbeResult(source: "alice", target: t, sent: 3, received: 2, verdict: nil)
        let silent = ProbeResult(source: "alice", target: t, sent: 3, received: 0, verdict: nil)
        let predictedSilent = ProbeResult(
            source: "alice", target: t, sent: 3, received: 0,
            verdict: Verdict(reachable: false, explanation: "no route"))
        let surprise = ProbeResult(
            source: "alice", target: t, sent: 3, received: 3,
            verdict: Verdict(reachable: false, explanation: "no route"))
        func m(_ r: ProbeResult) -> ReachabilityMatrix {
            ReachabilityMatrix(labID: "x", sources: ["alice"], targets: [t], results: [r])
        }
        #expect(m(answered).passed)
        #expect(!m(silent).passed)
        #expect(m(predictedSilent).passed && m(predictedSilent).disagreements.isEmpty)
        #expect(!m(surprise).passed && m(surprise).disagreements.count == 1)
        #expect(m(surprise).rendered().contains("alice -> bob wg0 10.1.0.2: answered; trace: unreachable (no route)"))
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
        let first = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(first["answered"] as? Bool == false && first["agrees"] as? Bool == false)
        let back = try JSONDecoder().decode(ReachabilityMatrix.self, from: data)
        #expect(back.results == m.results && back.targets == m.targets)
    }
}
