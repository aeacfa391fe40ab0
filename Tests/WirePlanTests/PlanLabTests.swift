import Foundation
import Testing
import WireAnalysis
import WireLab
import WirePlan
import WireTestSupport

/// Labs run when they can, and also when required (WIRESMITH_REQUIRE_LAB=1), to fail loudly.
let planLabCanRun: Bool = {
    if TestTools.labRequired { return true }
    do { try Lab.preflight(LabOptions()) } catch { return false }
    return true
}()

/// A planned network built for real (namespaces, NAT routers, wg-quick, wireguard-go) and checked by `lab check`:
/// every pair the intent allows answers in every phase, every pair it denies does not, and in the cold phase the hub
/// reaches its NAT'd clients before they have sent any data. Root only; the lab is removed pass or fail.
@Suite(.serialized, .enabled(if: planLabCanRun)) struct PlanLabTests {
    /// (example, implementation) for `plannedNetworkPassesLabCheck`: every example on both, but isolation on
    /// wireguard-go, which `isolationPlanPassesLabCheck` covers.
    static let cases: [(String, String)] = ["wireguard-go", "wiresmithd"].flatMap { impl in
        PlanExamplesTests.examples.filter { impl == "wiresmithd" || $0 != "isolation" }.map { ($0, impl) }
    }

    @Test func isolationPlanPassesLabCheck() throws {
        try Lab.preflight(LabOptions())
        let (dir, _) = try PlanExamplesTests.plan("isolation")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        var options = LabOptions()
        options.id = "p" + String(format: "%06x", Int.random(in: 0..<0xffffff))
        defer { _ = try? Lab.down(id: options.id!, options: options) }
        let plan = try Lab.up(directory: dir, options: options)
        let matrix = try Lab.check(
            plan, options: options, verdicts: TraceVerdicts.provider(for: plan),
            expectations: TraceVerdicts.expectations(for: plan))
        #expect(matrix.passed, "\(matrix.rendered())")
        // The hub reaches NAT'd alice right after up, before alice sent anything but its keepalive.
        #expect(matrix.result(from: "hub", to: "10.0.0.2", in: .cold)?.answered == true)
        // Denied both ways, in every phase.
        for phase in LabPhase.allCases {
            #expect(matrix.result(from: "alice", to: "10.1.0.2", in: phase)?.answered == false)
            #expect(matrix.result(from: "guest1", to: "10.1.0.3", in: phase)?.answered == false)
            #expect(matrix.result(from: "alice", to: "10.0.0.3", in: phase)?.answered == true)
        }
        // Guests that widen their own AllowedIPs still cannot reach each other: the hub's forward chain drops it.
        let hubKey = try #require(try hubWg1Key(dir))
        let widen = ["wg", "set", "wg1", "peer", hubKey, "allowed-ips", "10.0.0.0/8"]
        // Both guests widen theirs, so only the hub stands between them.
        for guest in ["guest1", "guest2"] {
            #expect(try Lab.run(plan, node: guest, command: widen).succeeded)
            _ = try Lab.run(plan, node: guest, command: ["ip", "route", "replace", "10.1.0.0/24", "dev", "wg1"])
        }
        #expect(try Lab.run(plan, node: "hub", command: ["ping", "-c", "1", "-W", "2", "10.1.0.3"]).succeeded)
        let leak = try Lab.run(plan, node: "guest1", command: ["ping", "-c", "2", "-W", "1", "10.1.0.3"])
        #expect(!leak.succeeded, "\(leak.output)")
        let table = try Lab.run(plan, node: "hub", command: ["nft", "list", "table", "inet", "wiresmith_wg1"])
        #expect(table.succeeded && table.output.contains("drop"), "\(table.output)")
    }

    /// Every planned shape on both userspace implementations wg-quick can start: wireguard-go and wiresmithd, this
    /// project's own (the isolation example on wireguard-go has its own test above, with the leak checks). `lab
    /// check` must pass as intended and as trace predicted: every pair the intent allows answers in every phase,
    /// every pair it denies never does, and each hub reaches each of its NAT'd clients in the cold phase, before that
    /// client has sent anything but its keepalive.
    @Test(arguments: PlanLabTests.cases)
    func plannedNetworkPassesLabCheck(_ example: String, _ implementation: String) throws {
        try Lab.preflight(LabOptions())
        let binary =
            implementation == "wiresmithd"
            ? try #require(TestTools.builtBinary("wiresmithd"), "wiresmithd is not built") : implementation
        let (dir, network) = try PlanExamplesTests.plan(example)
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let topology = try TopologyReader.read(path: TestTools.packageRoot.path + "/examples/plan/\(example).yaml")
        var options = LabOptions(implementation: binary)
        options.id = "w" + String(format: "%06x", Int.random(in: 0..<0xffffff))
        defer { _ = try? Lab.down(id: options.id!, options: options) }
        let plan = try Lab.up(directory: dir, options: options)
        let matrix = try Lab.check(
            plan, options: options, verdicts: TraceVerdicts.provider(for: plan),
            expectations: TraceVerdicts.expectations(for: plan))
        #expect(matrix.passed, "\(matrix.rendered())")
        #expect(matrix.disagreements.isEmpty, "\(matrix.rendered())")
        let allowed = matrix.results.filter { $0.expectation?.kind == .mustReach }
        let denied = matrix.results.filter { $0.expectation?.kind == .mustNotReach }
        #expect(!allowed.isEmpty && allowed.allSatisfy(\.answered))
        #expect(denied.allSatisfy { !$0.answered })
        if example == "isolation" { #expect(denied.count >= 8 * LabPhase.allCases.count) }
        // Every NAT'd client of a hub is reached by that hub right after up.
        var coldChecks = 0
        for net in topology.networks {
            guard let hub = net.hub else { continue }
            for member in net.members.map(\.name) where topology.host(member)?.behindNAT == true {
                let address = try #require(
                    network.hosts.first { $0.name == member }?.interfaces.first?.config.interface.addresses.first)
                let cold = matrix.result(from: hub, to: address.address.description, in: .cold)
                #expect(cold?.answered == true, "\(hub) -> \(member) \(address.address) cold")
                coldChecks += 1
            }
        }
        let hubbedNAT = topology.networks.contains { n in
            n.hub != nil && n.members.contains { topology.host($0.name)?.behindNAT == true }
        }
        #expect(coldChecks > 0 || !hubbedNAT)
        print(
            "plan on \(implementation): \(example): \(matrix.results.count) probes, \(allowed.count) allowed all "
                + "answered, \(denied.count) denied none answered, hubs reached \(coldChecks) NAT'd clients cold")
    }

    /// The hub and two clients of the isolation example rotated live, interface by interface, in rollout order
    /// (spokes first, hub last) with `wg set` only: after each interface's steps every must-reach pair answers and
    /// every must-not-reach pair still does not. While each interface's steps run, every intended pair is pinged
    /// every 20 ms; each must answer again after the step, and the probes lost and the longest gap are printed
    /// (figures in docs/plan.md; no threshold: a loaded machine stretches them).
    @Test(arguments: ["wireguard-go", "wiresmithd"])
    func rotationRolloutKeepsEveryIntendedPair(_ implementation: String) throws {
        try Lab.preflight(LabOptions())
        let binary =
            implementation == "wiresmithd"
            ? try #require(TestTools.builtBinary("wiresmithd"), "wiresmithd is not built") : implementation
        let (dir, network) = try PlanExamplesTests.plan("isolation")
        let base = (dir as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: base) }
        var options = LabOptions(implementation: binary)
        options.id = "r" + String(format: "%06x", Int.random(in: 0..<0xffffff))
        defer { _ = try? Lab.down(id: options.id!, options: options) }
        let plan = try Lab.up(directory: dir, options: options)
        // Pairs by first tunnel address, with what the intent says; rotated hosts' pairs first.
        let firsts = network.hosts.compactMap { h in
            h.interfaces.first?.config.interface.addresses.first.map { (h.name, $0.address) }
        }.sorted { (["alice", "guest1"].contains($0.0) ? 0 : 1) < (["alice", "guest1"].contains($1.0) ? 0 : 1) }
        // A pair that must answer gets three tries (a handshake may be under way); one that must not, one second.
        func ping(_ from: String, _ to: String, must: Bool) throws -> Bool {
            for _ in 0..<(must ? 3 : 1) {
                let r = try Lab.run(plan, node: from, command: ["ping", "-c", "1", "-W", must ? "2" : "1", to])
                if r.succeeded { return true }
            }
            return false
        }
        func checkAll(_ step: String) throws {
            for a in firsts {
                for b in firsts where b.0 != a.0 {
                    let must = network.expectation(
                        from: IntentParty(host: a.0, address: a.1), to: IntentParty(host: b.0, address: b.1))
                    let answered = try ping(a.0, b.1.description, must: must.kind == .mustReach)
                    #expect(answered == (must.kind == .mustReach), "after \(step): \(a.0) -> \(b.0) \(b.1)")
                }
            }
        }
        try checkAll("up")
        // The probed pairs: each unordered pair of hosts that must reach each other both ways, by the first address
        // of the target (in interface order) the intent allows.
        var pairs: [(String, String)] = []
        for (i, a) in network.hosts.enumerated() {
            for b in network.hosts[(i + 1)...] {
                let targets = b.interfaces.compactMap { $0.config.interface.addresses.first?.address }
                let sources = a.interfaces.compactMap { $0.config.interface.addresses.first?.address }
                let both = targets.first { t in
                    sources.contains { s in
                        network.expectation(
                            from: IntentParty(host: a.name, address: s), to: IntentParty(host: b.name, address: t)
                        ).kind == .mustReach
                            && network.expectation(
                                from: IntentParty(host: b.name, address: t), to: IntentParty(host: a.name, address: s)
                            ).kind == .mustReach
                    }
                }
                if let both { pairs.append((a.name, both.description)) }
            }
        }
        #expect(pairs.count >= 5, "\(pairs)")
        let rotation = try Rotation(network: network, hosts: ["hub", "alice", "guest1"])
        let order = rotation.ordered
        #expect(order.last?.interface.host == "hub")
        var report: [String] = []
        for c in order {
            let me = c.interface
            let probes = try pairs.map { try GapProbe(plan, from: $0.0, to: $0.1) }
            // Half a second of answers before the step begins, so that a gap seen is the step's (not an assertion:
            // a probe that starts late only measures less).
            Thread.sleep(forTimeInterval: 0.5)
            // The rollout's own commands: step 1 on every peer, step 2 on the host, step 3 on every peer.
            for (host, command) in c.learnCommands() {
                #expect(try Lab.run(plan, node: host, command: command).succeeded, "\(command)")
            }
            let keyFile = base + "/\(me.host)-\(me.interface).key"
            _ = FileManager.default.createFile(
                atPath: keyFile, contents: Data((c.newPrivate.base64 + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
            #expect(
                try Lab.run(plan, node: me.host, command: ["wg", "set", me.interface, "private-key", keyFile]).succeeded
            )
            // Each peer waits for the host's handshake under the new key (the probes are traffic, so it comes), at
            // most 50 looks; the count is printed, not asserted.
            var looks: [Int] = []
            for (host, command) in c.handshakeChecks() {
                var n = 1
                while n < 50, !c.handshakeDone(try Lab.run(plan, node: host, command: command).output) { n += 1 }
                looks.append(n)
            }
            for (host, command) in c.moveCommands() {
                #expect(try Lab.run(plan, node: host, command: command).succeeded, "\(command)")
            }
            report.append("\(me): handshake seen by each peer after \(looks) look(s)")
            let stepEnd = Date().timeIntervalSince1970
            try checkAll("\(me)")
            for probe in probes {
                let r = try probe.stop()
                #expect(r.answered(after: stepEnd), "\(r.from) -> \(r.to) never answered again after \(me)'s step")
                report.append(
                    "\(me): \(r.from) -> \(r.to): \(r.sent) probes, \(r.lost) lost, longest gap "
                        + String(format: "%.0f ms", r.longestGapMs))
            }
        }
        print("rotation gaps on \(implementation) (ping every 20 ms per intended pair, during each interface's steps):")
        for line in report { print("  " + line) }
    }

    /// The hub's wg1 public key as guest1's config names it.
    func hubWg1Key(_ dir: String) throws -> String? {
        let text = try String(contentsOfFile: dir + "/guest1/wg1.conf", encoding: .utf8)
        return text.split(separator: "\n").first { $0.hasPrefix("PublicKey = ") }.map { String($0.dropFirst(12)) }
    }
}
