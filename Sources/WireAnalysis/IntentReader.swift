import Foundation
import WireConfig
import Yams

/// Reads `intent.yaml` (docs/intent.md) with Yams, naming the line and column of every bad field.
///
/// Nothing throws: a malformed field becomes an error diagnostic and is left out, so the rest still counts. Names
/// of hosts and interfaces are checked against the network by `Intent.diagnostics(in:)` once the hosts are known.
public enum IntentReader {
    /// The file names looked for at a network directory's root, in order.
    public static let fileNames = ["intent.yaml", "intent.yml"]

    /// Reads the file; an unreadable file is one error diagnostic.
    public static func read(path: String) -> (Intent, [ConfigDiagnostic]) {
        let bytes: [UInt8]
        do throws(InputFile.ReadError) {
            bytes = try InputFile.read(path, limit: InputLimits.factsBytes)
        } catch {
            return (
                Intent(file: path),
                [.init(.error, .unreadable, at: .init(file: path, line: 1), key: nil, error.description)]
            )
        }
        return parse(InputFile.text(bytes), file: path)
    }

    /// Parses intent YAML text, naming `file` in diagnostics and locations.
    public static func parse(_ text: String, file: String) -> (Intent, [ConfigDiagnostic]) {
        var intent = Intent(file: file)
        var diags: [ConfigDiagnostic] = []
        func at(_ node: Node?) -> SourceLocation {
            SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
        }
        func bad(_ node: Node?, _ key: String, _ message: String) {
            diags.append(.init(.error, .invalidValue, at: at(node), key: key, message))
        }
        // Size, anchors, aliases and depth are checked before Yams composes anything (docs/limits.md).
        if text.utf8.count > InputLimits.factsBytes {
            diags.append(
                .init(
                    .error, .tooLarge, at: .init(file: file, line: 1), key: nil,
                    "the intent file is larger than \(InputLimits.bytes(InputLimits.factsBytes)), the limit "
                        + "(docs/limits.md); it was not read"))
            return (intent, diags)
        }
        if let problem = YAMLGuard.check(text) {
            diags.append(
                .init(
                    .error, problem.kind, at: .init(file: file, line: problem.line, column: problem.column),
                    key: nil, problem.message))
            return (intent, diags)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            diags.append(
                .init(.error, .syntax, at: yamlErrorLocation(error, file), key: nil, "not valid YAML: \(error)"))
            return (intent, diags)
        } catch {
            diags.append(.init(.error, .syntax, at: .init(file: file, line: 1), key: nil, "not valid YAML: \(error)"))
            return (intent, diags)
        }
        guard let root else { return (intent, diags) }
        guard let map = root.mapping else {
            bad(root, "intent", "expected a mapping with groups, rules and default")
            return (intent, diags)
        }
        // Group names first: a bare word on a rule side is a group when one has that name.
        let groupNames = Set(
            (map["groups"]?.mapping.map { m in m.compactMap { $0.key.scalar?.string } }) ?? [])
        func member(_ n: Node, _ key: String) -> IntentMember? {
            guard let s = n.scalar?.string else {
                bad(n, key, "expected a host, HOST/IFACE, an address or prefix, `clients of HOST/IFACE` or a group")
                return nil
            }
            guard let m = IntentMember(s, groups: groupNames) else {
                bad(n, key, "`\(s)` is not a host, HOST/IFACE, address, prefix or `clients of HOST/IFACE`")
                return nil
            }
            return m
        }
        for (k, v) in map {
            guard let key = k.scalar?.string else {
                bad(k, "intent", "expected a field name")
                continue
            }
            switch key {
            case "version":
                guard let n = v.int, n == 1 else {
                    bad(v, key, "only version 1 is known")
                    continue
                }
                intent.version = n
            case "default":
                switch v.scalar?.string.lowercased() {
                case "reach", "allow": intent.defaultExpectation = .mustReach
                case "deny", "isolate", "none": intent.defaultExpectation = .mustNotReach
                default: bad(v, key, "expected reach or deny")
                }
            case "groups":
                guard let m = v.mapping else {
                    bad(v, key, "expected a mapping of group names to lists of members")
                    continue
                }
                for (gk, gv) in m {
                    guard let name = gk.scalar?.string, !name.isEmpty else {
                        bad(gk, key, "expected a group name")
                        continue
                    }
                    let items = gv.sequence.map(Array.init) ?? (gv.scalar != nil ? [gv] : [])
                    if gv.sequence == nil && gv.scalar == nil {
                        bad(gv, "groups.\(name)", "expected a list of members")
                    }
                    intent.groups.append(
                        IntentGroup(
                            name: name, members: items.compactMap { member($0, "groups.\(name)") }, location: at(gk)))
                }
            case "rules":
                guard let seq = v.sequence else {
                    bad(
                        v, key,
                        "expected a list of rules (- allow: [A, B], - deny: {from: A, to: B}, - isolate: [A, B])")
                    continue
                }
                for item in seq {
                    guard let m = item.mapping, m.count == 1, let (rk, rv) = m.first.map({ ($0.key, $0.value) }),
                        let word = rk.scalar?.string.lowercased()
                    else {
                        bad(item, key, "expected one of allow:, deny:, isolate: with a pair of sides")
                        continue
                    }
                    let kind: IntentExpectation.Kind
                    switch word {
                    case "allow", "reach": kind = .mustReach
                    case "deny", "isolate": kind = .mustNotReach
                    default:
                        bad(rk, key, "`\(word)` is not a rule (allow, deny or isolate)")
                        continue
                    }
                    if let pair = rv.sequence, pair.count == 2 {
                        guard let a = member(pair[0], "rules.\(word)"), let b = member(pair[1], "rules.\(word)") else {
                            continue
                        }
                        intent.rules.append(
                            IntentRule(kind, from: a, to: b, bothWays: true, keyword: word, location: at(item)))
                    } else if let pm = rv.mapping, word != "isolate", let f = pm["from"], let t = pm["to"] {
                        guard let a = member(f, "rules.\(word).from"), let b = member(t, "rules.\(word).to") else {
                            continue
                        }
                        var both = false
                        if let bw = pm["both_ways"] {
                            if let b = bw.bool {
                                both = b
                            } else {
                                bad(bw, "rules.\(word).both_ways", "expected true or false")
                            }
                        }
                        for (pk, _) in pm {
                            if let s = pk.scalar?.string, !["from", "to", "both_ways"].contains(s) {
                                bad(pk, "rules.\(word)", "unknown field `\(s)` (known: from, to, both_ways)")
                            }
                        }
                        intent.rules.append(
                            IntentRule(kind, from: a, to: b, bothWays: both, keyword: word, location: at(item)))
                    } else {
                        bad(
                            rv, "rules.\(word)",
                            "expected a pair [A, B]" + (word == "isolate" ? "" : " or {from: A, to: B}"))
                    }
                }
            default:
                diags.append(
                    .init(
                        .error, .unknownKey, at: at(k), key: key,
                        "unknown field (known: version, default, groups, rules)"))
            }
        }
        return (intent, diags)
    }

    /// The location Yams reports for a syntax error, when it reports one.
    static func yamlErrorLocation(_ error: YamlError, _ file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file, line: 1)
        }
    }
}

extension Intent {
    /// Names in the intent that the network does not have (a host, an interface, a group), and groups that contain
    /// themselves: one error each, at its line. The intent still answers; an unknown name matches nothing.
    public func diagnostics(in network: Network) -> [ConfigDiagnostic] {
        guard let file else { return [] }
        var out: [ConfigDiagnostic] = []
        func check(_ m: IntentMember, _ loc: SourceLocation?, _ key: String) {
            let at = loc ?? SourceLocation(file: file, line: 1)
            switch m {
            case .host(let h):
                if network.host(h) == nil {
                    out.append(
                        .init(
                            .error, .invalidValue, at: at, key: key,
                            "no host `\(h)` in the network (nor a group of that name)"))
                }
            case .interface(let h, let i), .clientsOf(let h, let i):
                if network.host(h)?.interface(i) == nil {
                    out.append(
                        .init(.error, .invalidValue, at: at, key: key, "no interface `\(h)/\(i)` in the network"))
                }
            case .group(let g):
                if group(g) == nil {
                    out.append(.init(.error, .invalidValue, at: at, key: key, "no group `\(g)`"))
                }
            case .prefix:
                break
            }
        }
        for g in groups { for m in g.members { check(m, g.location, "groups.\(g.name)") } }
        for r in rules {
            check(r.from, r.location, "rules.\(r.keyword)")
            check(r.to, r.location, "rules.\(r.keyword)")
        }
        return out
    }
}
