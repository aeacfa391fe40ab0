import ArgumentParser
import Foundation
import WireLab

/// `wiresmith lab`: bring a network's configs up as real hosts in network namespaces, probe it, tear it down.
///
/// Exit status of `lab check` (README, docs/lab.md and `--help` say the same): 0 as intended, 1 not as intended,
/// 3 trace predicted otherwise than measured, 2 could not build (see `LabCommand.exitStatus`).
struct LabCommand: ParsableCommand {
    /// The exit status table, word for word in `lab check --help`, README.md and docs/lab.md.
    static let exitStatus = """
        Exit status:
          0  as intended: every intended pair answered and every isolation held,
             in every phase (cold, warm, idle)
          1  not as intended: an intended pair did not answer, or an isolation
             leaked (each listed with trace's why)
          2  could not build: not root, tools missing, host.yaml errors, a lab
             command failed, or no such lab
          3  as intended, but trace predicted otherwise than measured: a defect
             of wiresmith; please report the network
        Intent: intent.yaml at the network's root; without it, every address
        must reach every other. An interface wg-quick refuses is shown as down;
        the rest of the network is built and checked.
        """

    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Bring a network up as real hosts in network namespaces and check who reaches whom.",
        subcommands: [Up.self, Check.self, Exec.self, Reload.self, Down.self]
    )

    /// Options every lab subcommand shares.
    struct Common: ParsableArguments {
        @Option(help: "The lab's run id (default: a fresh one for up, the only running lab otherwise).")
        var id: String?

        func options(implementation: String = "wireguard-go") -> LabOptions {
            LabOptions(implementation: implementation, id: id)
        }

        /// Options whose run stops and rolls back on SIGINT/SIGTERM instead of dying half-built.
        func interruptibleOptions(implementation: String = "wireguard-go") -> LabOptions {
            var o = options(implementation: implementation)
            let cancellation = LabCancellation()
            cancellation.installSignalHandlers()
            o.cancellation = cancellation
            return o
        }
    }

    /// Prints a lab error and exits 2.
    static func fail(_ error: LabError) -> ExitCode {
        FileHandle.standardError.write(Data("wiresmith lab: \(error)\n".utf8))
        return ExitCode(2)
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build the lab for DIR and leave it running.")

        @Argument(help: "The network: HOST/IFACE.conf (+ HOST/host.yaml) or HOST.IFACE.conf files.")
        var directory: String
        @Option(help: "The userspace WireGuard implementation wg-quick starts.")
        var impl = "wireguard-go"
        @OptionGroup var common: Common

        func run() throws {
            do {
                let plan = try Lab.up(
                    directory: directory,
                    options: common.interruptibleOptions(implementation: Implementation.resolve(impl)),
                    progress: LabCommand.say)
                LabCommand.say(
                    "lab \(plan.id) is up: wiresmith lab check --id \(plan.id); "
                        + "wiresmith lab exec --id \(plan.id) HOST -- CMD; wiresmith lab down --id \(plan.id)")
            } catch { throw LabCommand.fail(error) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe a lab: every host pings every tunnel and LAN address of every other host.",
            discussion: "With DIR, a lab is built for DIR, checked and removed; without it, the running lab is "
                + "checked. Each pair is measured cold (right after up), warm (after every host has sent) and idle "
                + "(after NAT mappings no keepalive refreshes expired), and held against the intent and trace.\n\n"
                + LabCommand.exitStatus)

        @Argument(help: "A network to bring up, check and tear down.")
        var directory: String?
        @Option(help: "The userspace WireGuard implementation wg-quick starts (with DIR).")
        var impl = "wireguard-go"
        @Flag(help: "Print the matrix as JSON.")
        var json = false
        @Option(name: .customLong("phase"), help: "Measure only this phase (cold, warm or idle); repeatable.")
        var phases: [LabPhase] = []
        @Flag(
            help: "Also ping the internet router's test address (203.0.113.254, 2001:db8:ffff:ffff::1) from every host."
        )
        var internet = false
        @OptionGroup var common: Common

        func run() throws {
            let options = common.interruptibleOptions(implementation: Implementation.resolve(impl))
            // Progress goes to stderr with --json, so stdout stays one JSON document.
            let progress: @Sendable (String) -> Void = { line in
                if json {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                } else {
                    LabCommand.say(line)
                }
            }
            let matrix: ReachabilityMatrix
            do {
                if let directory {
                    let plan = try Lab.up(directory: directory, options: options, progress: progress)
                    defer { _ = try? Lab.down(id: plan.id, options: options) }
                    matrix = try Lab.check(
                        plan, options: options, verdicts: TraceVerdicts.provider(for: plan),
                        expectations: TraceVerdicts.expectations(for: plan), phases: phases, internet: internet,
                        progress: progress)
                } else {
                    let plan = try Lab.plan(id: common.id, options: options)
                    matrix = try Lab.check(
                        plan, options: options, verdicts: TraceVerdicts.provider(for: plan),
                        expectations: TraceVerdicts.expectations(for: plan), phases: phases, internet: internet,
                        progress: progress)
                }
            } catch { throw LabCommand.fail(error) }
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(matrix), as: UTF8.self))
            } else {
                print(matrix.rendered(), terminator: "")
            }
            if matrix.status != .passed { throw ExitCode(matrix.status.rawValue) }
        }
    }

    struct Exec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command inside a lab host (HOST, HOST/LAN, HOST/nat or internet).")

        @Argument(help: "The host to run in.")
        var host: String
        @Argument(parsing: .postTerminator, help: "The command, after --.")
        var command: [String] = []
        @OptionGroup var common: Common

        func run() throws {
            guard !command.isEmpty else { throw ValidationError("give a command after --") }
            let status: Int32
            do {
                let plan = try Lab.plan(id: common.id, options: common.options())
                status = try Lab.exec(plan, node: host, command: command, options: common.options())
            } catch { throw LabCommand.fail(error) }
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply edited configs to a running lab (wg-quick down and up of every changed interface).")

        @OptionGroup var common: Common

        func run() throws {
            do {
                let plan = try Lab.plan(id: common.id, options: common.options())
                try Lab.reload(plan, options: common.options(), progress: LabCommand.say)
            } catch { throw LabCommand.fail(error) }
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a lab: namespaces, links, daemons, sockets, files (also after a killed run).")

        @Flag(help: "Remove every lab on this machine.")
        var all = false
        @OptionGroup var common: Common

        func run() throws {
            do {
                let lines: [String]
                if all {
                    lines = try Lab.downAll(options: common.options())
                    if lines.isEmpty { LabCommand.say("no lab to remove") }
                } else if let id = common.id {
                    lines = try Lab.down(id: id, options: common.options())
                } else {
                    lines = try Lab.down(id: Lab.plan(id: nil, options: common.options()).id, options: common.options())
                }
                lines.forEach(LabCommand.say)
            } catch { throw LabCommand.fail(error) }
        }
    }
}

extension LabPhase: ExpressibleByArgument {}
