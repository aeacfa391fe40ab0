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
    let packed: [(character: Character, column: Int)]
    /// wg-quick's key: the text before the first `=`, trimmed; the whole content when there is no `=`.
    let quickKey: String
    /// 1-based column of `quickKey`'s first character.
    let quickKeyColumn: Int
    /// wg-quick's value: the text after the first `=`, trimmed (the whole content when there is no `=`).
    let quickValue: String
    /// 1-based column of `quickValue`'s first character (or of the line end when it is empty).
    let quickValueColumn: Int

    init(_ raw: Substring, number: Int) {
        self.number = number
        let chars = Array(raw)
        let end = chars.firstIndex(of: "#") ?? chars.count
        var packed: [(Character, Int)] = []
        for i in 0..<end where !ConfigLine.isSpace(chars[i]) { packed.append((chars[i], i + 1)) }
        self.packed = packed.map { (character: $0.0, column: $0.1) }

        let eq = chars[..<end].firstIndex(of: "=")
        let (key, keyColumn) = ConfigLine.trimmed(chars, 0, eq ?? end)
        quickKey = key
        quickKeyColumn = keyColumn
        let (value, valueColumn) = eq.map { ConfigLine.trimmed(chars, $0 + 1, end) } ?? (key, keyColumn)
        quickValue = value
        quickValueColumn = valueColumn
    }

    /// The space characters of wireguard-tools' ctype.h `char_is_space` and of bash's `[[:space:]]`.
    static func isSpace(_ c: Character) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\u{0B}" || c == "\u{0C}" || c == "\r" || c == "\r\n"
    }

    private static func trimmed(_ chars: [Character], _ from: Int, _ to: Int) -> (String, Int) {
        var a = from, b = to
        while a < b && isSpace(chars[a]) { a += 1 }
        while b > a && isSpace(chars[b - 1]) { b -= 1 }
        return (String(chars[a..<b]), a + 1)
    }

    /// True when the line holds nothing but spaces and a comment.
    var isBlank: Bool { packed.isEmpty }

    /// The whole line as wg sees it.
    var wgText: String { String(packed.map(\.character)) }

    /// Column of the line's first non-space character.
    var firstColumn: Int { packed.first?.column ?? 1 }

    /// wg's split at the first `=`: the key text, and the value's characters with their columns; nil without `=`.
    var wgKeyValue: (key: String, value: WgValue)? {
        guard let eq = packed.firstIndex(where: { $0.character == "=" }) else { return nil }
        let key = String(packed[..<eq].map(\.character))
        let after = Array(packed[(eq + 1)...])
        let column = after.first?.column ?? (packed[eq].column + 1)
        return (key, WgValue(items: after, column: column))
    }
}

/// A value as wg sees it (spaces already removed), with the original column of each character.
struct WgValue {
    let items: [(character: Character, column: Int)]
    /// Column of the first character, or just past the `=` for an empty value.
    let column: Int

    var text: String { String(items.map(\.character)) }
    var isEmpty: Bool { items.isEmpty }

    /// Splits at every `,` as wg's `strsep` does: empty pieces are kept (wg rejects them).
    func split(separator: Character) -> [WgValue] {
        var out: [WgValue] = []
        var current: [(character: Character, column: Int)] = []
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
