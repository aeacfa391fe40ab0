/// Writes an `Intent` as `intent.yaml` text that `IntentReader` reads back to the same value (locations aside).
///
/// `plan` (a later issue) writes the file with this; the format is docs/intent.md.
public enum IntentPrinter {
    /// The YAML text, ending with a newline.
    public static func print(_ intent: Intent) -> String {
        var out = "# Who must and who must not reach whom (docs/intent.md).\n"
        out += "version: \(intent.version)\n"
        out += "default: \(intent.defaultExpectation == .mustReach ? "reach" : "deny")\n"
        if !intent.groups.isEmpty {
            out += "groups:\n"
            for g in intent.groups {
                out +=
                    "  \(quoted(g.name)): [" + g.members.map { quoted($0.description) }.joined(separator: ", ") + "]\n"
            }
        }
        if !intent.rules.isEmpty {
            out += "rules:\n"
            for r in intent.rules {
                let word = r.keyword == "isolate" && !r.bothWays ? "deny" : r.keyword
                if r.bothWays {
                    out += "  - \(word): [\(quoted(r.from.description)), \(quoted(r.to.description))]\n"
                } else {
                    out += "  - \(word): { from: \(quoted(r.from.description)), to: \(quoted(r.to.description)) }\n"
                }
            }
        }
        return out
    }

    /// A YAML scalar, quoted when a plain one would be read differently (`::1`, `a: b`, `#`, leading `-`).
    static func quoted(_ s: String) -> String {
        let plain =
            s.allSatisfy { $0.isLetter || $0.isNumber || "._/-".contains($0) } && !s.hasPrefix("-")
            && !["true", "false", "yes", "no", "null", "on", "off", "~"].contains(s.lowercased())
        if plain && !s.isEmpty { return s }
        return "\"" + s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
