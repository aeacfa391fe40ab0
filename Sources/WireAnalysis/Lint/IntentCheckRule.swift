import WireConfig

/// Holds the network to its intent.yaml (docs/intent.md), when the directory has one: `intent-leak` for a pair the
/// intent says must not reach but that trace delivers in some phase, `intent-unreachable` for a pair that must
/// reach but is dropped in some phase. Pairs are the lab's probes (`Network.probePairs`). One finding per rule (or
/// the default) and kind, naming the first pairs and trace's reason.
struct IntentCheckRule: LintRule {
    var codes: [FindingCode] { [.intentLeak, .intentUnreachable] }

    /// Networks larger than this are checked only for the pairs rules name (all pairs would be quadratic).
    static let allPairsLimit = 300

    func check(_ context: LintContext) -> [Finding] {
        let network = context.network
        guard network.intent.isStated, let file = network.intent.file else { return [] }
        let tracer = Tracer(network: network)
        var groups: [String: (rule: IntentRule?, leak: Bool, pairs: [(String, String, TraceResult)])] = [:]
        var order: [String] = []
        network.forEachProbePair { pair in
            let (from, a) = (pair.from, pair.address)
            let e = network.expectation(from: IntentParty(host: from), to: IntentParty(host: pair.to, address: a))
            if network.hosts.count > Self.allPairsLimit && e.rule == nil { return }
            guard let r = try? tracer.trace(from: from, to: a.description) else { return }
            let leak = e.kind == .mustNotReach
            guard leak ? r.phases.contains(where: \.delivered) : !r.deliveredAlways else { return }
            let key = "\(leak)|\(e.rule?.summary ?? "default")|\(e.rule?.location?.line ?? 0)"
            if groups[key] == nil {
                order.append(key)
                groups[key] = (e.rule, leak, [])
            }
            groups[key]!.pairs.append((from, a.description, r))
        }
        return order.map { key in
            let g = groups[key]!
            let at = g.rule?.location ?? SourceLocation(file: file, line: 1)
            let says = g.rule.map { "\($0.summary) (\(at.fileLine))" } ?? "the default (`default: reach`)"
            let shown = g.pairs.prefix(3).map { from, to, r in
                "\(from) -> \(to) " + (g.leak ? "is delivered \(r.condition)" : "is dropped: \(r.verdict.summary)")
            }
            let more = g.pairs.count > 3 ? " (and \(g.pairs.count - 3) more)" : ""
            return Finding(
                g.leak ? .intentLeak : .intentUnreachable, .error, hosts: [g.pairs[0].0], locations: [at],
                message: "intent.yaml says \(says), but " + shown.joined(separator: "; ") + more,
                fix: g.leak
                    ? "block the traffic (e.g. a FORWARD DROP rule on the relay), or change the rule at \(at.fileLine) "
                        + "if the pairs should reach"
                    : (g.pairs[0].2.verdict.fix ?? "follow `wiresmith trace` for the pair")
                        + (g.rule == nil ? "" : "; or change the rule at \(at.fileLine)"))
        }
    }
}
