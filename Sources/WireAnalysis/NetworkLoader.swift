import Foundation
import WireConfig
import Yams

/// Reads a network from disk: one folder per host (`HOST/wg0.conf`, `HOST/host.yaml`) or flat files
/// (`HOST.wg0.conf`, `HOST.host.yaml`), or both mixed in one directory.
///
/// Nothing here throws on a bad file: a config that does not parse keeps its diagnostics on its interface, and bad
/// facts land in `Network.diagnostics`, so the rest of the network is still analysed. Only an input path that
/// cannot be read at all throws.
public struct NetworkLoader: Sendable {
    /// A problem with the input as a whole.
    public enum LoadError: Error, CustomStringConvertible, Sendable {
        case notFound(String)
        case noConfigs(String)

        public var description: String {
            switch self {
            case .notFound(let p): return "\(p): no such file or directory"
            case .noConfigs(let p):
                return "\(p): no WireGuard configs found (expected HOST/IFACE.conf or HOST.IFACE.conf files)"
            }
        }
    }

    public init() {}

    /// Loads every host under `directory`.
    public func load(directory: String) throws(LoadError) -> Network {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw .notFound(directory)
        }
        var configFiles: [(host: String, iface: String, path: String)] = []
        var factFiles: [String: String] = [:]
        let entries = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for entry in entries where !entry.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(entry)
            var sub: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &sub)
            if sub.boolValue {
                let inner = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
                for f in inner where !f.hasPrefix(".") {
                    let p = (path as NSString).appendingPathComponent(f)
                    if f.hasSuffix(".conf") {
                        configFiles.append((entry, String(f.dropLast(5)), p))
                    } else if f == "host.yaml" || f == "host.yml" {
                        factFiles[entry] = p
                    }
                }
            } else if entry.hasSuffix(".conf") {
                let stem = entry.dropLast(5)
                guard let dot = stem.firstIndex(of: ".") else { continue }
                configFiles.append((String(stem[..<dot]), String(stem[stem.index(after: dot)...]), path))
            } else if entry.hasSuffix(".host.yaml") || entry.hasSuffix(".host.yml") {
                let host = entry.components(separatedBy: ".host.")[0]
                factFiles[host] = path
            }
        }
        guard !configFiles.isEmpty else { throw .noConfigs(directory) }
        var network = load(configs: configFiles.map { ($0.host, $0.iface, $0.path) }, facts: factFiles)
        if let name = IntentReader.fileNames.first(where: { entries.contains($0) }) {
            let (intent, diags) = IntentReader.read(path: (directory as NSString).appendingPathComponent(name))
            network.intent = intent
            network.diagnostics += diags + intent.diagnostics(in: network)
        }
        return network
    }

    /// Loads the given config files (host, interface name, path) and facts files (host -> path).
    ///
    /// Files are read, parsed and their public keys derived (an X25519 multiplication each, the bulk of the work) on
    /// every core at once (`DispatchQueue.concurrentPerform`); the result is the same as one by one.
    public func load(configs: [(host: String, interface: String, path: String)], facts: [String: String]) -> Network {
        let slots = LoadSlots(count: configs.count)
        DispatchQueue.concurrentPerform(iterations: configs.count) { n in
            let (host, iface, path) = configs[n]
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                slots.store(
                    n,
                    .failure(
                        .init(
                            .error, .unreadable, at: .init(file: path, line: 1), key: nil,
                            "cannot read the file: \(error.localizedDescription)")))
                return
            }
            let result = ConfigParser().parse(text, file: path)
            slots.store(
                n,
                .success(
                    TunnelInterface(
                        host: host, name: iface, file: path,
                        config: result.config, diagnostics: result.diagnostics,
                        hookLines: HookLines.scan(text), publicKey: result.publicKey)))
        }
        var diagnostics: [ConfigDiagnostic] = []
        var byHost: [String: [TunnelInterface]] = [:]
        for (n, c) in configs.enumerated() {
            switch slots.items[n] {
            case .success(let i)?: byHost[c.host, default: []].append(i)
            case .failure(let d)?: diagnostics.append(d)
            case nil: break
            }
        }
        var hosts: [Host] = []
        for name in Set(byHost.keys).union(facts.keys).sorted() {
            var hostFacts = HostFacts()
            if let path = facts[name] {
                let (f, d) = HostFactsReader.read(path: path)
                hostFacts = f
                diagnostics += d
            }
            hosts.append(Host(name: name, interfaces: byHost[name] ?? [], facts: hostFacts))
        }
        return Network(hosts: hosts, diagnostics: diagnostics)
    }
}

/// One result slot per config file, written by exactly one `concurrentPerform` iteration each.
private final class LoadSlots: @unchecked Sendable {
    enum Item {
        case success(TunnelInterface)
        case failure(ConfigDiagnostic)
    }
    private(set) var items: [Item?]
    private let lock = NSLock()

    init(count: Int) { items = Array(repeating: nil, count: count) }

    func store(_ n: Int, _ item: Item) {
        lock.lock()
        items[n] = item
        lock.unlock()
    }
}

/// Reads a `host.yaml` facts file (schema in `HostFacts`), reporting each bad field with its line.
public enum HostFactsReader {
    /// Reads and validates the file; unknown or malformed fields become diagnostics, never a crash.
    public static func read(path: String) -> (HostFacts, [ConfigDiagnostic]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return (
                HostFacts(file: path),
                [
                    .init(
                        .error, .unreadable, at: .init(file: path, line: 1), key: nil,
                        "cannot read the facts file")
                ]
            )
        }
        return parse(text, file: path)
    }

    /// Parses facts YAML text, naming `file` in diagnostics.
    public static func parse(_ text: String, file: String) -> (HostFacts, [ConfigDiagnostic]) {
        var facts = HostFacts(file: file)
        var diags: [ConfigDiagnostic] = []
        func bad(_ node: Node?, _ key: String, _ message: String) {
            let line = node?.mark.map { $0.line } ?? 1
            let col = node?.mark.map { $0.column } ?? 1
            diags.append(
                .init(
                    .error, .invalidValue, at: .init(file: file, line: line, column: col), key: key,
                    message))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            diags.append(.init(.error, .syntax, at: .init(file: file, line: 1), key: nil, "not valid YAML: \(error)"))
            return (facts, diags)
        }
        guard let root else { return (facts, diags) }
        guard let map = root.mapping else {
            bad(root, "facts", "expected a mapping of fact names to values")
            return (facts, diags)
        }
        func bool(_ n: Node, _ key: String) -> Bool? {
            if let b = n.bool { return b }
            if let i = n.int, i == 0 || i == 1 { return i == 1 }
            bad(n, key, "expected true or false")
            return nil
        }
        func strings(_ n: Node, _ key: String) -> [String] {
            if let s = n.scalar { return [s.string] }
            guard let seq = n.sequence else {
                bad(n, key, "expected a list")
                return []
            }
            return seq.compactMap { item in
                guard let s = item.scalar?.string else {
                    bad(item, key, "expected a string")
                    return nil
                }
                return s
            }
        }
        func prefix(_ n: Node?, _ key: String) -> IPPrefix? {
            guard let n else { return nil }
            guard let s = n.scalar?.string, let p = IPPrefix(s) else {
                bad(n, key, "expected an address/prefix such as 10.0.0.0/24")
                return nil
            }
            return p
        }
        func action(_ n: Node?, _ key: String) -> FilterAction? {
            guard let n else { return nil }
            guard let s = n.scalar?.string, let a = FilterAction(rawValue: s.lowercased()) else {
                bad(n, key, "expected accept, drop or reject")
                return nil
            }
            return a
        }
        for (k, v) in map {
            guard let key = k.scalar?.string else { continue }
            facts.lines[key] = (k.mark?.line) ?? 1
            let loc = SourceLocation(file: file, line: v.mark?.line ?? 1)
            switch key {
            case "forwarding":
                if let m = v.mapping {
                    for (fk, fv) in m {
                        switch fk.scalar?.string {
                        case "ipv4": facts.ipv4Forwarding = bool(fv, "forwarding.ipv4")
                        case "ipv6": facts.ipv6Forwarding = bool(fv, "forwarding.ipv6")
                        default: bad(fk, "forwarding", "expected ipv4 or ipv6")
                        }
                    }
                } else if let b = bool(v, key) {
                    facts.ipv4Forwarding = b
                    facts.ipv6Forwarding = b
                }
            case "behind_nat":
                facts.behindNAT = bool(v, key)
            case "public_addresses", "public_address":
                for s in strings(v, key) {
                    if let a = IPAddress(s) {
                        facts.publicAddresses.append(a)
                    } else {
                        bad(v, key, "`\(s)` is not an IP address")
                    }
                }
            case "names":
                facts.names = strings(v, key)
            case "uplink":
                facts.uplink = v.scalar?.string
            case "lans":
                for item in v.sequence ?? [] {
                    guard let m = item.mapping else {
                        bad(item, key, "expected {name, prefix, interface}")
                        continue
                    }
                    guard let p = prefix(m["prefix"], "lans.prefix") else {
                        if m["prefix"] == nil { bad(item, key, "a LAN needs a prefix") }
                        continue
                    }
                    let addr = (m["address"]?.scalar?.string).flatMap { IPAddress($0) }
                    let name = m["name"]?.scalar?.string ?? "lan\(facts.lans.count)"
                    let iface = m["interface"]?.scalar?.string ?? "eth\(facts.lans.count + 1)"
                    let gateway = m["gateway"].flatMap { bool($0, "lans.gateway") }
                    facts.lans.append(LAN(name: name, prefix: p, interface: iface, address: addr, gateway: gateway))
                }
            case "masquerade":
                for item in v.sequence ?? [] {
                    guard let m = item.mapping else {
                        bad(item, key, "expected {out, source}")
                        continue
                    }
                    facts.masquerade.append(
                        MasqueradeRule(
                            outInterface: m["out"]?.scalar?.string,
                            source: prefix(m["source"], "masquerade.source"),
                            location: SourceLocation(
                                file: file,
                                line: item.mark?.line ?? 1)))
                }
            case "rp_filter":
                if let n = v.int, (0...2).contains(n) {
                    facts.rpFilter["all"] = n
                } else if let m = v.mapping {
                    for (rk, rv) in m {
                        guard let name = rk.scalar?.string, let n = rv.int, (0...2).contains(n) else {
                            bad(rv, "rp_filter", "expected INTERFACE: 0, 1 or 2")
                            continue
                        }
                        facts.rpFilter[name] = n
                    }
                } else {
                    bad(v, key, "expected 0, 1, 2 or {all: N, IFACE: N}")
                }
            case "forward_policy":
                facts.forwardPolicy = action(v, key)
            case "forward_rules":
                for item in v.sequence ?? [] {
                    guard let m = item.mapping else {
                        bad(item, key, "expected {in, out, action}")
                        continue
                    }
                    guard let a = action(m["action"], "forward_rules.action") else {
                        if m["action"] == nil { bad(item, key, "a rule needs an action") }
                        continue
                    }
                    facts.forwardRules.append(
                        ForwardRule(
                            inInterface: m["in"]?.scalar?.string, outInterface: m["out"]?.scalar?.string,
                            source: prefix(m["source"], "forward_rules.source"),
                            destination: prefix(m["destination"], "forward_rules.destination"), action: a,
                            location: SourceLocation(file: file, line: item.mark?.line ?? 1)))
                }
            default:
                diags.append(
                    .init(
                        .error, .unknownKey, at: loc, key: key,
                        "unknown fact (known: forwarding, behind_nat, public_addresses, names, uplink, "
                            + "lans, masquerade, forward_policy, forward_rules, rp_filter)"))
            }
        }
        return (facts, diags)
    }
}
