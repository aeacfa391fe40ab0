extension DoctorReport {
    /// The report for a terminal: each interface's steps as `pass`/`warn`/`fail` lines, each finding under its
    /// step with its evidence, cause and fix; then a summary line. `paint` colours a status word.
    public func text(paint: (String, DoctorStep.Status) -> String = { s, _ in s }) -> String {
        var lines: [String] = []
        var current: String?
        for s in steps {
            if s.interface != current {
                lines.append("\(host) \(s.interface)")
                current = s.interface
            }
            let what = s.peer.map { "peer \($0.prefix(8))… \(s.name)" } ?? s.name
            let word = paint(s.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0), s.status)
            lines.append("  \(word)  \(what): \(s.detail)")
            for f in s.findings {
                lines.append("        \(f.code) \(f.severity.rawValue)")
                for e in f.evidence { lines.append("          seen: \(e)") }
                lines.append("          cause: \(f.cause)")
                lines.append("          fix: \(f.fix)")
            }
        }
        for (what, why) in errors.sorted(by: { $0.key < $1.key }) { lines.append("not read: \(what): \(why)") }
        let all = findings
        let e = all.filter { $0.severity == .error }.count
        let w = all.filter { $0.severity == .warning }.count
        lines.append(exitStatus == 0 ? "healthy: \(steps.count) steps passed" : "\(e) error(s), \(w) warning(s)")
        return lines.joined(separator: "\n") + "\n"
    }
}
