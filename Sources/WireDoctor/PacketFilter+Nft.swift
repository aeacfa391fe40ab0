import Foundation

extension PacketFilter {
    /// Every filter table of `nft -j list ruleset` (libnftables-json(5)), one `PacketFilter` per table of family
    /// `ip`, `ip6` or `inet`; other families do not see locally delivered datagrams and are left out.
    public static func nftJSON(_ text: String) -> [PacketFilter] {
        guard let data = text.data(using: .utf8),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let items = root["nftables"] as? [[String: Any]]
        else { return [] }
        var tables: [String: PacketFilter] = [:]
        func key(_ o: [String: Any]) -> String? {
            guard let family = o["family"] as? String, ["ip", "ip6", "inet"].contains(family),
                let table = o["table"] as? String
            else { return nil }
            return "\(family) \(table)"
        }
        for item in items {
            if let c = item["chain"] as? [String: Any], let k = key(c), let name = c["name"] as? String {
                var t =
                    tables[k]
                    ?? PacketFilter(source: "nft -j list ruleset", chains: [:], family: c["family"] as! String)
                let type = c["type"] as? String
                let hook = type == nil || type == "filter" ? c["hook"] as? String : nil
                let policy: Verdict? = hook == nil ? nil : (c["policy"] as? String == "drop" ? .drop : .accept)
                t.chains[name] = Chain(hook: hook, policy: policy, rules: t.chains[name]?.rules ?? [])
                tables[k] = t
            } else if let r = item["rule"] as? [String: Any], let k = key(r), let chain = r["chain"] as? String {
                var t =
                    tables[k]
                    ?? PacketFilter(source: "nft -j list ruleset", chains: [:], family: r["family"] as! String)
                let rule = nftRule(r["expr"] as? [[String: Any]] ?? [], table: k, chain: chain)
                t.chains[chain, default: Chain(hook: nil, policy: nil, rules: [])].rules.append(rule)
                tables[k] = t
            }
        }
        return tables.keys.sorted().map { tables[$0]! }
    }

    static func nftRule(_ exprs: [[String: Any]], table: String, chain: String) -> Rule {
        var rule = Rule(proto: nil, dports: nil, sports: nil, otherSelectors: false, verdict: .none, text: "")
        var words: [String] = []
        for e in exprs {
            if let m = e["match"] as? [String: Any] {
                let op = m["op"] as? String ?? "=="
                let left = m["left"] as? [String: Any]
                let payload = left?["payload"] as? [String: Any]
                let meta = left?["meta"] as? [String: Any]
                if let payload, let proto = payload["protocol"] as? String, let field = payload["field"] as? String,
                    field == "dport" || field == "sport", op == "==" || op == "in"
                {
                    let ports = nftPorts(m["right"]) ?? []
                    words.append("\(proto) \(field) \(describe(m["right"]))")
                    if proto != "th" { rule.proto = proto }
                    if field == "dport" { rule.dports = ports } else { rule.sports = ports }
                } else if let meta, let k = meta["key"] as? String, k == "iifname" || k == "oifname", op == "==",
                    let name = m["right"] as? String
                {
                    if k == "iifname" { rule.iif = name } else { rule.oif = name }
                    words.append("\(k) \"\(name)\"")
                } else if let meta, meta["key"] as? String == "l4proto", op == "==" || op == "in",
                    let p = m["right"] as? String
                {
                    rule.proto = p
                    words.append("meta l4proto \(p)")
                } else {
                    rule.otherSelectors = true
                    words.append("(match)")
                }
            } else if e["accept"] != nil {
                rule.verdict = .accept
                words.append("accept")
            } else if e["drop"] != nil || e["reject"] != nil {
                rule.verdict = .drop
                words.append(e["drop"] != nil ? "drop" : "reject")
            } else if let j = (e["jump"] ?? e["goto"]) as? [String: Any], let target = j["target"] as? String {
                rule.verdict = .jump(target)
                words.append("jump \(target)")
            } else if e["return"] != nil {
                rule.verdict = .return
                words.append("return")
            }
        }
        rule.text = "table \(table) chain \(chain): " + words.joined(separator: " ")
        return rule
    }

    static func nftPorts(_ v: Any?) -> [ClosedRange<Int>]? {
        switch v {
        case let n as Int: return [n...n]
        case let s as [String: Any]:
            if let set = s["set"] as? [Any] { return set.flatMap { nftPorts($0) ?? [] } }
            if let r = s["range"] as? [Int], r.count == 2, r[0] <= r[1] { return [r[0]...r[1]] }
            return nil
        case let a as [Int] where a.count == 2 && a[0] <= a[1]: return [a[0]...a[1]]
        default: return nil
        }
    }

    private static func describe(_ v: Any?) -> String {
        switch v {
        case let n as Int: return String(n)
        case let s as [String: Any]:
            if let set = s["set"] as? [Any] { return "{ " + set.map { describe($0) }.joined(separator: ", ") + " }" }
            if let r = s["range"] as? [Int], r.count == 2 { return "\(r[0])-\(r[1])" }
            return "(expr)"
        case let a as [Int] where a.count == 2: return "\(a[0])-\(a[1])"
        default: return "(expr)"
        }
    }
}
