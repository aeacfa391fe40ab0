extension ReachabilityMatrix {
    /// The matrix as the terminal shows it: one row per source, one numbered column per address, a legend, and
    /// every disagreement with trace spelled out.
    public func rendered() -> String {
        let width = max(8, (sources.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        let hasVerdicts = results.contains { $0.verdict != nil }
        var out = "lab \(labID): reachability, each row pings each column\n"
        out += (pad("", width) + targets.indices.map { pad("\($0 + 1)", 5) }.joined()).trimmingTrailing() + "\n"
        for s in sources {
            var row = pad(s, width)
            for t in targets {
                guard let r = results.first(where: { $0.source == s && $0.target == t }) else {
                    row += pad(t.host == s ? "." : "", 5)
                    continue
                }
                row += pad((r.answered ? "ok" : "--") + (r.isDisagreement ? "!" : ""), 5)
            }
            out += row.trimmingTrailing() + "\n"
        }
        for (i, t) in targets.enumerated() { out += "  \(pad("\(i + 1)", 3)) \(t.title)\n" }
        out +=
            "  (ok answered, -- no answer, . own address, blank: no address of that family to ping from"
            + (hasVerdicts ? ", ! trace predicted otherwise)\n" : ")\n")
        let bad = disagreements
        if !bad.isEmpty {
            out += "trace disagrees with the lab on \(bad.count) pair(s):\n"
            for r in bad {
                let seen = r.answered ? "answered" : "no answer"
                out +=
                    "  \(r.source) -> \(r.target.title): \(seen); trace: "
                    + "\(r.verdict!.reachable ? "reachable" : "unreachable") (\(r.verdict!.explanation))\n"
            }
        }
        let expectedCount = results.filter(\.isAsExpected).count
        out +=
            "\(expectedCount)/\(results.count) probes "
            + (hasVerdicts ? "as trace predicted" : "answered")
        if hasVerdicts { out += " (\(results.filter(\.answered).count) answered)" }
        out += passed ? "\n" : "; FAILED\n"
        return out
    }
}

extension String {
    func trimmingTrailing() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
