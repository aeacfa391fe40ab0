import WireConfig

/// Reads the `iptables`/`ip6tables` command lines that matter for reachability (iptables(8), iptables-extensions(8)).
///
/// Recognized: `[-t filter] -A|-I|-D FORWARD|INPUT|OUTPUT [N]` with `-i`, `-o`, `-s`, `-d`, `-p`, `--dport` and
/// `--sport` of one port, `-m state --state`, `-m conntrack --ctstate`, `-m comment --comment` and
/// `-j ACCEPT|DROP|REJECT|LOG`; `-P FORWARD|INPUT|OUTPUT ACCEPT|DROP`;
/// `-t nat -A|-I|-D POSTROUTING [-s] [-o] -j MASQUERADE`; `-t mangle ... -j TCPMSS` (no effect on reachability).
/// A negation (`!`), a user chain or any other option makes the command `.unknown`.
enum IptablesCommand {
    static func effects(_ args: [String], family: IPFamily, location: SourceLocation) -> [HookEffect] {
        var table = "filter"
        var op: String?
        var chain: String?
        var position = 1
        var policy: String?
        var inIf: String?
        var outIf: String?
        var proto: String?
        var target: String?
        var sources: [IPPrefix]? = nil
        var destinations: [IPPrefix]? = nil
        var states: Set<ConnectionState>?
        var dport: UInt16?
        var sport: UInt16?
        var i = 0
        func value() -> String? {
            i += 1
            return i < args.count ? args[i] : nil
        }
        func prefixes(_ s: String?) -> [IPPrefix]? {
            guard let s else { return nil }
            let list = s.split(separator: ",").map { IPPrefix($0) }
            guard !list.contains(where: { $0 == nil }) else { return nil }
            return list.map { $0!.network }
        }
        func conntrack(_ s: String?) -> Set<ConnectionState>? {
            guard let s else { return nil }
            let list = s.lowercased().split(separator: ",").map { ConnectionState(rawValue: String($0)) }
            guard !list.contains(where: { $0 == nil }) else { return nil }
            return Set(list.map { $0! })
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-t", "--table":
                guard let v = value() else { return [.unknown("`-t` without a table")] }
                table = v
            case "-A", "--append", "-D", "--delete", "-I", "--insert":
                op = a == "--append" ? "-A" : a == "--delete" ? "-D" : a == "--insert" ? "-I" : a
                chain = value()
                if op == "-I", i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
                    position = n
                    i += 1
                }
            case "-P", "--policy":
                op = "-P"
                chain = value()
                policy = value()
            case "-i", "--in-interface": inIf = value()
            case "-o", "--out-interface": outIf = value()
            case "-s", "--source", "--src":
                guard let p = prefixes(value()) else { return [.unknown("`\(a)` needs addresses or prefixes")] }
                sources = p
            case "-d", "--destination", "--dst":
                guard let p = prefixes(value()) else { return [.unknown("`\(a)` needs addresses or prefixes")] }
                destinations = p
            case "-p", "--protocol": proto = value()?.lowercased()
            case "-j", "--jump": target = value()
            case "-w", "--wait":
                if i + 1 < args.count, Int(args[i + 1]) != nil { i += 1 }
            case "-v", "--verbose", "-n", "--numeric": break
            case "-m", "--match":
                guard let m = value() else { return [.unknown("`-m` without a module")] }
                guard ["state", "conntrack", "comment", "tcp", "udp", "icmp", "multiport"].contains(m) else {
                    return [.unknown("match module `\(m)` is not modelled")]
                }
            case "--state", "--ctstate":
                guard let s = conntrack(value()) else { return [.unknown("`\(a)` has a state the analysis lacks")] }
                states = s
            case "--comment": _ = value()
            case "--dport", "--sport", "--destination-port", "--source-port", "--dports", "--sports",
                "--tcp-flags", "--clamp-mss-to-pmtu", "--set-mss", "--icmp-type", "--reject-with",
                "--log-prefix":
                // Options of tcp/udp/icmp matches and targets: keep the rule (its -p decides what it matches).
                if a == "--tcp-flags" { _ = value() }
                if a != "--clamp-mss-to-pmtu" {
                    let v = value()
                    if a == "--dport" || a == "--destination-port" {
                        guard let n = v.flatMap({ UInt16($0) }) else {
                            return [.unknown("`\(a) \(v ?? "")` is not one port")]
                        }
                        dport = n
                    } else if a == "--sport" || a == "--source-port" {
                        guard let n = v.flatMap({ UInt16($0) }) else {
                            return [.unknown("`\(a) \(v ?? "")` is not one port")]
                        }
                        sport = n
                    } else if a == "--dports" || a == "--sports" {
                        return [.unknown("`\(a)` port lists are not modelled")]
                    }
                }
                if [
                    "--dport", "--sport", "--destination-port", "--source-port", "--dports", "--sports",
                    "--icmp-type",
                ].contains(a), proto == nil {
                    return [.unknown("`\(a)` without `-p`")]
                }
                if a == "--icmp-type" { return [.unknown("`--icmp-type` is not modelled")] }
            case "!":
                return [.unknown("negated matches (`!`) are not modelled")]
            default:
                return [.unknown("option `\(a)` is not modelled")]
            }
            i += 1
        }
        guard let op, let chain else { return [.unknown("no chain operation (-A/-I/-D/-P) the analysis models")] }
        if table == "mangle" { return target == "TCPMSS" ? [.none] : [.unknown("mangle `\(target ?? "")`")] }
        if op == "-P" {
            guard table == "filter", let c = FilterChain(rawValue: chain.lowercased()), chain == c.name else {
                return [.unknown("policy of \(table) \(chain) is not modelled")]
            }
            let action: FilterAction
            switch policy?.uppercased() {
            case "ACCEPT": action = .accept
            case "DROP": action = .drop
            default: return [.unknown("policy `\(policy ?? "")`")]
            }
            return [
                c == .forward ? .forwardPolicy(family, action, location) : .chainPolicy(c, family, action, location)
            ]
        }
        if table == "nat" {
            guard chain == "POSTROUTING", target == "MASQUERADE" else {
                return [.unknown("nat \(chain) -j \(target ?? "?") is not modelled")]
            }
            guard inIf == nil, destinations == nil, proto == nil, states == nil else {
                return [.unknown("a MASQUERADE rule with -i/-d/-p/state matches is not modelled")]
            }
            return (sources.map { $0.map(Optional.some) } ?? [nil]).map { s in
                let rule = MasqueradeRule(outInterface: outIf, source: s, location: location, family: family)
                return op == "-D" ? .deleteMasquerade(rule) : .masquerade(rule)
            }
        }
        guard table == "filter" else { return [.unknown("table `\(table)` is not modelled")] }
        guard let filterChain = FilterChain(rawValue: chain.lowercased()), chain == filterChain.name else {
            return [.unknown("chain `\(chain)` is not modelled (only FORWARD, INPUT, OUTPUT)")]
        }
        let action: FilterAction
        switch target?.uppercased() {
        case "ACCEPT": action = .accept
        case "DROP": action = .drop
        case "REJECT": action = .reject
        case "LOG": return [.none]
        default: return [.unknown("target `\(target ?? "(none)")` is not modelled")]
        }
        var out: [HookEffect] = []
        for s in sources.map({ $0.map(Optional.some) }) ?? [nil] {
            for d in destinations.map({ $0.map(Optional.some) }) ?? [nil] {
                var rule = ForwardRule(
                    inInterface: inIf, outInterface: outIf, source: s, destination: d,
                    action: action, location: location, family: family, states: states,
                    proto: proto)
                rule.chain = filterChain
                rule.dport = dport
                rule.sport = sport
                switch op {
                case "-A": out.append(.appendForwardRule(rule))
                case "-I": out.append(.insertForwardRule(rule, position: position + out.count))
                default: out.append(.deleteForwardRule(rule))
                }
            }
        }
        return out
    }
}
