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
    }

    /// The hub and two clients of the isolation example rotated live, interface by interface, in rollout order
    /// (spokes first, hub last) with `wg set` only: after each interface's steps every must-reach pair answers and
    /// every must-not-reach pair still does not.
    @Test func rotationRolloutKeepsEveryIntendedPair() throws {
        try Lab.preflight(LabOptions())
        let (dir, network) = try PlanExamplesTests.plan("isolation")
        let base = (dir as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: base) }
        var options = LabOptions()
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
        let rotation = try Rotation(network: network, hosts: ["hub", "alice", "guest1"])
        let order = rotation.changes.sorted { ($0.peers.count, $0.interface) < ($1.peers.count, $1.interface) }
        #expect(order.last?.interface.host == "hub")
        for c in order {
            let me = c.interface
            for p in c.peers {
                var cmd = ["wg", "set", p.id.interface, "peer", c.newPublic.base64]
                if let e = p.endpoint { cmd += ["endpoint", e] }
                if let k = p.keepalive { cmd += ["persistent-keepalive", String(k)] }
                #expect(try Lab.run(plan, node: p.id.host, command: cmd).succeeded)
            }
            let keyFile = base + "/\(me.host)-\(me.interface).key"
            FileManager.default.createFile(
                atPath: keyFile, contents: Data((c.newPrivate.base64 + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
            #expect(
                try Lab.run(plan, node: me.host, command: ["wg", "set", me.interface, "private-key", keyFile]).succeeded
            )
            for p in c.peers {
                let cmd = [
                    "wg", "set", p.id.interface, "peer", c.newPublic.base64, "allowed-ips",
                    p.allowed.joined(separator: ","), "peer", c.oldPublic.base64, "remove",
                ]
                #expect(try Lab.run(plan, node: p.id.host, command: cmd).succeeded)
            }
            try checkAll("\(me)")
        }
    }
}
