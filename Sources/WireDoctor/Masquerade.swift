import Foundation

/// Source NAT rules read from a snapshot: iptables' `*nat` POSTROUTING `-j MASQUERADE`/`-j SNAT`, and nftables
/// rules with a `masquerade` or `snat` statement in a chain on the `postrouting` hook (libnftables-json(5)).
enum Masquerade {
    /// One source NAT rule: where it was read, and the output interface it names (nil: any; `negated`: all but).
    struct Rule {
        var evidence: Evidence
        var outInterface: String?
        var negated: Bool

        /// Whether it rewrites traffic leaving by `link`.
        func applies(to link: String) -> Bool {
            guard let oif = outInterface else { return true }
            return PacketFilter.Rule.interface(oif, names: link) != negated
        }
    }

    /// The rules that source-NAT traffic leaving by `uplink` (those naming no output interface count), as evidence.
    static func rules(in snapshot: HostSnapshot, uplink: String) -> [Evidence] {
        all(in: snapshot).filter { $0.applies(to: uplink) }.map(\.evidence)
    }

    /// Every source NAT rule of the snapshot.
    static func all(in snapshot: HostSnapshot) -> [Rule] {
        var found: [Rule] = []
        if let text = snapshot.iptables {
            var inNat = false
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("*") { inNat = line == "*nat" }
                guard inNat, line.hasPrefix("-A POSTROUTING"),
                    line.contains("-j MASQUERADE") || line.contains("-j SNAT")
                else { continue }
                let t = line.split(separator: " ").map(String.init)
                var oif: String?
                var negated = false
                if let i = t.firstIndex(of: "-o"), i + 1 < t.count {
                    oif = t[i + 1]
                    negated = i > 0 && t[i - 1] == "!"
                }
                found.append(Rule(evidence: Evidence("iptables-save (nat)", line), outInterface: oif, negated: negated))
            }
        }
        if let nft = snapshot.nftRuleset, let data = nft.data(using: .utf8),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let items = root["nftables"] as? [[String: Any]]
        {
            var postrouting = Set<String>()
            for item in items {
                if let c = item["chain"] as? [String: Any], c["hook"] as? String == "postrouting" {
                    postrouting.insert("\(c["family"] ?? "") \(c["table"] ?? "") \(c["name"] ?? "")")
                }
            }
            for item in items {
                guard let r = item["rule"] as? [String: Any],
                    postrouting.contains("\(r["family"] ?? "") \(r["table"] ?? "") \(r["chain"] ?? "")"),
                    let exprs = r["expr"] as? [[String: Any]],
                    exprs.contains(where: { $0["masquerade"] != nil || $0["snat"] != nil })
                else { continue }
                var negated = false
                let oif = exprs.compactMap { e -> String? in
                    guard let m = e["match"] as? [String: Any],
                        let meta = (m["left"] as? [String: Any])?["meta"] as? [String: Any],
                        meta["key"] as? String == "oifname"
                    else { return nil }
                    negated = (m["op"] as? String ?? "==") == "!="
                    return m["right"] as? String
                }.first
                found.append(
                    Rule(
                        evidence: Evidence(
                            "nft -j list ruleset",
                            "table \(r["family"] ?? "") \(r["table"] ?? "") chain \(r["chain"] ?? ""): "
                                + (oif.map { "oifname \(negated ? "!= " : "")\"\($0)\" " } ?? "") + "masquerade"),
                        outInterface: oif, negated: negated))
            }
        }
        return found
    }
}
