import Foundation
import Testing
import WireConfig

@testable import WireAnalysis

/// The repository's examples/ networks lint as their READMEs say, and the demo network's fixes, applied as edits,
/// leave a network that lints clean and traces delivered both ways.
@Suite struct LintExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardizedFileURL.path

    static let clean = ["two-hub", "site-to-site", "nat-client", "ipv6-hub"]

    @Test(arguments: clean)
    func healthyExampleHasNoErrors(_ name: String) throws {
        let report = Linter().lint(try NetworkLoader().load(directory: Self.examples + "/" + name))
        #expect(!report.hasErrors, "\(report.text())")
    }

    @Test func demoNetworkNamesBothCausesWithEdits() throws {
        let report = Linter().lint(try NetworkLoader().load(directory: Self.examples + "/two-hub-broken"))
        let errors = report.findings.filter { $0.severity == .error }
        #expect(Set(errors.map(\.code)) == [.asymmetricAllowedIPs, .forwardingDisabled])
        let asym = try #require(report.findings(.asymmetricAllowedIPs).first)
        #expect(asym.primaryLocation?.fileLine.hasSuffix("two-hub-broken/alice/wg0.conf:10") == true)
        #expect(errors.allSatisfy { !$0.edits.isEmpty })
    }

    @Test func demoNetworkFixedByItsEditsLintsCleanAndDelivers() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("ws-lintfix-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(atPath: dir) }
        let copy = dir + "/two-hub-broken"
        try fm.copyItem(atPath: Self.examples + "/two-hub-broken", toPath: copy)
        let edits = Linter().lint(try NetworkLoader().load(directory: copy)).findings.flatMap(\.edits)
        let changed = try ConfigEdit.apply(edits)
        #expect(Set(changed.map { String($0.dropFirst(copy.count + 1)) }) == ["alice/wg0.conf", "hub/wg0.conf"])
        let fixed = try NetworkLoader().load(directory: copy)
        let after = Linter().lint(fixed)
        #expect(!after.hasErrors, "\(after.text())")
        let tracer = Tracer(network: fixed)
        #expect(try tracer.trace(from: "alice", to: "bob").verdict.delivered)
        #expect(try tracer.trace(from: "bob", to: "alice").verdict.delivered)
        // A second pass finds nothing left to edit.
        #expect(after.findings.flatMap(\.edits).isEmpty)
    }
}
