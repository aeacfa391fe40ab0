/// One line of a config file as wg(8) and wg-quick(8) each read it, with the column of every character kept.
///
/// The two tools disagree on whitespace, and their disagreement decides what a file means:
/// - wg (`config_read_line` in wireguard-tools' config.c) drops everything from `#` and then deletes every space
///   character (space, `\t`, `\n`, `\v`, `\f`, `\r`) anywhere in the line: `Listen Port = 5 1` is `ListenPort=51`.
/// - wg-quick (`parse_options` in wg-quick/linux.bash) drops everything from `#`, takes the text before the first `=`
///   as the key and the text after it as the value, each trimmed at both ends only.
struct ConfigLine {
    /// 1-based line number.
    let number: Int
    /// The line as wg sees it: every non-space character before `#`, each with its 1-based column.
    /// (Unicode scalars, not grapheme clusters: wg works on bytes, and a CR must never merge with its LF.)
    private let shape: Shape
    /// wg-quick's key: the text before the first `=`, trimmed; the whole content when there is no `=`.
    let quickKey: String
    /// 1-based column of `quickKey`'s first character.
    let quickKeyColumn: Int
    /// wg-quick's value: the text after the first `=`, trimmed (the whole content when there is no `=`).
    let quickValue: String
    /// 1-based column of `quickValue`'s first character (or of the line end when it is empty).
    let quickValueColumn: Int

    /// 1-based column of the first NUL character, if the line holds one.
    let nulColumn: Int?

    /// How wg's view of the line is kept: most lines of a real config are ASCII `Key = Value` with no space inside
    /// the key or the value, and need no character-by-character copy (a 10,000-peer hub has 40,000 such lines).
    private enum Shape {
        /// Spaces and a comment only.
        case blank
        /// wg's view is one run of characters from `column` (no `=`), or `key=value` with each side one run.
        case simple(text: Substring, column: Int, keyValue: (key: String, value: WgValue)?)
        /// Anything else: every character wg keeps, with its column.
        case packed([(character: Unicode.Scalar, column: Int)])
    }

    /// The line from its bytes (without the LF). An ASCII line without a NUL whose key and value are each one run
    /// of characters is read in place; any other goes through `init(_:number:)` on its decoded text (invalid UTF-8
    /// becomes U+FFFD, as the whole file's decoding would make it). Both give the same line.
    init(bytes: UnsafeBufferPointer<UInt8>, number: Int) {
        if let simple = ConfigLine(simpleASCII: bytes, number: number) {
            self = simple
        } else {
            self.init(Substring(String(decoding: bytes, as: UTF8.self)), number: number)
        }
    }

    /// The fast path of `init(bytes:number:)`: nil unless the line is ASCII, holds no NUL, and wg's view of it is
    /// blank, one run, or one run, `=`, one run (spaces only around them).
    private init?(simpleASCII b: UnsafeBufferPointer<UInt8>, number: Int) {
        @inline(__always) func space(_ c: UInt8) -> Bool { c == 0x20 || (c >= 9 && c <= 13) }
        var end = b.count
        var eq = -1
        for i in 0..<b.count {
            let c = b[i]
            if c >= 0x80 || c == 0 { return nil }
            if c == UInt8(ascii: "#") && end == b.count { end = i }
            if c == UInt8(ascii: "=") && eq < 0 && end == b.count { eq = i }
        }
        // The rest of the line after `#` was checked for NUL and non-ASCII above; only [0, end) matters now.
        /// The first and one-past-last non-space of [from, to), and whether a space lies between them.
        func run(_ from: Int, _ to: Int) -> (start: Int, end: Int, broken: Bool) {
            var a = from
            var z = to
            while a < z && space(b[a]) { a += 1 }
            while z > a && space(b[z - 1]) { z -= 1 }
            var broken = false
            for i in a..<z where space(b[i]) {
                broken = true
                break
            }
            return (a, z, broken)
        }
        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }
        self.number = number
        nulColumn = nil
        if eq < 0 {
            let r = run(0, end)
            if r.broken { return nil }
            let t = text(r.start, r.end)
            quickKey = t
            quickKeyColumn = r.start + 1
            quickValue = t
            quickValueColumn = r.start + 1
            shape = r.start == r.end ? .blank : .simple(text: t[...], column: r.start + 1, keyValue: nil)
            return
        }
        let k = run(0, eq)
        let v = run(eq + 1, end)
        if k.broken || v.broken { return nil }
        let key = text(k.start, k.end)
        let value = text(v.start, v.end)
        quickKey = key
        quickKeyColumn = k.start + 1
        quickValue = value
        quickValueColumn = v.start + 1
        let valueColumn = v.start < v.end ? v.start + 1 : eq + 2
        shape = .simple(
            text: Substring(key + "=" + value), column: k.start < k.end ? k.start + 1 : eq + 1,
            keyValue: (key, WgValue(text: value, column: valueColumn)))
    }

    init(_ raw: Substring, number: Int) {
        self.number = number
        let chars = Array(raw.unicodeScalars)
        nulColumn = chars.firstIndex(of: "\0").map { $0 + 1 }
        let end = chars.firstIndex(of: "#") ?? chars.count
        var packed: [(character: Unicode.Scalar, column: Int)] = []
        packed.reserveCapacity(end)
        for i in 0..<end where !ConfigLine.isSpace(chars[i]) { packed.append((chars[i], i + 1)) }
        self.shape = packed.isEmpty ? .blank : .packed(packed)

        let eq = chars[..<end].firstIndex(of: "=")
        let (key, keyColumn) = ConfigLine.trimmed(chars, 0, eq ?? end)
        quickKey = key
        quickKeyColumn = keyColumn
        let (value, valueColumn) = eq.map { ConfigLine.trimmed(chars, $0 + 1, end) } ?? (key, keyColumn)
        quickValue = value
        quickValueColumn = valueColumn
    }

    /// The space characters of wireguard-tools' ctype.h `char_is_space` and of bash's `[[:space:]]`.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || (c.value >= 9 && c.value <= 13)
    }

    /// `isSpace` for a character (a CR LF pair counts).
    static func isSpace(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { isSpace($0) }
    }

    private static func trimmed(_ chars: [Unicode.Scalar], _ from: Int, _ to: Int) -> (String, Int) {
        var a = from
        var b = to
        while a < b && isSpace(chars[a]) { a += 1 }
        while b > a && isSpace(chars[b - 1]) { b -= 1 }
        return (string(chars[a..<b]), a + 1)
    }

    /// A string from scalars (concrete, not generic: this is the parser's hot path in debug builds).
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for scalar in scalars { appendUTF8(scalar, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string from the scalars of packed items.
    static func string(_ items: ArraySlice<(character: Unicode.Scalar, column: Int)>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.count)
        for item in items { appendUTF8(item.character, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        if scalar.isASCII {
            bytes.append(UInt8(scalar.value))
        } else {
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
    }

    /// True when the line holds nothing but spaces and a comment.
    var isBlank: Bool {
        if case .blank = shape { return true }
        return false
    }

    /// The whole line as wg sees it.
    var wgText: String {
        switch shape {
        case .blank: return ""
        case .simple(let text, _, _): return String(text)
        case .packed(let packed): return ConfigLine.string(packed[...])
        }
    }

    /// True when wg's view of the line starts with `[` (a section header).
    var wgStartsWithBracket: Bool {
        switch shape {
        case .blank: return false
        case .simple(let text, _, _): return text.utf8.first == UInt8(ascii: "[")
        case .packed(let packed): return packed.first?.character == "["
        }
    }

    /// Column of the line's first non-space character.
    var firstColumn: Int {
        switch shape {
        case .blank: return 1
        case .simple(_, let column, _): return column
        case .packed(let packed): return packed.first?.column ?? 1
        }
    }

    /// wg's split at the first `=`: the key text, and the value's characters with their columns; nil without `=`.
    var wgKeyValue: (key: String, value: WgValue)? {
        switch shape {
        case .blank: return nil
        case .simple(_, _, let keyValue): return keyValue
        case .packed(let packed):
            guard let eq = packed.firstIndex(where: { $0.character == "=" }) else { return nil }
            let key = ConfigLine.string(packed[..<eq])
            let after = packed[(eq + 1)...]
            let column = after.first?.column ?? (packed[eq].column + 1)
            return (key, WgValue(items: after, column: column))
        }
    }
}

/// A value as wg sees it (spaces already removed), with the original column of each character.
struct WgValue {
    /// The characters, spaces removed.
    let text: String
    /// Column of the first character, or just past the `=` for an empty value.
    let column: Int
    /// The column of each Unicode scalar of `text` when they do not follow each other from `column` (spaces were
    /// removed between them); nil when scalar `i` is at `column + i`.
    private let columns: [Int]?

    /// A value whose characters stand side by side from `column`.
    init(text: String, column: Int) {
        self.text = text
        self.column = column
        columns = nil
    }

    /// A value from wg's view of a line: characters with their columns.
    init(items: ArraySlice<(character: Unicode.Scalar, column: Int)>, column: Int) {
        text = ConfigLine.string(items)
        self.column = column
        let cols = items.map(\.column)
        columns = cols.enumerated().allSatisfy { $0.element == column + $0.offset } ? nil : cols
    }

    private init(text: String, column: Int, columns: [Int]?) {
        self.text = text
        self.column = column
        self.columns = columns
    }

    var isEmpty: Bool { text.isEmpty }

    /// The column of the scalar at `offset`.
    private func column(at offset: Int) -> Int { columns?[offset] ?? column + offset }

    /// Splits at every `,` as wg's `strsep` does: empty pieces are kept (wg rejects them).
    func split(separator: Unicode.Scalar) -> [WgValue] {
        var out: [WgValue] = []
        let scalars = text.unicodeScalars
        var pieceStart = scalars.startIndex
        var pieceOffset = 0
        // Where an empty piece is said to be: the value's column, then just past each separator.
        var emptyColumn = column
        var offset = 0
        func piece(to end: String.Index, endOffset: Int) {
            let first = pieceOffset < endOffset ? column(at: pieceOffset) : emptyColumn
            out.append(
                WgValue(
                    text: String(scalars[pieceStart..<end]), column: first,
                    columns: columns.map { Array($0[pieceOffset..<endOffset]) }))
        }
        var i = scalars.startIndex
        while i < scalars.endIndex {
            if scalars[i] == separator {
                piece(to: i, endOffset: offset)
                emptyColumn = column(at: offset) + 1
                pieceStart = scalars.index(after: i)
                pieceOffset = offset + 1
            }
            i = scalars.index(after: i)
            offset += 1
        }
        piece(to: scalars.endIndex, endOffset: offset)
        return out
    }
}
