import Foundation
import Testing
import WireConfig
import WireNet

@testable import WireAnalysis

/// Loading and linting run on every core (issue 13's speed work): the directory walk, the parse, the lint context's
/// indexes and the rules. Their results must be what a walk one by one gives, in the same order, every time.
@Suite struct ParallelLoadTests {
    /// A hub with 300 clients in folders, 20 more as flat files, facts, a link out of the directory, a hidden file,
    /// and faults for lint to find (a client with a wrong hub key, a reused address, a config that does not parse).
    static func writeNetwork() throws -> String {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("ws-parallel-\(UUID())").path
        try fm.createDirectory(atPath: dir + "/hub", withIntermediateDirectories: true)
        let hub = WireKey.generatePrivate()
        var hubText = "[Interface]\nPrivateKey = \(hub.base64)\nAddress = 10.70.0.1/16\nListenPort = 51820\n"
        func client(_ n: Int) -> (String, WireKey) {
            let key = WireKey.generatePrivate()
            let address = n == 7 ? "10.70.0.6" : "10.70.\(n >> 8).\(n & 255)"
            let hubKey = n == 11 ? WireKey.generatePrivate().publicKey : hub.publicKey
            let text = """
                [Interface]
                PrivateKey = \(key.base64)
                Address = \(address)/32
                \(n == 13 ? "MTU = 12\n" : "")
                [Peer]
                PublicKey = \(hubKey.base64)
                Endpoint = 192.0.2.1:51820
                AllowedIPs = 10.70.0.0/16
                PersistentKeepalive = 25

                """
            return (text, key)
        }
        for n in 2..<322 {
            let (text, key) = client(n)
            hubText += "\n[Peer]\nPublicKey = \(key.publicKey.base64)\nAllowedIPs = 10.70.\(n >> 8).\(n & 255)/32\n"
            if n < 302 {
                try fm.createDirectory(atPath: dir + "/c\(n)", withIntermediateDirectories: true)
                try text.write(toFile: dir + "/c\(n)/wg0.conf", atomically: false, encoding: .utf8)
            } else {
                try text.write(toFile: dir + "/f\(n).wg0.conf", atomically: false, encoding: .utf8)
            }
        }
        try hubText.write(toFile: dir + "/hub/wg0.conf", atomically: false, encoding: .utf8)
        try "public_addresses: [192.0.2.1]\nforwarding: true\n".write(
            toFile: dir + "/hub/host.yaml", atomically: false, encoding: .utf8)
        try "behind_nat: true\n".write(toFile: dir + "/f305.host.yaml", atomically: false, encoding: .utf8)
        try "x".write(toFile: dir + "/c5/.hidden.conf", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/c9/wg1.conf", withDestinationPath: "/etc/hostname")
        try fm.createSymbolicLink(atPath: dir + "/c10/wg1.conf", withDestinationPath: dir + "/c12/wg0.conf")
        return dir
    }

    /// The walk as it was before it ran concurrently: one entry after another, in name order.
    static func serialLoad(_ directory: String) -> Network {
        let fm = FileManager.default
        var configs: [(host: String, interface: String, path: String)] = []
        var facts: [String: String] = [:]
        var refused: [ConfigDiagnostic] = []
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        func inside(_ path: String) -> Bool {
            guard let dest = try? fm.destinationOfSymbolicLink(atPath: path) else { return true }
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            if target == root || target.hasPrefix(root + "/") { return true }
            refused.append(
                .init(
                    .error, .unreadable, at: .init(file: path, line: 1), key: nil,
                    InputFile.ReadError.symlinkOutside(path: path, target: dest, directory: directory).description))
            return false
        }
        for entry in ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted() where !entry.hasPrefix(".") {
            let path = directory + "/" + entry
            guard inside(path) else { continue }
            var sub: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &sub)
            if sub.boolValue {
                for f in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() where !f.hasPrefix(".") {
                    let p = path + "/" + f
                    guard f.hasSuffix(".conf") || f == "host.yaml", inside(p) else { continue }
                    if f.hasSuffix(".conf") {
                        configs.append((entry, String(f.dropLast(5)), p))
                    } else {
                        facts[entry] = p
                    }
                }
            } else if entry.hasSuffix(".conf") {
                let stem = entry.dropLast(5)
                guard let dot = stem.firstIndex(of: ".") else { continue }
                configs.append((String(stem[..<dot]), String(stem[stem.index(after: dot)...]), path))
            } else if entry.hasSuffix(".host.yaml") {
                facts[entry.components(separatedBy: ".host.")[0]] = path
            }
        }
        var network = NetworkLoader().load(configs: configs, facts: facts)
        network.diagnostics = refused + network.diagnostics
        return network
    }

    @Test func theConcurrentLoadIsTheSerialLoadEveryTime() throws {
        let dir = try Self.writeNetwork()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = Self.serialLoad(dir)
        #expect(reference.hosts.count == 321)
        #expect(reference.diagnostics.count == 1)
        for _ in 0..<3 {
            let network = try NetworkLoader().load(directory: dir)
            #expect(network.hosts == reference.hosts)
            #expect(network.diagnostics == reference.diagnostics)
            #expect(network.interfacesByKey == reference.interfacesByKey)
        }
    }

    @Test func lintFindsTheSameInTheSameOrderEveryTime() throws {
        let dir = try Self.writeNetwork()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let network = try NetworkLoader().load(directory: dir)
        let first = Linter().lint(network)
        let codes = Set(first.findings.map(\.code))
        #expect(codes.contains(.keyMismatch) || codes.contains(.peerNotMutual), "\(codes)")
        #expect(codes.contains(.duplicateAddress) && codes.contains(.configInvalid), "\(codes)")
        for _ in 0..<3 {
            let again = Linter().lint(LintContext(network: try NetworkLoader().load(directory: dir)))
            #expect(again.findings == first.findings)
            #expect(again.json() == first.json())
        }
    }

    /// The context's per-host route tables and incoming links, built per host on every core, equal the one-link-at-
    /// a-time build they replaced: same hosts, same entries, each list in link order.
    @Test func theContextIndexesAreTheSerialIndexes() throws {
        let dir = try Self.writeNetwork()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let context = LintContext(network: try NetworkLoader().load(directory: dir))
        var items: [String: [(IPPrefix, Int)]] = [:]
        var incoming: [String: [Int]] = [:]
        for (n, l) in context.links.enumerated() {
            for p in l.peer.allowedIPs { items[l.local.host, default: []].append((p, n)) }
            if let r = l.remote { incoming[r.host, default: []].append(n) }
        }
        #expect(incoming.count > 300)
        #expect(context.incoming == incoming)
        #expect(Set(context.routes.keys) == Set(items.keys))
        for (host, list) in items {
            let serial = PrefixTrie(grouping: list).flattened() as [(prefix: IPPrefix, value: Int)]
            let built = context.routes[host]?.flattened() as [(prefix: IPPrefix, value: Int)]? ?? []
            #expect(serial.map(\.prefix) == built.map(\.prefix) && serial.map(\.value) == built.map(\.value), "\(host)")
        }
    }

    /// A hub with more sections than one slice of the link build (`LintContext.linkSlice`) holds, some of them
    /// clients of the network (with their reverse sections), the rest unknown keys: every link is the one a
    /// section-by-section walk gives, in the same order.
    @Test func aHubsLinksBuiltInSlicesAreTheSerialLinks() throws {
        let hubKey = WireKey.generatePrivate()
        var hubText = "[Interface]\nPrivateKey = \(hubKey.base64)\nAddress = 10.80.0.1/16\n"
        var hosts: [WireAnalysis.Host] = []
        func interface(_ host: String, _ text: String) -> TunnelInterface {
            let parsed = ConfigParser().parse(text, file: "\(host)/wg0.conf")
            return TunnelInterface(
                host: host, name: "wg0", file: "\(host)/wg0.conf", config: parsed.config,
                diagnostics: parsed.diagnostics, publicKey: parsed.publicKey)
        }
        for n in 0..<(2 * LintContext.linkSlice + 7) {
            let address = "10.80.\(n >> 8 & 255).\(n & 255)"
            let key: WireKey
            if n % 997 == 0 {
                let own = WireKey.generatePrivate()
                key = own.publicKey
                let text =
                    "[Interface]\nPrivateKey = \(own.base64)\nAddress = \(address)/32\n[Peer]\nPublicKey = "
                    + "\(hubKey.publicKey.base64)\nAllowedIPs = 10.80.0.0/16\n"
                hosts.append(WireAnalysis.Host(name: "client\(n)", interfaces: [interface("client\(n)", text)]))
            } else {
                key = WireKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
            }
            hubText += "[Peer]\nPublicKey = \(key.base64)\nAllowedIPs = \(address)/32\n"
        }
        hosts.append(WireAnalysis.Host(name: "hub", interfaces: [interface("hub", hubText)]))
        let network = Network(hosts: hosts)
        let context = LintContext(network: network)

        var serial: [(local: Network.InterfaceID, index: Int, peer: PeerConfig, remote: Network.InterfaceID?)] = []
        for host in network.hosts {
            for i in host.interfaces where LintContext.isUsable(i) {
                for (n, p) in i.config.peers.enumerated() {
                    let owners = network.interfacesByKey[p.publicKey] ?? []
                    let remote = owners.count == 1 && owners[0] != i.id ? owners[0] : nil
                    serial.append((i.id, n, p, remote))
                }
            }
        }
        #expect(serial.count > 2 * LintContext.linkSlice)
        #expect(context.links.count == serial.count)
        var mismatches = 0
        for (link, s) in zip(context.links, serial) {
            let own: WireKey? = context.publicKeys[s.local]
            var reverse: PeerConfig? = nil
            if let r = s.remote, let peers = context.interface(r)?.config.peers {
                reverse = peers.first { (p: PeerConfig) -> Bool in p.publicKey == own }
            }
            let same: Bool = link.local == s.local && link.index == s.index && link.peer == s.peer
            if !same || link.remote != s.remote || link.reverse != reverse { mismatches += 1 }
        }
        #expect(mismatches == 0)
        var hubLinks: [Int] = []
        for (n, link) in context.links.enumerated() where link.local.host == "hub" { hubLinks.append(n) }
        #expect(context.linksByInterface[Network.InterfaceID(host: "hub", interface: "wg0")] == hubLinks)
        let mutual = context.links.filter { (l: LintContext.PeerLink) -> Bool in l.remote != nil && l.reverse != nil }
        #expect(mutual.count == 2 * (hosts.count - 1))
    }
}
