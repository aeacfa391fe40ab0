import Testing
import WireConfig

@testable import WireAnalysis

/// `HookLines.scan` reads plain-ASCII section headers in place (issue 13's speed work: every `[Peer]` line of a
/// 100,000-peer hub went through several strings). Its answer must be the text path's on every kind of line.
@Suite struct HookLinesTests {
    /// The scan as it was before the in-place header path: each candidate line as text, judged by Characters.
    static func reference(_ text: String) -> [ConfigKey: [Int]] {
        var result: [ConfigKey: [Int]] = [:]
        var inInterface = false
        // Split on the byte: "\r\n" is one Character, and wg-quick reads lines as bytes.
        for (n, raw) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = Substring(String(decoding: raw, as: UTF8.self))
            let content = line.firstIndex(of: "#").map { line[..<$0] } ?? line
            let trimmed = content.trimmingChars(" \t\r")
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                inInterface = trimmed.filter { !$0.isWhitespace }.lowercased() == "[interface]"
                continue
            }
            guard inInterface, let eq = trimmed.firstIndex(of: "=") else { continue }
            let keyText = Substring(trimmed[..<eq]).trimmingChars(" \t")
            guard let key = ConfigKey(caseInsensitive: keyText), HookLines.keys.contains(key) else { continue }
            result[key, default: []].append(n + 1)
        }
        return result
    }

    /// Headers that are and are not `[Interface]`, in ASCII and not, each followed by a hook line.
    static let headers = [
        "[Interface]", "[interface]", "[INTERFACE]", "  [Interface]  ", "\t[Interface]\r", "[ Interface ]",
        "[Inter face]", "[Interface] # comment", "[Interface]#", "#[Interface]", "[Interface", "[Interface]]",
        "[Interfaces]", "[Interfac]", "[Peer]", "[peer]", "[]", "[", "[Interface]x", "[Interface\u{0B}]",
        "[Interface\u{0C}]", "[Interface]\u{00A0}", "[\u{00A0}Interface]", "[İnterface]", "[Interface]\u{0301}",
        "[Ｉnterface]", "[Interface]\u{2028}", "[Interface]\u{85}", "[Inter\u{0}face]", "[Interface] # ü",
        "[Peer] # [Interface]", "[Interface]\r\r",
    ]

    @Test func headersReadInPlaceAgreeWithTheTextPath() {
        for header in Self.headers {
            let text = "[Peer]\nPostUp = a\n\(header)\nPostUp = b\nPreDown = c\n[Peer]\nPreUp = d\n"
            #expect(HookLines.scan(text) == Self.reference(text), "header \(header.debugDescription)")
        }
    }

    @Test func aWholeConfigAgreesWithTheTextPath() {
        var text = "[Interface]\nPrivateKey = x\nPostUp = iptables -A FORWARD -i %i -j ACCEPT\n"
        for n in 0..<50 {
            text += "\n[Peer]\nPublicKey = k\(n)\nAllowedIPs = 10.0.0.\(n)/32\n"
            if n % 7 == 0 { text += "[Interface]\nPreDown = echo \(n)\n" }
            if n % 11 == 0 { text += "[ interface ] # again\nPostDown = echo \(n)\n" }
        }
        #expect(HookLines.scan(text) == Self.reference(text))
        #expect(HookLines.scan(text)[.postUp] == [3])
    }
}
