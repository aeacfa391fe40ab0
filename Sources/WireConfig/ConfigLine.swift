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
    let packed: [(character: Unicode.Scalar, column: Int)]
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

    init(_ raw: Substring, number: Int) {
        self.number = number
        let chars = Array(raw.unicodeScalars)
        nulColumn = chars.firstIndex(of: "\0").map { $0 + 1 }
        let end = chars.firstIndex(of: "#") ?? chars.count
        var packed: [(character: Unicode.Scalar, column: Int)] = []
        packed.reserveCapacity(end)
        for i in 0..<end where !ConfigLine.isSpace(chars[i]) { packed.append((chars[i], i + 1)) }
        self.packed = packed

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
    var isBlank: Bool { packed.isEmpty }

    /// The whole line as wg sees it.
    var wgText: String { ConfigLine.string(packed[...]) }

    /// Column of the line's first non-space character.
    var firstColumn: Int { packed.first?.column ?? 1 }

    /// wg's split at the first `=`: the key text, and the value's characters with their columns; nil without `=`.
    var wgKeyValue: (key: String, value: WgValue)? {
        guard let eq = packed.firstIndex(where: { $0.character == "=" }) else { return nil }
        let key = ConfigLine.string(packed[..<eq])
        let after = Array(packed[(eq + 1)...])
        let column = after.first?.column ?? (packed[eq].column + 1)
        return (key, WgValue(items: after, column: column))
    }
}

/// A value as wg sees it (spaces already removed), with the original column of each character.
struct WgValue {
    let items: [(character: Unicode.Scalar, column: Int)]
    /// Column of the first character, or just past the `=` for an empty value.
    let column: Int

    var text: String { ConfigLine.string(items[...]) }
    var isEmpty: Bool { items.isEmpty }

    /// Splits at every `,` as wg's `strsep` does: empty pieces are kept (wg rejects them).
    func split(separator: Unicode.Scalar) -> [WgValue] {
        var out: [WgValue] = []
        var current: [(character: Unicode.Scalar, column: Int)] = []
        var start = column
        for item in items {
            if item.character == separator {
                out.append(WgValue(items: current, column: start))
                current = []
                start = item.column + 1
            } else {
                if current.isEmpty { start = item.column }
                current.append(item)
            }
        }
        out.append(WgValue(items: current, column: current.first?.column ?? start))
        return out
    }
}
