import WireConfig

/// Reads the common `nft` one-liners of PostUp lines (nft(8)).
///
/// Recognized: `nft add|insert rule [FAMILY] TABLE CHAIN EXPR... VERDICT` where a chain named `forward` is taken as
/// the forward hook and `postrouting` as the NAT postrouting hook; expressions `iifname`/`iif`, `oifname`/`oif`,
/// `ip|ip6 saddr|daddr`, `ct state`, `meta l4proto`/`ip protocol`, `counter`; verdicts accept, drop, reject,
/// masquerade. `nft add chain ... { ... hook forward ... policy drop; }` sets the forward policy. Anything else,
/// including sets, maps and negations, is `.unknown`.
enum NftCommand {
    static func effects(_ args: [String], location: SourceLocation) -> [HookEffect] {
        var a = args[...]
        while let f = a.first, f.hasPrefix("-") {
            guard ["-a", "--handle", "-e", "--echo"].contains(f) else {
                return [.unknown("`nft \(f)` (rules from a file or options) is not modelled")]
            }
            a = a.dropFirst()
        }
        guard let verb = a.first, ["add", "insert", "create"].contains(verb), a.count > 1 else {
            return [.unknown("`nft \(a.first ?? "")` is not modelled (only add/insert rule and add chain)")]
        }
        let object = a[a.index(after: a.startIndex)]
        a = a.dropFirst(2)
        var nftFamily = "ip"
        if let f = a.first, ["ip", "ip6", "inet"].contains(f) {
            nftFamily = f
            a = a.dropFirst()
        } else if let f = a.first, ["arp", "bridge", "netdev"].contains(f) {
            return [.unknown("nft family `\(f)` is not modelled")]
        }
        let family: IPFamily? = nftFamily == "ip" ? .ipv4 : nftFamily == "ip6" ? .ipv6 : nil
        guard a.count >= 2 else { return [.unknown("nft \(object) without table and chain")] }
        let chain = a[a.index(after: a.startIndex)].lowercased()
        let expr = Array(a.dropFirst(2)).flatMap { splitBraces($0) }
        if object == "chain" || object == "table" {
            let text = expr.joined(separator: " ").lowercased()
            for c in FilterChain.allCases where text.contains("hook \(c.rawValue)") {
                let action: FilterAction? =
                    text.contains("policy drop") ? .drop : text.contains("policy accept") ? .accept : nil
                guard let action else { return [.none] }
                return [
                    c == .forward ? .forwardPolicy(family, action, location) : .chainPolicy(c, family, action, location)
                ]
            }
            return [.none]
        }
        guard object == "rule" else { return [.unknown("`nft \(verb) \(object)` is not modelled")] }

        var inIf: String?
        var outIf: String?
        var proto: String?
        var source: IPPrefix?
        var destination: IPPrefix?
        var states: Set<ConnectionState>?
        var verdict: String?
        var dport: UInt16?
        var sport: UInt16?
        var ruleFamily = family
        var i = 0
        func next() -> String? {
            i += 1
            return i < expr.count ? expr[i] : nil
        }
        func interface(_ s: String?) -> String? {
            guard let s else { return nil }
            return s.hasSuffix("*") ? String(s.dropLast()) + "+" : s
        }
        while i < expr.count {
            let w = expr[i]
            switch w {
            case "iifname", "iif": inIf = interface(next())
            case "oifname", "oif": outIf = interface(next())
            case "ip", "ip6":
                let f: IPFamily = w == "ip" ? .ipv4 : .ipv6
                if let r = ruleFamily, r != f { return [.unknown("`\(w)` match in a \(nftFamily) chain")] }
                ruleFamily = f
                guard let field = next() else { return [.unknown("`\(w)` without a field")] }
                if field == "protocol" || field == "nexthdr" {
                    proto = next()
                    break
                }
                guard field == "saddr" || field == "daddr" else {
                    return [.unknown("`\(w) \(field)` is not modelled")]
                }
                guard let v = next(), let p = IPPrefix(v), IPFamily(p.address) == f else {
                    return [.unknown("`\(w) \(field)` needs a prefix (sets and negations are not modelled)")]
                }
                if field == "saddr" { source = p.network } else { destination = p.network }
            case "ct":
                guard next() == "state" else { return [.unknown("`ct` matches other than state")] }
                var set: Set<ConnectionState> = []
                while let v = next() {
                    if v == "{" || v == "}" || v == "," { continue }
                    let parts = v.split(separator: ",").map { ConnectionState(rawValue: String($0)) }
                    if parts.isEmpty || parts.contains(where: { $0 == nil }) {
                        i -= 1
                        break
                    }
                    set.formUnion(parts.map { $0! })
                }
                guard !set.isEmpty else { return [.unknown("`ct state` without states")] }
                states = set
            case "meta":
                guard next() == "l4proto", let p = next() else {
                    return [.unknown("`meta` matches other than l4proto")]
                }
                proto = p
            case "udp", "tcp", "th":
                guard let field = next(), field == "dport" || field == "sport", let v = next(), let n = UInt16(v) else {
                    return [.unknown("`\(w)` matches other than one dport/sport are not modelled")]
                }
                if w != "th" { proto = w }
                if field == "dport" { dport = n } else { sport = n }
            case "counter", "{", "}": break
            case "accept", "drop", "reject", "masquerade": verdict = w
            case "comment": _ = next()
            default: return [.unknown("nft expression `\(w)` is not modelled")]
            }
            i += 1
        }
        guard let verdict else { return [.none] }
        if chain == "postrouting" {
            guard verdict == "masquerade", inIf == nil, destination == nil, states == nil, proto == nil else {
                return [.unknown("nft postrouting rule other than a plain masquerade")]
            }
            return [
                .masquerade(
                    MasqueradeRule(
                        outInterface: outIf, source: source, location: location,
                        family: ruleFamily))
            ]
        }
        guard let filterChain = FilterChain(rawValue: chain) else {
            return [.unknown("nft chain `\(chain)` is not modelled (only forward, input, output)")]
        }
        guard let action = FilterAction(rawValue: verdict) else {
            return [.unknown("`\(verdict)` in a \(chain) chain")]
        }
        var rule = ForwardRule(
            inInterface: inIf, outInterface: outIf, source: source, destination: destination,
            action: action, location: location, family: ruleFamily, states: states, proto: proto)
        rule.chain = filterChain
        rule.dport = dport
        rule.sport = sport
        return [verb == "insert" ? .insertForwardRule(rule, position: 1) : .appendForwardRule(rule)]
    }

    /// Splits `{`, `}`, `;` and `,`-free tokens out of a word such as `{type` (quotes were already removed).
    static func splitBraces(_ word: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for c in word {
            if c == "{" || c == "}" || c == ";" {
                if !cur.isEmpty { out.append(cur) }
                out.append(String(c))
                cur = ""
            } else if c == " " || c == "\t" {
                if !cur.isEmpty { out.append(cur) }
                cur = ""
            } else {
                cur.append(c)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
