import Foundation

/// Source NAT rules read from a snapshot: iptables' `*nat` POSTROUTING `-j MASQUERADE`/`-j SNAT`, and nftables
/// rules with a `masquerade` or `snat` statement in a chain on the `postrouting` hook (libnftables-json(5)).
enum Masquerade {
    /// The rules that source-NAT traffic leaving by `uplink` (those naming no output interface count), as evidence.
    static func rules(in snapshot: HostSnapshot, uplink: String) -> [Evidence] {
        var found: [Evidence] = []
        if let text = snapshot.iptables {
            var inNat = false
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("*") { inNat = line == "*nat" }
                guard inNat, line.hasPrefix("-A POSTROUTING"),
                    line.contains("-j MASQUERADE") || line.contains("-j SNAT")
                else { continue }
                let t = line.split(separator: " ").map(String.init)
                if let i = t.firstIndex(of: "-o"), i + 1 < t.count,
                    !PacketFilter.Rule.interface(t[i + 1], names: uplink) || (i > 0 && t[i - 1] == "!")
                {
                    continue
                }
                found.append(Evidence("iptables-save (nat)", line))
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
                let oif = exprs.compactMap { e -> String? in
                    guard let m = e["match"] as? [String: Any], m["op"] as? String ?? "==" == "==",
                        let meta = (m["left"] as? [String: Any])?["meta"] as? [String: Any],
                        meta["key"] as? String == "oifname"
                    else { return nil }
                    return m["right"] as? String
                }.first
                if let oif, !PacketFilter.Rule.interface(oif, names: uplink) { continue }
                found.append(
                    Evidence(
                        "nft -j list ruleset",
                        "table \(r["family"] ?? "") \(r["table"] ?? "") chain \(r["chain"] ?? ""): "
                            + (oif.map { "oifname \"\($0)\" " } ?? "") + "masquerade"))
            }
        }
        return found
    }
}
