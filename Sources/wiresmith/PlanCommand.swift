import ArgumentParser
import Foundation
import WirePlan

/// `wiresmith plan TOPOLOGY --out DIR`: a topology becomes every host's wg-quick configs (docs/plan.md).
///
/// Exit status: 0 planned (or, with `--diff`, nothing would change), 1 with `--diff` when something would change,
/// 2 when the topology is wrong (every problem printed with its line and column; nothing written).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Turn a topology YAML into every host's WireGuard configs, host facts and intent.",
        discussion: """
            Writes DIR/HOST/IFACE.conf and DIR/HOST/host.yaml (mode 0600) and DIR/intent.yaml, all at once: on any \
            error DIR is left as it was. Keys already in DIR are kept, so planning again changes only what must \
            change. Exit status: 0 written, 1 --diff found changes, 2 bad topology. Format: docs/plan.md.
            """
    )

    @Argument(help: "The topology file (YAML).")
    var topology: String

    @Option(name: .long, help: "The output directory.")
    var out: String

    @Flag(help: "Show what would change in DIR (private keys redacted) and write nothing.")
    var diff = false

    @Flag(
        help:
            "Print the problems as JSON (schema wiresmith-plan/1: {problems: [{file, line, column, field, message}]}).")
    var json = false

    func run() throws {
        let topo: Topology
        do {
            topo = try TopologyReader.read(path: topology)
        } catch {
            if json {
                print(Self.json(error.problems))
            } else {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
            throw ExitCode(2)
        }
        let writer = PlanWriter(output: out)
        do {
            let files = try writer.plan(topo)
            if diff {
                let text = PlanDiff.render(old: writer.current(), new: files)
                print(text.isEmpty ? "no changes" : text, terminator: text.isEmpty ? "\n" : "")
                if !text.isEmpty { throw ExitCode(1) }
                return
            }
            try writer.commit(files)
            if !json {
                let hosts = Set(
                    files.keys.compactMap { $0.split(separator: "/").count == 2 ? $0.split(separator: "/")[0] : nil })
                print("planned \(hosts.count) hosts into \(out)")
            } else {
                print("{\"problems\":[]}")
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("wiresmith plan: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    static func json(_ problems: [PlanError.Problem]) -> String {
        let items = problems.map { p in
            [
                "file": p.location.file, "line": p.location.line, "column": p.location.column, "field": p.field,
                "message": p.message,
            ] as [String: Any]
        }
        let data = try? JSONSerialization.data(withJSONObject: ["problems": items], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
