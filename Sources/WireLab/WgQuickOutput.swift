import Foundation
import WireConfig

/// Reads wg-quick's output after a failure to find the config line it failed on.
enum WgQuickOutput {
    /// The line of `file` holding the failing command (the last `[#] ...` line, e.g. a PostUp) or the text wg or
    /// wg-quick quoted (``Line unrecognized: `Foo=bar'``); nil when neither is found in the file.
    static func location(of output: String, in file: String) -> SourceLocation? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let lines = text.components(separatedBy: "\n")
        // Quoted text and commands, in output order; the last one found in the file is the culprit (wg-quick's
        // own cleanup commands after a failure are not in the file).
        var needles: [String] = []
        for line in output.split(separator: "\n") {
            if line.hasPrefix("[#] ") {
                needles.append(String(line.dropFirst(4)))
            } else if let open = line.firstIndex(of: "`"), let close = line.lastIndex(of: "'"), open < close {
                needles.append(String(line[line.index(after: open)..<close]))
            }
        }
        for needle in needles.reversed() {
            let n = needle.trimmed.replacingOccurrences(of: " ", with: "")
            guard !n.isEmpty else { continue }
            if let i = lines.firstIndex(where: { l in
                let value = l.split(separator: "=", maxSplits: 1).last.map(String.init) ?? l
                let compact = value.replacingOccurrences(of: " ", with: "")
                return !compact.isEmpty && (compact.contains(n) || l.replacingOccurrences(of: " ", with: "") == n)
            }) {
                return SourceLocation(file: file, line: i + 1)
            }
        }
        return nil
    }

    /// Why an interface is down, one line: where wg-quick failed (file:line when known) and the last thing it
    /// said that is not one of its own `[#]` command echoes, nor noise: a warning, `ip link add ... type
    /// wireguard`'s "Unknown device type" (no kernel module; wg-quick falls back to userspace), or wg's summary
    /// "Configuration parsing error" (its own message comes before).
    static func failure(of output: String, in file: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("[#]") }
        let noise = ["Warning:", "Error: Unknown device type", "Configuration parsing error"]
        let said = lines.last { l in !noise.contains { l.hasPrefix($0) } } ?? lines.last ?? "no output"
        let at = location(of: output, in: file).map { "\($0)" } ?? file
        return "wg-quick up refused it at \(at): \(said)"
    }
}
