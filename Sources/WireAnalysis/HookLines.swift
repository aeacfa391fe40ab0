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

    /// `[interface]`, the lowercased header of the only section whose hook keys count.
    private static let interfaceHeader: [UInt8] = Array("[interface]".utf8)

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
            if bytes[start] == UInt8(ascii: "["), let isInterface = asciiSectionHeader(bytes, start, lineEnd) {
                // A section header in plain ASCII (each `[Peer]` of a 100,000-peer hub): read in place.
                inInterface = isInterface
                continue
            }
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

    /// For a line whose bytes from `start` (a `[`) to `end` are all ASCII: whether it is an `[Interface]` header,
    /// judged as the text path below judges it (the part before `#`, whitespace dropped, lowercased). Nil for a line
    /// holding any other byte, which takes the text path.
    @inline(__always)
    static func asciiSectionHeader(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool? {
        let header = interfaceHeader
        var matched = 0
        var isInterface = true
        var comment = false
        for i in start..<end {
            let c = bytes[i]
            guard c < 0x80 else { return nil }
            if comment || c == UInt8(ascii: "#") {
                comment = true
                continue
            }
            // Character.isWhitespace among ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
            if c == 0x20 || (0x09...0x0D).contains(c) { continue }
            let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) ? c | 0x20 : c
            if matched < header.count && header[matched] == lower {
                matched += 1
            } else {
                isInterface = false
            }
        }
        return isInterface && matched == header.count
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
