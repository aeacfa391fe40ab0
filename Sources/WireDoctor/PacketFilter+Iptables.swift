extension PacketFilter {
    /// The `*filter` table of `iptables-save` (or `ip6tables-save`) output, `family` `ip` or `ip6`.
    public static func iptablesSave(_ text: String, family: String) -> PacketFilter {
        var chains: [String: Chain] = [:]
        var inFilter = false
        let source = family == "ip6" ? "ip6tables-save" : "iptables-save"
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("*") { inFilter = line == "*filter" }
            guard inFilter else { continue }
            if line.hasPrefix(":") {
                // :INPUT ACCEPT [0:0]
                let f = line.dropFirst().split(separator: " ")
                guard let name = f.first else { continue }
                let builtin = ["INPUT", "OUTPUT", "FORWARD"].contains(String(name))
                let policy: Verdict? = f.count > 1 && f[1] == "DROP" ? .drop : (builtin ? .accept : nil)
                chains[String(name)] = Chain(
                    hook: builtin ? name.lowercased() : nil, policy: policy, rules: chains[String(name)]?.rules ?? [])
            } else if line.hasPrefix("-A ") {
                let t = line.split(separator: " ").map(String.init)
                guard t.count >= 2 else { continue }
                var rule = Rule(proto: nil, dports: nil, sports: nil, otherSelectors: false, verdict: .none, text: line)
                var i = 2
                var negated = false
                while i < t.count {
                    let opt = t[i]
                    let arg = i + 1 < t.count ? t[i + 1] : ""
                    if negated, opt.hasPrefix("-") {
                        // A negated match is not evaluated: the rule only counts as having other selectors.
                        negated = false
                        rule.otherSelectors = true
                        i += 2
                        continue
                    }
                    switch opt {
                    case "-i", "--in-interface":
                        rule.iif = arg
                        i += 2
                    case "-o", "--out-interface":
                        rule.oif = arg
                        i += 2
                    case "-p", "--protocol":
                        rule.proto = arg
                        i += 2
                    case "--dport", "--destination-port", "--dports":
                        rule.dports = ranges(arg, sep: ":")
                        i += 2
                    case "--sport", "--source-port", "--sports":
                        rule.sports = ranges(arg, sep: ":")
                        i += 2
                    case "-m": i += 2
                    case "-j", "-g":
                        switch arg {
                        case "ACCEPT": rule.verdict = .accept
                        case "DROP", "REJECT": rule.verdict = .drop
                        case "RETURN": rule.verdict = .return
                        case "LOG", "NFLOG", "MARK", "CONNMARK", "TRACE", "CT", "NOTRACK": rule.verdict = .none
                        default: rule.verdict = .jump(arg)
                        }
                        i += 2
                    case "!":
                        negated = true
                        i += 1
                    default:
                        if opt.hasPrefix("-") {
                            rule.otherSelectors = true
                            // Options with one argument; flags without one are rare in INPUT/OUTPUT rules.
                            i += (i + 1 < t.count && !t[i + 1].hasPrefix("-")) ? 2 : 1
                        } else {
                            i += 1
                        }
                    }
                }
                chains[t[1], default: Chain(hook: nil, policy: nil, rules: [])].rules.append(rule)
            }
        }
        return PacketFilter(source: source, chains: chains, family: family)
    }

    /// `51820`, `51820:51830`, `1,2,3:5` as ranges (`sep` separates a range's ends).
    static func ranges(_ text: String, sep: Character) -> [ClosedRange<Int>] {
        text.split(separator: ",").compactMap { part in
            let ends = part.split(separator: sep)
            guard let lo = ends.first.flatMap({ Int($0) }) else { return nil }
            let hi = ends.count > 1 ? Int(ends[1]) ?? lo : lo
            return lo <= hi ? lo...hi : nil
        }
    }
}
