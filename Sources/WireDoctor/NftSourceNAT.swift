import Foundation

/// nftables rules with a `masquerade` or `snat` statement in a chain on the `postrouting` hook, read from
/// `nft -j list ruleset` (libnftables-json(5)). Doctor's Masquerade check and the snapshot's analysis model both
/// read them here; each decides what the rule's `oifname` matches mean for it.
struct NftSourceNATRule {
    /// The rule's `family`, `table` and `chain` as nft printed them (empty when absent).
    var family: String
    var table: String
    var chain: String
    /// Every `oifname` match of the rule, in order: the name when it is a plain string, and the operator
    /// (`==` when nft leaves it out).
    var outInterfaceMatches: [(name: String?, op: String)]

    /// The rules of `json`; none when it is not an nft JSON ruleset.
    static func all(in json: String) -> [NftSourceNATRule] {
        guard let data = json.data(using: .utf8),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let items = root["nftables"] as? [[String: Any]]
        else { return [] }
        var postrouting = Set<String>()
        for item in items {
            if let c = item["chain"] as? [String: Any], c["hook"] as? String == "postrouting" {
                postrouting.insert("\(c["family"] ?? "") \(c["table"] ?? "") \(c["name"] ?? "")")
            }
        }
        var out: [NftSourceNATRule] = []
        for item in items {
            guard let r = item["rule"] as? [String: Any],
                postrouting.contains("\(r["family"] ?? "") \(r["table"] ?? "") \(r["chain"] ?? "")"),
                let exprs = r["expr"] as? [[String: Any]],
                exprs.contains(where: { $0["masquerade"] != nil || $0["snat"] != nil })
            else { continue }
            let matches = exprs.compactMap { e -> (name: String?, op: String)? in
                guard let m = e["match"] as? [String: Any],
                    let meta = (m["left"] as? [String: Any])?["meta"] as? [String: Any],
                    meta["key"] as? String == "oifname"
                else { return nil }
                return (m["right"] as? String, m["op"] as? String ?? "==")
            }
            out.append(
                NftSourceNATRule(
                    family: "\(r["family"] ?? "")", table: "\(r["table"] ?? "")", chain: "\(r["chain"] ?? "")",
                    outInterfaceMatches: matches))
        }
        return out
    }
}
