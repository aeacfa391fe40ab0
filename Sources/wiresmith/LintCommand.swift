import ArgumentParser
import Foundation
import WireAnalysis
import WireConfig
import WireDoctor

/// `wiresmith lint DIR`: every host's configs read together, and what is broken, where, and how to fix it.
///
/// Exit status: 0 when no finding is an error, 1 when any is, 2 when the input is unusable (no such directory, no
/// configs in it). Findings are documented in docs/lint.md.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a whole WireGuard network's configs for what stops peers reaching each other.",
        discussion: """
            DIR holds one folder per host (HOST/wg0.conf, HOST/host.yaml) or flat files (HOST.wg0.conf, \
            HOST.host.yaml). Exit status: 0 no errors, 1 error findings, 2 unusable input. Codes: docs/lint.md.

            --fix applies the fixes that are plain edits (an AllowedIPs entry to add, a PostUp line to add), keeping \
            comments and layout; each file is written atomically and only when all its edits apply. The report \
            printed afterwards is of the fixed network.
            """
    )

    @Argument(help: "The directory holding every host's configs.")
    var directory: String

    @Flag(help: "Print the findings as JSON (schema wiresmith-lint/1, see docs/lint.md).")
    var json = false

    @Flag(help: "Never colour the output (NO_COLOR in the environment does the same).")
    var noColor = false

    @Flag(help: "Apply the fixes that are edits to the config files, then report on the fixed network.")
    var fix = false

    @Option(help: "Show only findings of at least this severity: info, warning or error.")
    var severity: String = "info"

    func validate() throws {
        guard Finding.Severity(rawValue: severity) != nil else {
            throw ValidationError("--severity must be info, warning or error, not `\(severity)`")
        }
    }

    func run() throws {
        let network: Network
        do {
            network = ExitKeep.keep(try NetworkLoader.withSnapshots.load(directory: directory))
        } catch {
            FileHandle.standardError.write(Data("wiresmith lint: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var report = Linter().lint(ExitKeep.keep(LintContext(network: network)))
        if fix {
            let edits = report.findings.flatMap(\.edits)
            do {
                let changed = try ConfigEdit.apply(edits)
                for e in edits {
                    FileHandle.standardError.write(Data("fixed: \(e)\n".utf8))
                }
                for file in changed {
                    // A symlinked config is written through: its target is replaced and the link kept.
                    guard (try? FileManager.default.destinationOfSymbolicLink(atPath: file)) != nil else { continue }
                    let target = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
                    FileHandle.standardError.write(
                        Data(
                            "fixed: \(file) is a symbolic link; wrote through it to \(target), the link is kept\n".utf8)
                    )
                }
                if !changed.isEmpty {
                    report = Linter().lint(try NetworkLoader.withSnapshots.load(directory: directory))
                }
            } catch {
                FileHandle.standardError.write(Data("wiresmith lint --fix: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let shown = report.filtered(minimum: Finding.Severity(rawValue: severity) ?? .info)
        if json {
            print(shown.json())
        } else {
            let term = Terminal(disabled: noColor)
            print(
                shown.text { text, tone in
                    switch tone {
                    case .host: return term.paint(text, .bold)
                    case .error: return term.paint(text, .red)
                    case .warning: return term.paint(text, .yellow)
                    case .info: return term.paint(text, .cyan)
                    case .location, .fix: return term.paint(text, .dim)
                    case .summary: return term.paint(text, .bold)
                    }
                }, terminator: "")
            let hidden = report.findings.count - shown.findings.count
            if hidden > 0 {
                print("(\(hidden) finding\(hidden == 1 ? "" : "s") below --severity \(severity) not shown)")
            }
        }
        if report.hasErrors { throw ExitCode(1) }
    }
}
