import WireConfig

/// Finds the line of every PreUp/PostUp/PreDown/PostDown entry in a wg-quick config's text.
///
/// The parser's `SectionOrigin` keeps only the last line of a key; a hook's effects must point at their own line.
/// Lines are scanned the way wg-quick(8) reads them: `#` starts a comment, keys are case-insensitive, and only
/// keys inside an `[Interface]` section count.
public enum HookLines {
    /// The hook keys this scanner records.
    public static let keys: [ConfigKey] = [.preUp, .postUp, .preDown, .postDown]

    /// `preu`, `pred` and `post`, each as one big-endian word.
    private static let hookHeads: [UInt32] = ["preu", "pred", "post"].map { $0.utf8.reduce(0) { $0 << 8 | UInt32($1) } }

    /// The 1-based line of each hook entry, per key, in file order.
    public static func scan(_ text: String) -> [ConfigKey: [Int]] {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? [:]
    }

    /// `scan` over the text's UTF-8 bytes.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [ConfigKey: [Int]] {
        var result: [ConfigKey: [Int]] = [:]
        var inInterface = false
        var number = 0
        var lineStart = 0
        // Only lines starting (after blanks) with `[` or a hook key's first four letters matter. Looking at
        // bytes first keeps a 10,000-peer hub's file cheap.
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            number += 1
            var start = lineStart
            while start < lineEnd && (bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D) {
                start += 1
            }
            guard start < lineEnd else { continue }
            if bytes[start] != UInt8(ascii: "[") {
                // PreUp, PreDown, PostUp, PostDown: `preu`, `pred` or `post`, in any case (compared as one
                // lowercased 32-bit word, so the lines skipped here cost no allocation).
                guard lineEnd - start >= 4 else { continue }
                var head: UInt32 = 0
                for i in start..<(start + 4) { head = head << 8 | UInt32(bytes[i] | 0x20) }
                guard Self.hookHeads.contains(head) else { continue }
            }
            let line = Substring(
                String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self))
            let content = line.firstIndex(of: "#").map { line[..<$0] } ?? line
            let trimmed = content.trimmingChars(" \t\r")
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                inInterface = trimmed.filter { !$0.isWhitespace }.lowercased() == "[interface]"
                continue
            }
            guard inInterface, let eq = trimmed.firstIndex(of: "=") else { continue }
            let keyText = Substring(trimmed[..<eq]).trimmingChars(" \t")
            guard let key = ConfigKey(caseInsensitive: keyText), keys.contains(key) else { continue }
            result[key, default: []].append(number)
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    func trimmingChars(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension TunnelInterface {
    /// The location of the `index`th entry of a hook key (e.g. the second PostUp line).
    public func hookLocation(_ key: ConfigKey, index: Int) -> SourceLocation {
        if let lines = hookLines[key], index < lines.count { return SourceLocation(file: file, line: lines[index]) }
        return location(of: key)
    }
}
