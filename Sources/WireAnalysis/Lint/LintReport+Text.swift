extension LintReport {
    /// What a piece of the human report is, so a caller can colour it.
    public enum Tone: Sendable {
        case host, error, warning, info, location, fix, summary
    }

    /// The human report: findings grouped by host, each as `code severity FILE:LINE message` and `fix: ...`, then
    /// a summary line. `paint` colours each piece (the identity by default); the text never depends on it.
    public func text(paint: (String, Tone) -> String = { s, _ in s }) -> String {
        var lines: [String] = []
        var host: String? = nil
        for f in findings {
            if f.primaryHost != host {
                if host != nil { lines.append("") }
                host = f.primaryHost
                lines.append(paint(f.primaryHost.isEmpty ? "(network)" : f.primaryHost, .host))
            }
            let tone: Tone = f.severity == .error ? .error : f.severity == .warning ? .warning : .info
            let loc = f.primaryLocation?.fileLine ?? "-"
            lines.append(
                "  \(paint(f.code.rawValue, tone)) \(paint(f.severity.rawValue, tone)) "
                    + "\(paint(loc, .location)) \(f.message)")
            if f.locations.count > 1 {
                lines.append("    see: " + f.locations.dropFirst().map(\.fileLine).joined(separator: ", "))
            }
            lines.append(
                "    " + paint("fix:", .fix) + " \(f.fix)"
                    + (f.edits.isEmpty ? "" : paint(" (lint --fix applies it)", .fix)))
        }
        if !findings.isEmpty { lines.append("") }
        let hosts = Set(findings.map(\.primaryHost)).count
        let summary =
            findings.isEmpty
            ? "no findings"
            : "\(plural(count(.error), "error")), \(plural(count(.warning), "warning")), "
                + "\(plural(count(.info), "info")) on \(plural(hosts, "host"))"
        lines.append(paint(summary, .summary))
        return lines.joined(separator: "\n") + "\n"
    }

    private func plural(_ n: Int, _ word: String) -> String {
        n == 1 || word == "info" ? "\(n) \(word)" : "\(n) \(word)s"
    }
}
