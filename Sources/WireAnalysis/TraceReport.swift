/// Renders a `TraceResult` for people: hops grouped by direction, one line a check, the verdict and fix last.
///
/// Colour (ANSI SGR) only when `color` is true; the CLI decides that from `--no-color`, `NO_COLOR` and whether
/// stdout is a terminal (https://no-color.org).
public enum TraceReport {
    /// The whole report, ending with a newline.
    public static func render(_ r: TraceResult, color: Bool) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = "trace \(r.from) -> \(r.to): \(r.source) -> \(r.destination)\n"
        var direction: TraceDirection? = nil
        let width = TraceCheck.allCases.map(\.rawValue.count).max() ?? 10
        for hop in r.hops {
            if hop.direction != direction {
                direction = hop.direction
                out += "\n" + paint(hop.direction.rawValue, "1") + "\n"
            }
            let arrival = hop.arrivedOn.map { ", in on \($0)" } ?? ""
            out +=
                "  " + paint("hop \(hop.number)  \(hop.node)", "1")
                + "  (\(hop.packet.source) -> \(hop.packet.destination)\(arrival))\n"
            for step in hop.steps {
                let mark = step.ok ? paint("ok  ", "32") : paint("FAIL", "31;1")
                let name = step.check.rawValue.padding(to: width)
                var line = "    \(mark) \(name)  \(step.detail)"
                if let l = step.location {
                    line += "  " + paint("[\(l)]", "2")
                } else if let f = step.notSetIn, !step.ok {
                    line += "  " + paint("[not set; belongs in \(f)]", "2")
                }
                out += line + "\n"
            }
        }
        out += "\n"
        let v = r.verdict
        if v.delivered {
            out += paint("delivered", "32;1") + ": \(v.reason)\n"
        } else {
            out += paint("dropped", "31;1") + String(v.summary.dropFirst("dropped".count)) + "\n"
            if let fix = v.fix { out += paint("fix", "1") + ": \(fix)\n" }
        }
        out += "\n" + paint("phases", "1") + " (when: \(r.condition))\n"
        for p in r.phases {
            let mark = p.delivered ? paint("delivered", "32") : paint("dropped  ", "31")
            let name = p.phase.rawValue.padding(to: 5)
            out += "  \(name) \(mark)  \(p.condition)"
            if !p.delivered, p.verdict.hop != r.verdict.hop || p.verdict.reason != r.verdict.reason {
                out += ": " + p.verdict.summary
            }
            out += "\n"
        }
        let expect = r.intent.expect == .mustReach ? "must reach" : "must not reach"
        out +=
            paint("intent", "1") + ": \(expect) (\(r.intent.rule)): "
            + (r.intent.met ? paint("met", "32") : paint("not met", "31;1")) + "\n"
        if !r.notes.isEmpty {
            out += "\nnotes:\n" + r.notes.map { "  - \($0)\n" }.joined()
        }
        return out
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
