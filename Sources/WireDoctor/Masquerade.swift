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
        for r in NftSourceNATRule.all(in: snapshot.nftRuleset ?? "") {
            // The first named interface; negated when the last oifname match is `!=`.
            let oif = r.outInterfaceMatches.compactMap(\.name).first
            let negated = r.outInterfaceMatches.last.map { $0.op == "!=" } ?? false
            found.append(
                Rule(
                    evidence: Evidence(
                        "nft -j list ruleset",
                        "table \(r.family) \(r.table) chain \(r.chain): "
                            + (oif.map { "oifname \(negated ? "!= " : "")\"\($0)\" " } ?? "") + "masquerade"),
                    outInterface: oif, negated: negated))
        }
        return found
    }
}
