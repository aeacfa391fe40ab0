import WireConfig

/// Checks YAML text for what costs the composer time without bound, before any of it is composed.
///
/// YAML 1.2 section 3.2.2.2 lets an alias (`*a`) repeat an anchored node (`&a`); nine levels of aliases used as a
/// mapping key made Yams' composer spend 40 s on 381 bytes (each level multiplies the work by nine). Facts and
/// intent files need neither, so an anchor or alias is refused, as is nesting deeper than `InputLimits.factsDepth`
/// (the composer recurses once per level). The scan is lexical and linear: quoted scalars, comments and block
/// scalars (`|`, `>`) are skipped, and `&`/`*` count only where a node starts (YAML 1.2 section 6.9.2,
/// `c-ns-anchor-property`).
enum YAMLGuard {
    /// The first problem found: where, and what.
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var kind: ConfigDiagnostic.Kind
        var message: String
    }

    /// The first anchor, alias or too-deep nesting in `text`, or nil when there is none.
    static func check(_ text: String) -> Problem? {
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        var indents: [Int] = []  // the block indentation levels open above the current line
        var flowDepth = 0
        var quote: UInt8? = nil  // the quote character of a scalar that spans lines
        var blockScalarIndent: Int? = nil  // lines indented more than this belong to a `|` or `>` scalar
        let space = UInt8(ascii: " ")
        for (index, line) in lines.enumerated() {
            let number = index + 1
            var i = 0
            while i < line.count && line[i] == space { i += 1 }
            let isBlank = i == line.count || line[i] == UInt8(ascii: "#") || line[i] == UInt8(ascii: "\r")
            if let block = blockScalarIndent {
                if isBlank || i > block { continue }
                blockScalarIndent = nil
            }
            if quote == nil && flowDepth == 0 && !isBlank {
                while let last = indents.last, last > i { indents.removeLast() }
                if indents.last != i { indents.append(i) }
            }
            var atNodeStart = quote == nil
            while i < line.count {
                let c = line[i]
                if let q = quote {
                    if q == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if c == q {
                        if q == UInt8(ascii: "'") && i + 1 < line.count && line[i + 1] == q {
                            i += 2
                            continue
                        }
                        quote = nil
                    }
                    i += 1
                    continue
                }
                switch c {
                case space, UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    i += 1
                    continue
                case UInt8(ascii: "#") where atNodeStart || i == 0 || line[i - 1] == space:
                    i = line.count
                    continue
                case UInt8(ascii: "&") where atNodeStart, UInt8(ascii: "*") where atNodeStart:
                    let what = c == UInt8(ascii: "&") ? "an anchor (`&`)" : "an alias (`*`)"
                    return Problem(
                        line: number, column: i + 1, kind: .yamlAlias,
                        message: "\(what): host.yaml and intent.yaml may not use YAML anchors or aliases "
                            + "(expanding them costs time without bound); write the value out")
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if atNodeStart { quote = c }
                    atNodeStart = false
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if atNodeStart {
                        flowDepth += 1
                    }
                    atNodeStart = flowDepth > 0 || atNodeStart
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if flowDepth > 0 { flowDepth -= 1 }
                    atNodeStart = false
                case UInt8(ascii: ","):
                    atNodeStart = flowDepth > 0
                case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                    // An indicator when followed by a space or the line's end; otherwise part of a plain scalar.
                    let next = i + 1 < line.count ? line[i + 1] : space
                    if next == space || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
                        || (c == UInt8(ascii: ":") && flowDepth > 0)
                    {
                        atNodeStart = true
                        if c == UInt8(ascii: "-") && flowDepth == 0 { indents.append(i + 1) }
                    } else {
                        atNodeStart = false
                    }
                case UInt8(ascii: "|"), UInt8(ascii: ">"):
                    if atNodeStart && flowDepth == 0 { blockScalarIndent = indents.last ?? 0 }
                    atNodeStart = false
                default:
                    atNodeStart = false
                }
                if flowDepth + indents.count > InputLimits.factsDepth {
                    return Problem(
                        line: number, column: i + 1, kind: .tooLarge,
                        message: "nested more than \(InputLimits.factsDepth) levels deep, the limit for host.yaml "
                            + "and intent.yaml (docs/limits.md)")
                }
                i += 1
            }
        }
        return nil
    }
}
