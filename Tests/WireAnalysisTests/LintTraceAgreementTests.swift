import Testing
import WireAnalysis
import WireConfig

/// Lint and trace read the same network: where a trace between two hosts is dropped, lint names the same line
/// (or, for a setting written nowhere, the same file); where it is delivered, lint has no error.
@Suite struct LintTraceAgreementTests {
    @Test(arguments: [
        ("lint-two-hub", "alice", "bob"), ("lint-two-hub-missing-subnet", "alice", "bob"),
        ("lint-two-hub-no-forwarding", "alice", "bob"), ("lint-two-hub-swapped-key", "alice", "bob"),
        ("lint-single-hub-32", "alice", "bob"), ("lint-site-to-site", "192.168.10.5", "192.168.20.5"),
        ("lint-gateway", "laptop", "gw2"),
    ])
    func lintNamesTheLineTraceDropsAt(network name: String, from: String, to: String) throws {
        let network = try LintFixtures.load(name)
        let report = LintFixtures.lint(network)
        let verdict = try Tracer(network: network).trace(from: from, to: to).verdict
        if verdict.delivered {
            #expect(!report.hasErrors, "\(report.text())")
            return
        }
        #expect(!report.findings.isEmpty, "trace drops (\(verdict.summary)) but lint is silent")
        if let loc = verdict.location {
            let named = report.findings.contains { f in
                f.locations.contains { $0.file == loc.file && $0.line == loc.line }
            }
            #expect(named, "trace: \(verdict.summary)\nlint:\n\(report.text())")
        } else if let file = verdict.notSetIn {
            let named = report.findings.contains { f in f.locations.contains { $0.file == file } }
            #expect(named, "trace: \(verdict.summary)\nlint:\n\(report.text())")
        }
    }
}
