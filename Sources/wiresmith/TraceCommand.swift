import ArgumentParser
import Foundation
import WireAnalysis
import WireDoctor

/// `wiresmith trace DIR FROM TO`: one packet and its reply walked hop by hop through the network's configs.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Walk a ping from FROM to TO and its reply back, hop by hop, and say where and why it is dropped.",
        discussion: """
            DIR holds every host's wg-quick configs (HOST/wg0.conf or HOST.wg0.conf) and optional facts \
            (HOST/host.yaml). FROM and TO are host names or tunnel/LAN addresses; an address on a host's LAN \
            (not its own) is a machine on that LAN.

            Each hop lists the checks made there: route, cryptokey peer, key, endpoint, handshake, source check \
            against AllowedIPs, IP forwarding, FORWARD filter and MASQUERADE on relays. The verdict names the hop, \
            the setting and its FILE:LINE (or the file where a missing setting belongs), and a fix.

            Time matters: the walk is made in three phases - cold (right after every interface is up), warm (after \
            every host has sent) and idle (after NAT mappings expired with no keepalive) - and each gets a verdict. \
            The headline verdict is the first phase that drops the packet.

            --json prints the result as JSON (schema: docs/trace-json.md).

            EXIT STATUS
              0   delivered in every phase (or in the one --phase names)
              1   dropped in some phase: the verdict says when, at which hop, by which setting, and the fix
              2   unusable input: DIR missing or without configs, or FROM/TO unknown
              64  bad command line (missing or unknown arguments)
            """
    )

    @Argument(help: "The directory with the network's configs.")
    var directory: String

    @Argument(help: "Where the packet starts: a host name, or a tunnel or LAN address.")
    var from: String

    @Argument(help: "Where it goes: a host name, or a tunnel or LAN address.")
    var to: String

    @Option(help: "Judge the exit status by one phase only: cold, warm or idle.")
    var phase: String?

    @Flag(help: "Print the result as JSON (docs/trace-json.md).")
    var json = false

    @Flag(name: .customLong("no-color"), help: "No colour (also when NO_COLOR is set or stdout is not a terminal).")
    var noColor = false

    func validate() throws {
        if let phase, TracePhase(rawValue: phase) == nil {
            throw ValidationError("--phase must be cold, warm or idle, not `\(phase)`")
        }
    }

    func run() throws {
        let network: Network
        do {
            network = ExitKeep.keep(try NetworkLoader.withSnapshots.load(directory: directory))
        } catch {
            FileHandle.standardError.write(Data("wiresmith trace: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let result: TraceResult
        do {
            result = try ExitKeep.keep(Tracer(network: network)).trace(from: from, to: to)
        } catch {
            FileHandle.standardError.write(Data("wiresmith trace: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let errors =
            network.diagnostics.filter { $0.severity == .error }
            + network.hosts.lazy.flatMap(\.interfaces).flatMap { $0.diagnostics.filter { $0.severity == .error } }
        if !errors.isEmpty {
            FileHandle.standardError.write(Data(errors.map { "\($0)\n" }.joined().utf8))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(result)
            print(String(decoding: data, as: UTF8.self))
        } else {
            let env = ProcessInfo.processInfo.environment["NO_COLOR"] ?? ""
            let color = !noColor && env.isEmpty && isatty(STDOUT_FILENO) == 1
            print(TraceReport.render(result, color: color), terminator: "")
        }
        if let phase, let p = TracePhase(rawValue: phase) {
            if result.phase(p)?.delivered != true { throw ExitCode(1) }
        } else if !result.deliveredAlways {
            throw ExitCode(1)
        }
    }
}
