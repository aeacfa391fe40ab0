import ArgumentParser
import Foundation
import WireConfig
import WirePlan
import WireQR

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
            change. Format: docs/plan.md.

            --qr HOST (or HOST/IFACE when HOST has several interfaces) then shows that host's config as a QR code \
            for the WireGuard mobile apps, drawn on the terminal or written with --png FILE; see `wiresmith qr \
            --help`. The host and the code's size are checked before anything is written.

            Exit status: 0 written, 1 --diff found changes, 2 bad topology (or the --qr config does not fit a QR \
            code), 64 bad command line.
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

    @Option(name: .long, help: ArgumentHelp("Show HOST's config as a QR code once planned.", valueName: "HOST[/IFACE]"))
    var qr: String?

    @OptionGroup var qrOutput: QRCodeOptions

    func validate() throws {
        if qr != nil && diff { throw ValidationError("--qr shows a written config; it cannot go with --diff") }
        if qr != nil && json && qrOutput.png == nil {
            throw ValidationError("--qr with --json needs --png FILE: the terminal drawing would break the JSON")
        }
        if qr == nil && (qrOutput.png != nil || qrOutput.force) {
            throw ValidationError("--png and --force go with --qr")
        }
    }

    func run() throws {
        if qr != nil { try qrOutput.preflight(command: "plan") }
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
            let code = try qr.map { try qrCode(for: $0, in: files) }
            try writer.commit(files)
            if !json {
                let hosts = Set(
                    files.keys.compactMap { $0.split(separator: "/").count == 2 ? $0.split(separator: "/")[0] : nil })
                print("planned \(hosts.count) hosts into \(out)")
            } else {
                print("{\"problems\":[]}")
            }
            if let (path, code, hasKey) = code {
                try qrOutput.emit(code, source: out + "/" + path, hasPrivateKey: hasKey, command: "plan")
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("wiresmith plan: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The QR code of the planned config `--qr` names (`HOST` or `HOST/IFACE`), made before anything is written.
    func qrCode(for name: String, in files: [String: String]) throws -> (String, QRCode, Bool) {
        let configs = files.keys.filter { $0.hasSuffix(".conf") && $0.split(separator: "/").count == 2 }.sorted()
        let matches = configs.filter { name.contains("/") ? $0 == name + ".conf" : $0.hasPrefix(name + "/") }
        guard matches.count == 1, let path = matches.first, let text = files[path] else {
            let choices = configs.map { String($0.dropLast(5)) }.joined(separator: ", ")
            let why = matches.isEmpty ? "no such host or interface in the plan" : "the host has several interfaces"
            FileHandle.standardError.write(Data("wiresmith plan: --qr \(name): \(why); one of: \(choices)\n".utf8))
            throw ExitCode(64)
        }
        guard let code = QRCodeOptions.encode(Array(text.utf8), source: path, command: "plan") else {
            throw ExitCode(2)
        }
        let hasKey = ConfigParser().parse(text, file: path).config.interface.privateKey != nil
        return (path, code, hasKey)
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
