import Foundation
import Testing
import WireAnalysis
import WireLab
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
}
