import WireConfig
import WireCrypto

/// What the real tools are expected to do with a corpus config.
enum Expectation: Equatable, CustomStringConvertible {
    /// wg accepts it and `wg showconf` equals `wiresmith showconf`.
    case match
    /// wg (or wg-quick strip) rejects it; wiresmith must reject it with a located error.
    case wgRejects
    /// wg accepts it but silently reinterprets; wiresmith deliberately rejects it with a located error.
    case stricter

    var description: String {
        switch self {
        case .match: return "match"
        case .wgRejects: return "wg-rejects"
        case .stricter: return "stricter"
        }
    }
}

/// One corpus entry: a file's text and what should happen to it.
struct CorpusConfig {
    var name: String
    var text: String
    var expectation: Expectation
    /// What was done to the file, for failure messages.
    var note: String
}

/// Writes random but valid-by-construction configs, then breaks some of them on purpose.
///
/// Names resolve through the lab namespace's own hosts file (`LabHosts`); addresses are documentation ranges.
struct CorpusGenerator {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }

    mutating func key() -> WireKey { WireKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })! }

    /// Writes `key = value` with random case and spacing; `spacedKey` may put a space inside the key (wg removes it).
    mutating func line(_ key: String, _ value: String, wgKey: Bool = true) -> String {
        var k = key
        switch int(0...9) {
        case 0: k = k.lowercased()
        case 1: k = k.uppercased()
        case 2 where wgKey && k.count > 4:
            let i = k.index(k.startIndex, offsetBy: int(1...(k.count - 1)))
            k.insert(" ", at: i)
        default: break
        }
        let eq = pick([" = ", "=", " =", "= ", "\t=\t", "  =  "])
        let comment = chance(0.1) ? pick([" # note", "\t#x", "#"]) : ""
        return k + eq + value + comment
    }

    mutating func ipv4Prefix(pool: Bool) -> String {
        let a = pool ? pick([10, 10, 172, 192]) : int(1...223)
        let b = int(0...3)
        let c = int(0...255)
        let d = chance(0.5) ? 0 : int(0...255)
        let len = pick([8, 16, 24, 24, 25, 30, 32, 32, 0, 12, 20, 28])
        if len == 32 && chance(0.3) { return "\(a).\(b).\(c).\(d)" }
        return "\(a).\(b).\(c).\(d)/\(chance(0.05) ? "0\(len)" : "\(len)")"
    }

    /// IPv6 text with zero-heavy words, so that inet_ntop's compression rules get exercised.
    mutating func ipv6Address() -> String {
        var words: [String] = []
        for _ in 0..<8 {
            switch int(0...5) {
            case 0, 1, 2: words.append("0")
            case 3: words.append(pick(["1", "ffff", "db8", "2001", "fd00"]))
            default: words.append(String(int(0...0xffff), radix: 16, uppercase: chance(0.2)))
            }
        }
        if chance(0.1) {
            words[0] = "0"
            words[1] = "0"
            words[2] = "0"
            words[3] = "0"
            words[4] = "0"
        }
        if chance(0.1) {
            words[5] = pick(["0", "ffff"])
            return words[0..<6].joined(separator: ":") + ":192.0.2.\(int(0...255))"
        }
        return words.joined(separator: ":")
    }

    mutating func ipv6Prefix() -> String {
        let len = pick([128, 128, 64, 48, 56, 0, 96, 127, 8, 112])
        return chance(0.2) && len == 128 ? ipv6Address() : "\(ipv6Address())/\(len)"
    }

    mutating func endpoint() -> String {
        let port = chance(0.05) ? "0\(int(1...9999))" : String(int(1...65535))
        switch int(0...9) {
        case 0, 1, 2: return "\(pick(["192.0.2", "198.51.100", "203.0.113"])).\(int(1...254)):\(port)"
        case 3, 4: return "[\(ipv6Address())]:\(port)"
        case 5: return "[2001:db8::\(String(int(1...0xffff), radix: 16))]:\(port)"
        case 6: return "[192.0.2.\(int(1...254))]:\(port)"
        default: return "\(pick(LabHosts.names)):\(port)"
        }
    }

    /// One generated config; `index` makes the name unique.
    mutating func config(_ index: Int) -> CorpusConfig {
        var lines: [String] = []
        var note: [String] = []
        let privateKey = key()
        let quickKeys = chance(0.3)
        if chance(0.1) { lines.append("# generated config \(index)") }
        lines.append(
            quickKeys
                ? pick(["[Interface]", "[interface]", "  [INTERFACE]  # header"])
                : pick(["[Interface]", "[interface]", "[ Interface ]", "[Interface] # x"]))
        if chance(0.85) { lines.append(line("PrivateKey", privateKey.base64)) }
        switch int(0...19) {
        case 0, 1: note.append("no ListenPort")
        case 2: lines.append(line("ListenPort", "0"))
        case 3: lines.append(line("ListenPort", "0\(int(1024...9999))"))
        default: lines.append(line("ListenPort", String(int(1024...65535))))
        }
        if chance(0.3) {
            let mark = UInt32.random(in: 0...UInt32.max, using: &rng)
            lines.append(
                line(
                    "FwMark",
                    pick([
                        "0x" + String(mark, radix: 16, uppercase: chance(0.3)), String(mark),
                        "off", "0", "0x0", "00\(int(1...99))",
                    ])))
        }
        if quickKeys {
            lines.append(line("Address", "10.\(int(0...255)).0.1/24, fd00::\(int(1...99))/64", wgKey: false))
            if chance(0.5) { lines.append(line("DNS", "10.0.0.53, search.example", wgKey: false)) }
            if chance(0.5) { lines.append(line("MTU", String(int(1280...1500)), wgKey: false)) }
            if chance(0.3) { lines.append(line("Table", pick(["off", "auto", "1234"]), wgKey: false)) }
            if chance(0.3) { lines.append(line("PostUp", "echo up = yes; true", wgKey: false)) }
            if chance(0.2) { lines.append(line("SaveConfig", pick(["false", "true", "False"]), wgKey: false)) }
        }
        let peerCount = chance(0.08) ? int(20...60) : int(0...7)
        var peerKeys: [WireKey] = []
        var usedPrefixes: [String] = []
        for _ in 0..<peerCount {
            lines.append(chance(0.1) ? "" : pick(["", "", "# a peer"]))
            lines.append(pick(["[Peer]", "[peer]", "[PEER]", " [Peer] "]))
            let publicKey = !peerKeys.isEmpty && chance(0.05) ? pick(peerKeys) : key()
            if peerKeys.contains(publicKey) { note.append("duplicate peer") }
            peerKeys.append(publicKey)
            lines.append(line("PublicKey", publicKey.base64))
            if chance(0.4) { lines.append(line("PresharedKey", chance(0.1) ? WireKey.zero.base64 : key().base64)) }
            let many = chance(0.1)
            for _ in 0..<(many ? int(3...6) : int(0...2)) {
                var items: [String] = []
                for _ in 0..<(many ? int(3...12) : int(1...4)) {
                    if !usedPrefixes.isEmpty && chance(0.12) {
                        items.append(pick(usedPrefixes))
                        continue
                    }
                    let p = chance(0.6) ? ipv4Prefix(pool: true) : ipv6Prefix()
                    usedPrefixes.append(p)
                    items.append(p)
                }
                lines.append(line("AllowedIPs", items.joined(separator: pick([", ", ",", " , ", ",\t"]))))
            }
            if chance(0.6) { lines.append(line("Endpoint", endpoint())) }
            if chance(0.4) {
                lines.append(
                    line(
                        "PersistentKeepalive",
                        pick([
                            "25", "off", "0", "Off", "025",
                            String(int(1...65535)),
                        ])))
            }
        }
        var expectation = Expectation.match
        if chance(0.22) {
            let (e, what) = mutate(&lines, privateKey: privateKey, peers: peerKeys)
            expectation = e
            note.append(what)
        }
        let eol = chance(0.1) ? "\r\n" : "\n"
        let digits = String(index)
        let name = "g" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return CorpusConfig(
            name: name, text: lines.joined(separator: eol) + eol,
            expectation: expectation, note: note.joined(separator: "; "))
    }
}
