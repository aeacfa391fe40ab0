/// The filter chains of one netfilter front end (nftables or iptables), reduced to what decides whether a UDP port
/// passes: per rule its UDP port match, whether it has other selectors, and its verdict.
///
/// Judged first match wins, as netfilter does (nft(8) "VERDICT STATEMENT", iptables(8) "TARGETS"): the first rule
/// whose port match holds and whose verdict is final decides; jumps are followed; a chain's policy applies at its
/// end. Rules with selectors doctor does not evaluate (source, conntrack state) are skipped unless they also match
/// the port, so a rule such as `ip saddr 198.51.100.7 udp dport 51820 drop` is reported (it drops some traffic).
public struct PacketFilter: Sendable, Equatable {
    /// What a rule does when it matches.
    public enum Verdict: Sendable, Equatable {
        case accept
        case drop
        case jump(String)
        case `return`
        /// Not final (counter, log): evaluation goes on.
        case none
    }

    /// One rule.
    public struct Rule: Sendable, Equatable {
        /// The protocol the rule names (`udp`, `tcp`), or nil for any.
        public var proto: String?
        /// The destination ports it matches (inclusive ranges), or nil for any.
        public var dports: [ClosedRange<Int>]?
        /// The source ports it matches, or nil for any.
        public var sports: [ClosedRange<Int>]?
        /// Whether it has selectors doctor does not evaluate (addresses, state, negations).
        public var otherSelectors: Bool
        /// The input interface it names (`wg+` is a prefix), or nil for any.
        public var iif: String? = nil
        /// The output interface it names, or nil for any.
        public var oif: String? = nil
        /// Its verdict.
        public var verdict: Verdict
        /// The rule as the front end prints it (evidence).
        public var text: String

        /// Whether it matches a UDP datagram with these ports: true, false, or nil when it names no protocol or
        /// port (then only a rule without other selectors is taken as matching everything).
        func matches(dport: Int?, sport: Int?) -> Bool? {
            if proto == nil && dports == nil && sports == nil {
                return otherSelectors || iif != nil || oif != nil ? nil : true
            }
            if let p = proto, p != "udp" && p != "17" && p != "th" { return false }
            if let ds = dports { guard let d = dport, ds.contains(where: { $0.contains(d) }) else { return false } }
            if let ss = sports { guard let s = sport, ss.contains(where: { $0.contains(s) }) else { return false } }
            return true
        }

        /// Whether it matches every packet forwarded from `input` to `output`: nil when it names a protocol, port
        /// or other selector (it drops only some of that traffic, which doctor does not judge).
        func matchesForward(input: String, output: String) -> Bool? {
            if let i = iif, !Self.interface(i, names: input) { return false }
            if let o = oif, !Self.interface(o, names: output) { return false }
            return proto == nil && dports == nil && sports == nil && !otherSelectors ? true : nil
        }

        static func interface(_ pattern: String, names name: String) -> Bool {
            pattern.hasSuffix("+") || pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : pattern == name
        }
    }

    /// One chain.
    public struct Chain: Sendable, Equatable {
        /// The hook of a base chain (`input`, `output`, `forward`), nil for a chain only jumped to.
        public var hook: String?
        /// The policy of a base chain: `accept` or `drop`.
        public var policy: Verdict?
        /// Its rules in order.
        public var rules: [Rule]
    }

    /// The front end (`nft -j list ruleset`, `iptables-save`, `ip6tables-save`) and family (`ip`, `ip6`, `inet`).
    public var source: String
    /// Chains by name, within one table and family.
    public var chains: [String: Chain]
    /// The family: `ip`, `ip6`, or `inet` (both).
    public var family: String

    /// The rule (or policy) that drops a UDP datagram with these ports on `hook`, or nil when it passes.
    public func drop(hook: String, dport: Int?, sport: Int?) -> String? {
        drop(hook: hook) { $0.matches(dport: dport, sport: sport) }
    }

    /// The rule (or policy) of the forward hook that drops everything routed from `input` to `output`, or nil.
    public func dropsForward(input: String, output: String) -> String? {
        drop(hook: "forward") { $0.matchesForward(input: input, output: output) }
    }

    private func drop(hook: String, _ matches: (Rule) -> Bool?) -> String? {
        for (name, chain) in chains.sorted(by: { $0.key < $1.key }) where chain.hook == hook {
            if let why = evaluate(name, matches, depth: 0) { return why }
        }
        return nil
    }

    private func evaluate(_ name: String, _ matches: (Rule) -> Bool?, depth: Int) -> String? {
        guard depth < 8, let chain = chains[name] else { return nil }
        for rule in chain.rules {
            guard matches(rule) == true else { continue }
            switch rule.verdict {
            case .accept: return nil
            case .drop: return rule.text
            case .jump(let target):
                if let why = evaluate(target, matches, depth: depth + 1) { return why }
            case .return: return nil
            case .none: continue
            }
        }
        if chain.policy == .drop { return "chain \(name) policy drop" }
        return nil
    }
}
