// wiresmith-bench: measurements that are not tests. `swift run -c release wiresmith-bench <subcommand>`.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let subcommands: [(name: String, summary: String, run: ([String]) -> Void)] = [
    ("protocol", "packets/s through encapsulate+decapsulate (1420-byte packets), handshakes/s", runProtocolBench),
    ("trace", "1,000 traces over a generated 10,000-peer hub", { _ in traceBench() }),
    ("lint", "a generated 10,000-peer hub plus a 200-host mesh, linted", { _ in runLintBench() }),
    ("lab", "a generated 20-host hub-and-spoke lab up, checked and down (root)", { _ in runLabBenchmark() }),
    ("cli", "lint and trace of a generated 10,000- and 100,000-host network through the release CLI", runCLIBench),
]

if let name = arguments.first, let command = subcommands.first(where: { $0.name == name }) {
    command.run(Array(arguments.dropFirst()))
} else {
    print("usage: wiresmith-bench <subcommand>")
    for command in subcommands { print("  \(command.name)  \(command.summary)") }
    if !arguments.isEmpty { exit(2) }
}
