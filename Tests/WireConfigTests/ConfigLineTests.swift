import Foundation
import Testing

@testable import WireConfig

/// The parser reads most lines in place from their bytes (`ConfigLine(bytes:number:)`, for speed on 10,000-host
/// networks) and any other through the character-by-character path. Both must read every line the same way, and
/// wg's view of a value must match the one the parser had before the fast path (the reference below).
@Suite struct ConfigLineTests {
    static let tricky = [
        "", " ", "\t", "\r", "#", "  # x = y", "Key=", "=", " = ", "=x", "a = b = c", "[Peer]", " [Peer] ", "[ Peer ]",
        "[Interface]\r", "[Peer]#c", "Allowed IPs = 10.0.0.0 /8", "AllowedIPs = 10.0.0.1/32,,10.0.0.2/32",
        "AllowedIPs = ,", "AllowedIPs=,", "AllowedIPs = 10.0.0.1/32, 10.0.0.2/32 ,", "x\r", "PrivateKey = abc\r",
        "a\0b", "PublicKey = a#\0", "é = x", "Key = vàlue", "Key = a#b", "\u{FFFD}", "Key\t=\tvalue\t\t",
        "\u{0B}Key = v", "AllowedIPs=10.0.0.0/8,fd00::/8", " , ", "PostUp = ip route add 10.0.0.0/8 dev %i",
        "DNS = 1.1.1.1, example.com", "Address=10.0.0.1/24 , fd00::1/64", "ListenPort = 5 1",
        "  PersistentKeepalive=25 ",
        "Endpoint = [fd00::1]:51820", "Endpoint=vpn.example.com:51820#x", "\u{0C}=\u{0C}", "a=\t", "\t=b",
        "key = value = more", "[Interface] # the hub", "PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
        "AllowedIPs = 10.0.0.0/8,\u{00A0}10.1.0.0/16", "x y", "[Pe er]",
    ]

    /// Every line of the hand-written corpus, the tricky lines above and 400 generated configs (random case,
    /// spacing, comments and the differential suite's mutations).
    static func lines() throws -> [String] {
        var out = tricky
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path) where name.hasSuffix(".conf") {
            let bytes = try Data(contentsOf: corpus.appendingPathComponent(name))
            out += String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
        }
        var generator = CorpusGenerator(seed: 0x4C49_4E45)
        for i in 0..<400 {
            out += generator.config(i).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return out
    }

    /// Everything the parser asks of a line, as one comparable text.
    static func view(_ l: ConfigLine) -> String {
        var parts: [String] = [
            "\(l.number)", "\(l.nulColumn ?? -1)", l.quickKey, "\(l.quickKeyColumn)", l.quickValue,
            "\(l.quickValueColumn)", "\(l.isBlank)", l.wgText, "\(l.wgStartsWithBracket)", "\(l.firstColumn)",
        ]
        if let (key, value) = l.wgKeyValue {
            parts += [key, "\(value.text)@\(value.column)", "\(value.isEmpty)"]
            parts += value.split(separator: ",").map { "\($0.text)@\($0.column)/\($0.isEmpty)" }
        }
        return parts.joined(separator: "|")
    }

    /// wg's value and its comma-separated pieces with their columns, computed the way the parser did before the
    /// fast path (every kept character with its column, split by `strsep`).
    static func reference(_ line: String) -> [String]? {
        let chars = Array(line.unicodeScalars)
        let end = chars.firstIndex(of: "#") ?? chars.count
        var packed: [(Unicode.Scalar, Int)] = []
        for i in 0..<end where !(chars[i] == " " || (9...13).contains(chars[i].value)) {
            packed.append((chars[i], i + 1))
        }
        guard let eq = packed.firstIndex(where: { $0.0 == "=" }) else { return nil }
        let after = Array(packed[(eq + 1)...])
        let column = after.first?.1 ?? (packed[eq].1 + 1)
        func text(_ items: [(Unicode.Scalar, Int)]) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: items.map(\.0))
            return String(s)
        }
        var out = ["\(text(after))@\(column)"]
        var current: [(Unicode.Scalar, Int)] = []
        var start = column
        for item in after {
            if item.0 == "," {
                out.append("\(text(current))@\(current.first?.1 ?? start)")
                current = []
                start = item.1 + 1
            } else {
                if current.isEmpty { start = item.1 }
                current.append(item)
            }
        }
        out.append("\(text(current))@\(current.first?.1 ?? start)")
        return out
    }

    static func pieces(_ l: ConfigLine) -> [String]? {
        guard let (_, value) = l.wgKeyValue else { return nil }
        return ["\(value.text)@\(value.column)"] + value.split(separator: ",").map { "\($0.text)@\($0.column)" }
    }

    @Test func bytesAndCharactersReadEveryLineAlike() throws {
        let all = try Self.lines()
        #expect(all.count > 3000)
        for (n, line) in all.enumerated() {
            let bytes = Array(line.utf8)
            let fast = bytes.withUnsafeBufferPointer { ConfigLine(bytes: $0, number: n + 1) }
            let general = ConfigLine(Substring(line), number: n + 1)
            #expect(Self.view(fast) == Self.view(general), "line \(line.debugDescription)")
            #expect(Self.pieces(fast) == Self.reference(line), "line \(line.debugDescription)")
            #expect(Self.pieces(general) == Self.reference(line), "line \(line.debugDescription)")
        }
    }

    @Test func invalidUTF8IsReadAsTheWholeFileDecodingReadsIt() {
        let bytes: [UInt8] = Array("AllowedIPs = 10.0.0.1/32 # caf".utf8) + [0xE9, 0xFF]
        let line = bytes.withUnsafeBufferPointer { ConfigLine(bytes: $0, number: 1) }
        let decoded = ConfigLine(Substring(String(decoding: bytes, as: UTF8.self)), number: 1)
        #expect(Self.view(line) == Self.view(decoded))
        let parsed = ConfigParser().parse(
            "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
                + "Address = 10.0.0.1/24 # caf\u{FFFD}\u{FFFD}\n", file: "t.conf")
        #expect(parsed.isValid)
    }
}

/// `WireKey(base64:)` decodes by hand; it must accept exactly what Foundation's decoder plus the canonical check
/// (wg's `key_from_base64`) accepted, and give the same bytes.
@Suite struct WireKeyBase64Tests {
    static func reference(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count == 44, chars[43] == UInt8(ascii: "="), chars[42] != UInt8(ascii: "=") else { return nil }
        guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
        guard data.base64EncodedString() == text else { return nil }
        return [UInt8](data)
    }

    @Test func acceptsExactlyWhatTheCanonicalDecoderAccepts() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ #\u{00E9}")
        var texts = ["", "=", String(repeating: "A", count: 43) + "=", String(repeating: "/", count: 43) + "="]
        for _ in 0..<2000 {
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var chars = Array(Data(key).base64EncodedString())
            texts.append(String(chars))
            chars[Int.random(in: 0..<chars.count, using: &rng)] = alphabet.randomElement(using: &rng)!
            texts.append(String(chars))
            texts.append(String(chars.dropLast()))
            texts.append(String(chars) + "=")
        }
        for text in texts {
            #expect(WireKey(base64: text)?.bytes == Self.reference(text), "\(text.debugDescription)")
        }
    }
}
