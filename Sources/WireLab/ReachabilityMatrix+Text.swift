import Foundation

extension ReachabilityMatrix {
    /// The matrix as the terminal shows it: one row per source, one numbered column per address with one letter per
    /// phase, a legend, every interface that is down, every probe the intent asked otherwise of (with trace's why),
    /// every disagreement with trace, and the exit status in words.
    public func rendered() -> String {
        let width = max(8, (sources.map(\.count).max() ?? 0) + 2)
        let cell = max(5, phases.count + 3)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        let hasVerdicts = results.contains { $0.verdict != nil }
        var out = "lab \(labID): reachability, each row pings each column\n"
        out += (pad("", width) + targets.indices.map { pad("\($0 + 1)", cell) }.joined()).trimmingTrailing() + "\n"
        for s in sources {
            var row = pad(s, width)
            for t in targets {
                let rs = results(from: s, to: t)
                guard !rs.isEmpty else {
                    row += pad(t.host == s ? "." : "", cell)
                    continue
                }
                var text = String(rs.map { $0.note != nil && $0.sent == 0 ? "." : ($0.answered ? "o" : "-") })
                if rs.contains(where: \.failsIntent) { text += "x" }
                if rs.contains(where: \.isDisagreement) { text += "!" }
                row += pad(text, cell)
            }
            out += row.trimmingTrailing() + "\n"
        }
        for (i, t) in targets.enumerated() { out += "  \(pad("\(i + 1)", 3)) \(t.title)\n" }
        out +=
            "  (one letter per phase: \(phases.map(\.rawValue).joined(separator: ", ")); o answered, - no answer, "
            + ". own address, blank: no address of that family to ping from; x not as intended"
            + (hasVerdicts ? ", ! trace predicted otherwise)\n" : ")\n")
        for i in interfaces where !i.up {
            out += "interface \(i.host)/\(i.name) is down: \(i.reason ?? "unknown")\n"
        }
        let failing = grouped(failures)
        if !failing.isEmpty {
            out += "not as intended (\(failing.count) pair(s)):\n"
            for (first, rs) in failing {
                let seen = first.answered ? "answered" : "no answer"
                let want = first.expectation!.kind == .mustReach ? "must reach" : "must not reach"
                out += "  \(first.source) -> \(first.target.title) [\(phases(rs))]: \(seen), \(want)"
                out += " (\(first.expectation!.rule))"
                if let note = first.note { out += "; \(note)" }
                if let v = first.verdict { out += "\n      trace: \(v.explanation)" }
                out += "\n"
            }
        }
        let bad = grouped(disagreements)
        if !bad.isEmpty {
            out += "trace predicted otherwise than measured on \(bad.count) pair(s):\n"
            for (first, rs) in bad {
                let seen = first.answered ? "answered" : "no answer"
                out +=
                    "  \(first.source) -> \(first.target.title) [\(phases(rs))]: \(seen); trace: "
                    + "\(first.verdict!.reachable ? "reachable" : "unreachable") (\(first.verdict!.explanation))\n"
            }
            out +=
                "  This is a defect of wiresmith, not of your network. Please report it with this network's "
                + "configs (private keys replaced).\n"
        }
        let answered = results.filter(\.answered).count
        let intended = results.filter { $0.expectation != nil }
        out += "\(results.count) probes in \(phases.count) phase(s), \(answered) answered"
        if !intended.isEmpty { out += "; \(intended.count - failures.count)/\(intended.count) as intended" }
        if hasVerdicts { out += "; \(results.count - disagreements.count)/\(results.count) as trace predicted" }
        if seconds > 0 { out += String(format: " (%.1f s)", seconds) }
        switch status {
        case .passed: out += "\n"
        case .intentNotMet: out += "; FAILED: not as intended\n"
        case .traceDisagrees: out += "; FAILED: trace predicted otherwise (a wiresmith defect)\n"
        }
        return out
    }

    /// Results grouped by probe (source and target), in the matrix's order; each group in phase order.
    private func grouped(_ rs: [ProbeResult]) -> [(ProbeResult, [ProbeResult])] {
        var order: [String] = []
        var groups: [String: [ProbeResult]] = [:]
        for r in rs {
            let key = "\(r.source)\u{0}\(r.target.address)\u{0}\(r.target.host)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        return order.map { k in
            let g = groups[k]!.sorted { $0.phase < $1.phase }
            return (g[0], g)
        }
    }

    private func phases(_ rs: [ProbeResult]) -> String { rs.map(\.phase.rawValue).joined(separator: ", ") }
}

extension String {
    func trimmingTrailing() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
