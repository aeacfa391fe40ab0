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
        /// More hosts or config files than `InputLimits` allows.
        case tooLarge(String, what: String, limit: Int)
        /// Nothing readable: every config was refused (the first reason given).
        case unusable(String)

        public var description: String {
            switch self {
            case .notFound(let p): return "\(p): no such file or directory"
            case .noConfigs(let p):
                return "\(p): no WireGuard configs found (expected HOST/IFACE.conf or HOST.IFACE.conf files, or "
                    + "HOST.json doctor snapshots)"
            case .unusable(let reason): return reason
            case .tooLarge(let p, let what, let limit):
                return "\(p) holds more than \(limit) \(what), the limit (docs/limits.md); nothing was analysed"
            }
        }
    }

    /// Reads doctor snapshots (`*.json` naming schema `wiresmith-snapshot/N`) as hosts; nil reports them instead.
    public var snapshots: (any SnapshotReading)?

    /// A loader; with `snapshots`, a directory may give hosts as doctor snapshots too (docs/doctor.md).
    public init(snapshots: (any SnapshotReading)? = nil) { self.snapshots = snapshots }

    /// Loads every host under `directory`.
    public func load(directory: String) throws(LoadError) -> Network {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw .notFound(directory)
        }
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let listing = InputDirectory.entries(directory) ?? []
        guard listing.count <= InputLimits.networkConfigs + InputLimits.networkHosts else {
            throw .tooLarge(directory, what: "entries", limit: InputLimits.networkConfigs + InputLimits.networkHosts)
        }
        // Each entry (a host folder or a flat file) is looked at on every core; the results are joined in name
        // order, so configs, facts and refusals come out exactly as a walk one by one gives them.
        let counter = ConfigCounter()
        let found = concurrentMap(listing.filter { !$0.name.hasPrefix(".") }) { entry in
            Self.inspect(entry, in: directory, root: root, counter: counter)
        }
        if counter.exceeded {
            throw .tooLarge(directory, what: "config files", limit: InputLimits.networkConfigs)
        }
        var configFiles: [(host: String, iface: String, path: String, regular: Bool)] = []
        var factFiles: [String: String] = [:]
        var snapshotFiles: [(host: String, path: String)] = []
        var refused: [ConfigDiagnostic] = []
        configFiles.reserveCapacity(counter.count)
        for f in found {
            configFiles += f.configs
            for (host, path) in f.facts { factFiles[host] = path }
            refused += f.refused
            snapshotFiles += f.snapshots
        }
        guard !configFiles.isEmpty || !snapshotFiles.isEmpty else {
            if let first = refused.first { throw .unusable(first.message) }
            throw .noConfigs(directory)
        }
        guard configFiles.count <= InputLimits.networkConfigs else {
            throw .tooLarge(directory, what: "config files", limit: InputLimits.networkConfigs)
        }
        guard Set(configFiles.map(\.host)).union(factFiles.keys).count <= InputLimits.networkHosts else {
            throw .tooLarge(directory, what: "hosts", limit: InputLimits.networkHosts)
        }
        var network = load(
            configs: configFiles.map { ($0.host, $0.iface, $0.path) }, listedRegular: configFiles.map(\.regular),
            facts: factFiles)
        if !snapshotFiles.isEmpty { network = adding(snapshots: snapshotFiles, to: network) }
        if network.hosts.allSatisfy(\.interfaces.isEmpty), configFiles.isEmpty {
            if let first = (refused + network.diagnostics).first { throw .unusable(first.message) }
            throw .noConfigs(directory)
        }
        network.diagnostics = refused + network.diagnostics
        if let name = IntentReader.fileNames.first(where: { name in listing.contains { $0.name == name } }) {
            let (intent, diags) = IntentReader.read(path: (directory as NSString).appendingPathComponent(name))
            network.intent = intent
            network.diagnostics += diags + intent.diagnostics(in: network)
        }
        return network
    }

    /// What one entry of a network directory holds: a host folder's configs and facts file, or one flat file.
    struct Found: Sendable {
        /// `regular`: the directory lists the file as a regular file (not a link), so it is opened without a `stat`
        /// of its path first (`InputFile.read(_:limit:listedRegular:)`).
        var configs: [(host: String, iface: String, path: String, regular: Bool)] = []
        var facts: [(host: String, path: String)] = []
        /// `*.json` files: doctor snapshots when their top level says so (`NetworkLoader+Snapshots.swift`).
        var snapshots: [(host: String, path: String)] = []
        var refused: [ConfigDiagnostic] = []
    }

    /// Looks at one entry of the network directory: symbolic links leading out of it are refused (a diagnostic),
    /// a folder is a host (its `*.conf` and `host.yaml`), a file `HOST.IFACE.conf` or `HOST.host.yaml` is flat.
    /// `stat` and `readlink` are asked only for entries the directory does not record as plain files or folders.
    static func inspect(_ entry: InputDirectory.Entry, in directory: String, root: String, counter: ConfigCounter)
        -> Found
    {
        var found = Found()
        guard !counter.exceeded else { return found }
        let fm = FileManager.default
        /// False (and a diagnostic) for a symbolic link that leads out of the network directory.
        func inside(_ path: String, _ kind: InputDirectory.Kind) -> Bool {
            guard kind == .symlink || kind == .unknown else { return true }
            guard let dest = try? fm.destinationOfSymbolicLink(atPath: path) else { return true }
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            if target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") { return true }
            found.refused.append(
                .init(
                    .error, .unreadable, at: .init(file: path, line: 1), key: nil,
                    InputFile.ReadError.symlinkOutside(path: path, target: dest, directory: directory).description))
            return false
        }
        let name = entry.name
        let path = (directory as NSString).appendingPathComponent(name)
        guard inside(path, entry.kind) else { return found }
        let isFolder: Bool
        switch entry.kind {
        case .directory: isFolder = true
        case .regular, .other: isFolder = false
        case .symlink, .unknown:
            var sub: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &sub)
            isFolder = sub.boolValue
        }
        if isFolder {
            for f in InputDirectory.entries(path) ?? [] where !f.name.hasPrefix(".") {
                let p = (path as NSString).appendingPathComponent(f.name)
                guard
                    f.name.hasSuffix(".conf") || f.name.hasSuffix(".json") || f.name == "host.yaml"
                        || f.name == "host.yml", inside(p, f.kind)
                else { continue }
                if f.name.hasSuffix(".json") {
                    found.snapshots.append((name, p))
                } else if f.name.hasSuffix(".conf") {
                    found.configs.append((name, String(f.name.dropLast(5)), p, f.kind == .regular))
                } else {
                    found.facts.append((name, p))
                }
            }
            counter.add(found.configs.count)
        } else if name.hasSuffix(".conf") {
            let stem = name.dropLast(5)
            guard let dot = stem.firstIndex(of: ".") else { return found }
            found.configs.append(
                (String(stem[..<dot]), String(stem[stem.index(after: dot)...]), path, entry.kind == .regular))
            counter.add(1)
        } else if name.hasSuffix(".json") {
            found.snapshots.append((String(name.dropLast(5)), path))
        } else if name.hasSuffix(".host.yaml") || name.hasSuffix(".host.yml") {
            found.facts.append((name.components(separatedBy: ".host.")[0], path))
        }
        return found
    }

    /// wg-quick's rule for the interface name it takes from the file name (`^[a-zA-Z0-9_=+.-]{1,15}$`), which is
    /// also the kernel's IFNAMSIZ less its NUL.
    public static func isValidInterfaceName(_ name: String) -> Bool {
        (1...15).contains(name.utf8.count)
            && name.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || "_=+.-".utf8.contains(c)
            }
    }

    /// Loads the given config files (host, interface name, path) and facts files (host -> path).
    ///
    /// Files are read, parsed and their public keys derived (an X25519 multiplication each, the bulk of the work) on
    /// every core at once (`DispatchQueue.concurrentPerform`); the result is the same as one by one.
    ///
    /// All files are read first, then parsed largest first: a hub's config can be most of the work (a 99,999-peer
    /// hub is 24 MB, half a second of parsing), and parsed in name order it started last, alone on one core, after
    /// the other core had finished every client.
    public func load(configs: [(host: String, interface: String, path: String)], facts: [String: String]) -> Network {
        load(configs: configs, listedRegular: [], facts: facts)
    }

    /// `load(configs:facts:)`, for configs of which the directory listing already said which are regular files
    /// (`listedRegular[n]`; missing entries count as not known).
    func load(
        configs: [(host: String, interface: String, path: String)], listedRegular: [Bool], facts: [String: String]
    ) -> Network {
        let slots = LoadSlots(count: configs.count)
        let contents = concurrentMap(Array(configs.indices)) { n -> Result<[UInt8], InputFile.ReadError> in
            // Bytes as wg-quick reads them: a stray non-UTF-8 byte in a comment does not lose the file.
            Result { () throws(InputFile.ReadError) in
                try InputFile.read(
                    configs[n].path, limit: InputLimits.configBytes,
                    listedRegular: n < listedRegular.count && listedRegular[n])
            }
        }
        let largestFirst = configs.indices.sorted { a, b in
            let (x, y) = (contents[a].byteCount, contents[b].byteCount)
            return x != y ? x > y : a < b
        }
        DispatchQueue.concurrentPerform(iterations: configs.count) { k in
            let n = largestFirst[k]
            let (host, iface, path) = configs[n]
            let text: String
            switch contents[n] {
            case .success(let bytes): text = InputFile.text(bytes)
            case .failure(let error):
                slots.store(
                    n, .failure(.init(.error, .unreadable, at: .init(file: path, line: 1), key: nil, error.description))
                )
                return
            }
            let result = ConfigParser().parse(text, file: path)
            var own = result.diagnostics
            if !Self.isValidInterfaceName(iface) {
                own.insert(
                    .init(
                        .error, .invalidInterfaceName, at: .init(file: path, line: 1), key: nil,
                        "wg-quick refuses the interface name this file gives (\(iface.utf8.count) bytes): it must be "
                            + "1 to 15 of a-z A-Z 0-9 _ = + . - (rename the file)"),
                    at: 0)
            }
            slots.store(
                n,
                .success(
                    TunnelInterface(
                        host: host, name: iface, file: path,
                        config: result.config, diagnostics: own,
                        hookLines: HookLines.scan(text), publicKey: result.publicKey)))
        }
        var diagnostics: [ConfigDiagnostic] = []
        var byHost: [String: [TunnelInterface]] = [:]
        byHost.reserveCapacity(configs.count)
        // Host names in the order the configs came (the walk's name order), then hosts known only from facts:
        // nearly sorted already, so sorting them is about one pass (a Set of 100,000 names sorted from scratch
        // was a noticeable single-core stretch).
        var names: [String] = []
        names.reserveCapacity(configs.count + facts.count)
        for (n, c) in configs.enumerated() {
            switch slots.items[n] {
            case .success(let i)?:
                if byHost[c.host]?.append(i) == nil {
                    byHost[c.host] = [i]
                    names.append(c.host)
                }
            case .failure(let d)?: diagnostics.append(d)
            case nil: break
            }
        }
        for name in facts.keys where byHost[name] == nil { names.append(name) }
        names.sort()
        var hosts: [Host] = []
        for name in names {
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

extension Result where Success == [UInt8] {
    /// The bytes read, 0 for a file that could not be read.
    fileprivate var byteCount: Int {
        if case .success(let bytes) = self { return bytes.count }
        return 0
    }
}

/// The config files found so far by the concurrent walk of a network directory, against
/// `InputLimits.networkConfigs`: once past it, the walk stops looking.
final class ConfigCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    /// Config files found so far.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    /// True once more config files than the limit were found.
    var exceeded: Bool { count > InputLimits.networkConfigs }

    func add(_ n: Int) {
        lock.lock()
        total += n
        lock.unlock()
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
        let bytes: [UInt8]
        do throws(InputFile.ReadError) {
            bytes = try InputFile.read(path, limit: InputLimits.factsBytes)
        } catch {
            return (
                HostFacts(file: path),
                [.init(.error, .unreadable, at: .init(file: path, line: 1), key: nil, error.description)]
            )
        }
        return parse(InputFile.text(bytes), file: path)
    }

    /// Where a Yams error points (libyaml's problem mark, 1-based), and its problem without the echoed document.
    static func yamlProblem(_ error: Error, file: String) -> (SourceLocation, String) {
        guard let yaml = error as? YamlError else { return (SourceLocation(file: file, line: 1), "\(error)") }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return (SourceLocation(file: file, line: mark.line, column: mark.column), problem + during)
        case .reader(let problem, _, _, _):
            return (SourceLocation(file: file, line: 1), problem)
        default:
            return (SourceLocation(file: file, line: 1), "\(yaml)")
        }
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
        if text.utf8.count > InputLimits.factsBytes {
            diags.append(
                .init(
                    .error, .tooLarge, at: .init(file: file, line: 1), key: nil,
                    "the facts file is larger than \(InputLimits.bytes(InputLimits.factsBytes)), the limit "
                        + "(docs/limits.md); it was not read"))
            return (facts, diags)
        }
        if let problem = YAMLGuard.check(text) {
            diags.append(
                .init(
                    .error, problem.kind, at: .init(file: file, line: problem.line, column: problem.column),
                    key: nil, problem.message))
            return (facts, diags)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let (location, message) = yamlProblem(error, file: file)
            diags.append(.init(.error, .syntax, at: location, key: nil, "not valid YAML: \(message)"))
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
            guard seq.count <= InputLimits.factsListItems else {
                bad(n, key, "more than \(InputLimits.factsListItems) items, the limit (docs/limits.md)")
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
            case "nat_udp_timeout":
                if let n = v.int, (1...86_400).contains(n) {
                    facts.natUDPTimeout = n
                } else {
                    bad(v, key, "expected seconds, 1 to 86400")
                }
            case "public_addresses", "public_address":
                for s in strings(v, key) {
                    if let a = IPAddress(s) {
                        facts.publicAddresses.append(a)
                    } else {
                        bad(v, key, "\(Redaction.quoted(s)) is not an IP address")
                    }
                }
            case "names":
                facts.names = strings(v, key)
            case "uplink":
                facts.uplink = v.scalar?.string
            case _ where (v.sequence?.count ?? 0) > InputLimits.factsListItems:
                bad(v, key, "more than \(InputLimits.factsListItems) items, the limit (docs/limits.md)")
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
                    var addr: IPAddress?
                    if let node = m["address"] {
                        guard let text = node.scalar?.string, let a = IPAddress(text) else {
                            bad(node, "lans.address", "expected an IP address such as 192.168.10.1")
                            continue
                        }
                        guard p.contains(a) else {
                            bad(node, "lans.address", "\(a) is not inside the LAN's prefix \(p)")
                            continue
                        }
                        addr = a
                    } else if p.firstHostAddress == nil {
                        bad(
                            m["prefix"], "lans.prefix",
                            "\(p) has no address after its network address for the host; give the host's `address:`")
                        continue
                    }
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
                        "unknown fact (known: forwarding, behind_nat, nat_udp_timeout, public_addresses, names, "
                            + "uplink, lans, masquerade, forward_policy, forward_rules, rp_filter)"))
            }
        }
        return (facts, diags)
    }
}
