/// Decides what text from a config may be echoed in a message, so that a key pasted into the wrong place (or a key
/// wrapped over two lines) never reaches lint, showconf or their JSON, whole or in part.
///
/// A private or preshared key is 44 characters of base64 (wg(8) "KEY FORMAT"). A fragment of one is a run of the
/// base64 alphabet `A-Z a-z 0-9 + / =`; what is shaped like one is never echoed. Values that belong in a message
/// (addresses, ports, host names, typos of key names) are made of short runs split by `.`, `:`, `-` and the like,
/// and pass.
public enum Redaction {
    /// True when `text` holds a run of the base64 alphabet that could be (part of) a key: 8 or more characters
    /// mixing two of lowercase, uppercase, digits and `+/=`, or 16 or more of any.
    public static func isKeyShaped<S: StringProtocol>(_ text: S) -> Bool {
        var run = 0
        var classes: UInt8 = 0
        func suspicious() -> Bool { run >= 16 || (run >= 8 && classes.nonzeroBitCount >= 2) }
        for u in text.utf8 {
            if let c = base64Class(u) {
                run += 1
                classes |= c
            } else {
                if suspicious() { return true }
                run = 0
                classes = 0
            }
        }
        return suspicious()
    }

    /// `` `text` `` when it may be shown; otherwise how long it is, and that it is not shown.
    public static func quoted<S: StringProtocol>(_ text: S) -> String {
        isKeyShaped(text) ? withheld(text.count) : "`\(text)`"
    }

    /// The words for a value that is not shown.
    public static func withheld(_ count: Int) -> String {
        "a value of \(count) characters (not shown: it is shaped like a key)"
    }

    /// `text` with every run that looks like a whole key (16 or more base64 characters mixing lowercase, uppercase
    /// and digits, or 40 or more of any) replaced by `[key redacted]`: for echoing PostUp and other hook lines,
    /// which legitimately carry file paths and tool names but may also carry a key.
    public static func scrubbed(_ text: String) -> String {
        var out = ""
        var run = ""
        var classes: UInt8 = 0
        func flush() {
            let mixed = classes & 0b111 == 0b111
            if run.utf8.count >= 40 || (run.utf8.count >= 16 && mixed) {
                out += "[key redacted]"
            } else {
                out += run
            }
            run = ""
            classes = 0
        }
        for ch in text.unicodeScalars {
            if ch.isASCII, let c = base64Class(UInt8(ch.value)) {
                run.unicodeScalars.append(ch)
                classes |= c
            } else {
                flush()
                out.unicodeScalars.append(ch)
            }
        }
        flush()
        return out
    }

    /// True when `name` may be echoed as a key or section name: letters only and within three edits of one of
    /// `vocabulary` (a typo), so a pasted key never passes.
    public static func isNearName(_ name: String, vocabulary: [String]) -> Bool {
        guard !name.isEmpty, name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
            return false
        }
        let lower = Array(name.lowercased().utf8)
        return vocabulary.contains { editDistance(lower, Array($0.lowercased().utf8)) <= 3 }
    }

    /// 1 lowercase, 2 uppercase, 4 digit, 8 `+/=`; nil outside the base64 alphabet.
    static func base64Class(_ u: UInt8) -> UInt8? {
        switch u {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return 1
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return 2
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 4
        case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return 8
        default: return nil
        }
    }

    /// Levenshtein distance of two short byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
