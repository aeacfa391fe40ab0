import ArgumentParser
import Foundation
import WireAnalysis
import WireDoctor
import WirePlan
import WireProcess

/// `wiresmith graph DIR`: any network directory drawn as Graphviz DOT, or rendered by `dot` (docs/plan.md).
///
/// Exit status: 0 drawn, 2 when the directory cannot be loaded, the trace names nothing, or `dot` is missing or
/// fails.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a network: hosts, interfaces, tunnels, LANs, NAT, isolation, lint findings, a trace.",
        discussion: """
            Prints DOT by default. --format svg or png runs Graphviz `dot` (scripts/install-deps.sh installs it) and \
            writes --output. --trace FROM TO draws that ping's path in blue (replies in green) and the hop that \
            drops it in red. Exit status: 0 drawn, 2 unusable input or no `dot`.
            """
    )

    @Argument(help: "The network directory (planned or hand-written).")
    var directory: String

    @Option(help: "dot (default), svg or png.")
    var format: String = "dot"

    @Option(help: "Where to write the drawing; standard output when omitted (dot format only).")
    var output: String?

    @Option(parsing: .upToNextOption, help: "Highlight the path of a ping: --trace FROM TO.")
    var trace: [String] = []

    func validate() throws {
        guard ["dot", "svg", "png"].contains(format) else { throw ValidationError("--format must be dot, svg or png") }
        guard trace.isEmpty || trace.count == 2 else { throw ValidationError("--trace takes FROM and TO") }
        if format != "dot" && output == nil { throw ValidationError("--format \(format) needs --output FILE") }
    }

    func run() throws {
        let text: String
        do {
            let network = try NetworkLoader.withSnapshots.load(directory: directory)
            let findings = Linter().lint(network).findings
            let result = trace.count == 2 ? try Tracer(network: network).trace(from: trace[0], to: trace[1]) : nil
            text = NetworkGraph(network: network, findings: findings, trace: result).dot()
        } catch {
            FileHandle.standardError.write(Data("wiresmith graph: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if format == "dot" {
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                print(text, terminator: "")
            }
            return
        }
        guard let dot = Command.which("dot") else {
            FileHandle.standardError.write(
                Data("wiresmith graph: Graphviz `dot` is not installed (scripts/install-deps.sh installs it)\n".utf8))
            throw ExitCode(2)
        }
        do {
            let r = try Command([dot, "-T\(format)", "-o", output!], input: Array(text.utf8)).run()
            guard r.succeeded else {
                FileHandle.standardError.write(Data("wiresmith graph: dot failed: \(r.stderrText)\n".utf8))
                throw ExitCode(2)
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("wiresmith graph: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
