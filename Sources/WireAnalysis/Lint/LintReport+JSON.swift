import Foundation
import WireConfig

extension LintReport {
    /// The report as `wiresmith lint --json` prints it (schema version 1, documented in docs/lint.md):
    ///
    /// ```json
    /// {"schema": "wiresmith-lint/1",
    ///  "summary": {"errors": 1, "warnings": 0, "infos": 0},
    ///  "findings": [{"code": "key-mismatch", "severity": "error", "hosts": ["alice", "hub"],
    ///                "interfaces": ["alice/wg0", "hub/wg0"], "locations": [{"file": "alice/wg0.conf", "line": 8}],
    ///                "message": "...", "fix": "...", "edits": ["alice/wg0.conf: add ... to AllowedIPs of peer ..."]}]}
    /// ```
    /// Keys are sorted, so equal reports print byte-identical JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(JSONReport(self)) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The JSON shape of a report.
private struct JSONReport: Encodable {
    struct Summary: Encodable {
        var errors: Int
        var warnings: Int
        var infos: Int
    }
    struct Location: Encodable {
        var file: String
        var line: Int
        /// The setting's JSON path when `file` is a doctor snapshot (absent for config and facts files).
        var path: String?
    }
    struct Item: Encodable {
        var code: String
        var severity: String
        var hosts: [String]
        var interfaces: [String]
        var locations: [Location]
        var message: String
        var fix: String
        /// The fix as edits `lint --fix` applies (absent when the fix is not an edit).
        var edits: [String]?
    }

    var schema = "wiresmith-lint/1"
    var summary: Summary
    var findings: [Item]

    init(_ report: LintReport) {
        summary = Summary(errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info))
        findings = report.findings.map { f in
            Item(
                code: f.code.rawValue, severity: f.severity.rawValue, hosts: f.hosts,
                interfaces: f.interfaces.map(\.description),
                locations: f.locations.map { Location(file: $0.file, line: $0.line, path: $0.path) },
                message: f.message, fix: f.fix,
                edits: f.edits.isEmpty ? nil : f.edits.map(\.description))
        }
    }
}
