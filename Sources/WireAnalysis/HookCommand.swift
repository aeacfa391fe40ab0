import WireConfig

/// One simple command of a PreUp/PostUp line, split the way bash splits `a; b && c || d`.
///
/// wg-quick(8) replaces `%i` with the interface name and runs each hook line with bash `eval`, so `;`, `&&`, `||`,
/// `&` and newlines separate commands unless quoted; quotes and backslashes are removed from the words. A command
/// that follows `&&` or `||` is assumed to run: the analysis takes the hook line as its author meant it.
public struct HookCommand: Hashable, Sendable {
    /// The command as bash would run it, `%i` replaced, for messages: key-shaped runs read `[key redacted]`.
    public var text: String
    /// Its words after quote removal; `|`, `>` and `>>` are words of their own.
    public var words: [String]
    /// The hook line it came from.
    public var location: SourceLocation
    /// The interface whose config holds the line.
    public var interface: String
    /// Which hook (PreUp, PostUp, PreDown, PostDown).
    public var hook: ConfigKey

    /// A command as `split` makes it.
    public init(text: String, words: [String], location: SourceLocation, interface: String, hook: ConfigKey) {
        self.text = text
        self.words = words
        self.location = location
        self.interface = interface
        self.hook = hook
    }

    /// Splits one hook line into its commands, after replacing `%i` with `interface`.
    public static func split(_ line: String, interface: String, hook: ConfigKey, location: SourceLocation)
        -> [HookCommand]
    {
        let expanded = line.replacing("%i", with: interface)
        var commands: [HookCommand] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var text = ""
        var quote: Character? = nil
        var chars = Array(expanded)[...]

        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            let t = text.trimmingChars(" \t")
            if !words.isEmpty {
                commands.append(
                    HookCommand(
                        text: Redaction.scrubbed(t), words: words, location: location, interface: interface,
                        hook: hook))
            }
            words = []
            text = ""
        }
        while let c = chars.first {
            chars = chars.dropFirst()
            if let q = quote {
                text.append(c)
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"", let n = chars.first, "\"\\$`".contains(n) {
                    word.append(n)
                    text.append(n)
                    chars = chars.dropFirst()
                } else {
                    word.append(c)
                }
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
                text.append(c)
            case "\\":
                text.append(c)
                if let n = chars.first {
                    word.append(n)
                    text.append(n)
                    inWord = true
                    chars = chars.dropFirst()
                }
            case ";", "\n":
                endCommand()
            case "&", "|":
                if chars.first == c {
                    chars = chars.dropFirst()
                    endCommand()
                } else if c == "&" {
                    endCommand()
                } else {
                    endWord()
                    words.append("|")
                    text.append(c)
                }
            case ">":
                endWord()
                if chars.first == ">" {
                    chars = chars.dropFirst()
                    words.append(">>")
                    text += ">>"
                } else {
                    words.append(">")
                    text.append(c)
                }
            case " ", "\t":
                endWord()
                text.append(c)
            default:
                word.append(c)
                inWord = true
                text.append(c)
            }
        }
        endCommand()
        return commands
    }
}
