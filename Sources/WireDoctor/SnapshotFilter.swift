import Foundation
import WireAnalysis
import WireConfig

/// A snapshot's packet filter as the analysis models it (`ObservedEffect`s of FORWARD, INPUT and OUTPUT rules and
/// policies, and POSTROUTING MASQUERADE), so lint and trace judge a running host's firewall as they judge the
/// iptables lines of a PostUp.
///
/// `iptables-save` and `ip6tables-save` lines are read by the analysis' own iptables reader (`HookCommand`); a
/// rule it does not model (a user chain, a negation) is left out, never guessed. nftables rules come from doctor's
/// reader (`PacketFilter.nftJSON`): rules matching only protocol, ports and interfaces, and the policies of base
/// chains; a jump without selectors is followed. With iptables' nf_tables backend the same rules appear in both;
/// the nft tables holding iptables' own chains (`INPUT`, `FORWARD`, `OUTPUT`) are then left to iptables-save.
struct SnapshotFilter {
    var snapshot: HostSnapshot
    var file: String

    /// Every modelled rule and policy, in chain order.
    func effects() -> [ObservedEffect] {
        var out: [ObservedEffect] = []
        for (text, tool, field) in [
            (snapshot.iptables, "iptables", "iptables"), (snapshot.ip6tables, "ip6tables", "ip6tables"),
        ] {
            guard let text else { continue }
            out += iptablesSave(text, tool: tool, field: field)
        }
        if let nft = snapshot.nftRuleset {
            out += nftMasquerade(nft)
            for table in PacketFilter.nftJSON(nft) {
                let iptablesChains = table.chains.keys.contains { ["INPUT", "FORWARD", "OUTPUT"].contains($0) }
                let saved = table.family == "ip6" ? snapshot.ip6tables : snapshot.iptables
                if iptablesChains, let saved, saved.contains("*filter") { continue }
                out += nftTable(table)
            }
        }
        return out
    }

    /// `iptables-save` output: the filter table's built-in chain policies and rules, the nat table's
    /// POSTROUTING, each read as the `iptables` command that would have made it.
    func iptablesSave(_ text: String, tool: String, field: String) -> [ObservedEffect] {
        var out: [ObservedEffect] = []
        var table = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
                continue
            }
            let location = SourceLocation(file: file, path: "\(field) \"\(line)\"")
            var command: String?
            if table == "filter", line.hasPrefix(":") {
                let f = line.dropFirst().split(separator: " ")
                if f.count > 1, ["INPUT", "FORWARD", "OUTPUT"].contains(f[0]), f[1] == "DROP" {
                    command = "\(tool) -P \(f[0]) DROP"
                }
            } else if line.hasPrefix("-A "), table == "filter" || (table == "nat" && line.hasPrefix("-A POSTROUTING")) {
                command = "\(tool) -t \(table) \(line)"
            }
            guard let command else { continue }
            for c in HookCommand.split(command, interface: "", hook: .postUp, location: location) {
                for e in c.effects {
                    switch e {
                    case .unknown, .none, .sends: continue
                    default: out.append(ObservedEffect(e, at: location))
                    }
                }
            }
        }
        return out
    }

    /// One nftables table's base chains on the input, output and forward hooks.
    func nftTable(_ table: PacketFilter) -> [ObservedEffect] {
        let family: IPFamily? = table.family == "ip" ? .ipv4 : table.family == "ip6" ? .ipv6 : nil
        var out: [ObservedEffect] = []
        for (name, chain) in table.chains.sorted(by: { $0.key < $1.key }) {
            guard let hook = chain.hook, let filterChain = FilterChain(rawValue: hook) else { continue }
            out += rules(of: name, in: table, chain: filterChain, family: family, depth: 0)
            if chain.policy == .drop {
                let location = SourceLocation(
                    file: file, path: "nftRuleset \"table \(table.family) chain \(name) policy drop\"")
                out.append(
                    ObservedEffect(
                        filterChain == .forward
                            ? .forwardPolicy(family, .drop, location)
                            : .chainPolicy(filterChain, family, .drop, location),
                        at: location))
            }
        }
        return out
    }

    /// The modelled rules of a chain, jumps without selectors followed (to a depth of 8, as doctor follows them).
    func rules(of name: String, in table: PacketFilter, chain: FilterChain, family: IPFamily?, depth: Int)
        -> [ObservedEffect]
    {
        guard depth < 8, let c = table.chains[name] else { return [] }
        var out: [ObservedEffect] = []
        for rule in c.rules {
            let bare =
                rule.proto == nil && rule.dports == nil && rule.sports == nil && !rule.otherSelectors
                && rule.iif == nil && rule.oif == nil
            let action: FilterAction
            switch rule.verdict {
            case .accept: action = .accept
            case .drop: action = .drop
            case .jump(let target):
                if bare { out += rules(of: target, in: table, chain: chain, family: family, depth: depth + 1) }
                continue
            case .return:
                if bare { return out }
                continue
            case .none: continue
            }
            guard !rule.otherSelectors else { continue }
            let location = SourceLocation(file: file, path: "nftRuleset \"\(rule.text)\"")
            let dports = Self.ports(rule.dports)
            let sports = Self.ports(rule.sports)
            guard let dports, let sports else { continue }
            for d in dports {
                for s in sports {
                    var r = ForwardRule(
                        inInterface: rule.iif.map(Self.wildcard), outInterface: rule.oif.map(Self.wildcard),
                        action: action, location: location, family: family, proto: rule.proto)
                    r.chain = chain
                    r.dport = d
                    r.sport = s
                    out.append(ObservedEffect(.appendForwardRule(r), at: location))
                }
            }
        }
        return out
    }

    /// The ports of a match, one rule each (nil in the list: any port); nil when there are too many to list.
    static func ports(_ ranges: [ClosedRange<Int>]?) -> [UInt16?]? {
        guard let ranges else { return [nil] }
        let all = ranges.flatMap { $0 }
        guard all.count <= 16 else { return nil }
        return all.compactMap { UInt16(exactly: $0) }
    }

    /// nft's interface wildcard `wg*` as iptables writes it (`wg+`), which the analysis matches.
    static func wildcard(_ name: String) -> String { name.hasSuffix("*") ? name.dropLast() + "+" : name }

    /// nftables rules with a `masquerade` or `snat` statement in a chain on the `postrouting` hook, with the output
    /// interface they name (libnftables-json(5)); a rule with other matches counts as covering every source.
    func nftMasquerade(_ text: String) -> [ObservedEffect] {
        var out: [ObservedEffect] = []
        for r in NftSourceNATRule.all(in: text) {
            // Only an `==` match narrows the rule to one interface.
            let oif = r.outInterfaceMatches.first { $0.op == "==" && $0.name != nil }?.name
            let location = SourceLocation(
                file: file,
                path: "nftRuleset \"table \(r.family) \(r.table) chain \(r.chain): "
                    + (oif.map { "oifname \"\($0)\" " } ?? "") + "masquerade\"")
            let rule = MasqueradeRule(
                outInterface: oif.map(Self.wildcard), location: location,
                family: r.family == "ip" ? .ipv4 : r.family == "ip6" ? .ipv6 : nil)
            out.append(ObservedEffect(.masquerade(rule), at: location))
        }
        return out
    }
}
