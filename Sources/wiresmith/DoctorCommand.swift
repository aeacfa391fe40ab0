import ArgumentParser
import Foundation
import WireAnalysis
import WireDoctor

/// `wiresmith doctor [IFACE]`: the "peer unreachable" runbook run on this host (issue #17, docs/doctor.md).
///
/// Reads `wg show all dump`, `ip -j`, /proc/sys, `nft -j`, `iptables-save`, /proc/net/udp, the sysctl files and
/// the wg-quick configs; with `--sample`/`--probe`/`--capture` also a window of traffic (pings, tcpdump). Changes
/// nothing unless `--fix` is given. Exit status: 0 healthy, 1 problems found, 2 could not run (not root, no wg, no
/// such interface or peer).
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this host's running WireGuard interfaces and say what stops peers, with the evidence.",
        discussion: """
            Judges only this network namespace's interfaces. Exit status: 0 healthy, 1 problems found (a warning \
            or an error), 2 could not run. --snapshot prints everything collected as JSON (no private key, no \
            preshared key) instead of judging it. --sample/--probe/--probe-to/--capture watch a few seconds of \
            traffic (progress on stderr). Changes nothing unless --fix: then only forwarding, rp_filter, link up \
            and routes, each printed with its undo; never keys, firewall rules or files. Codes and schemas: \
            docs/doctor.md.
            """
    )

    @Argument(help: "Only this WireGuard interface (default: every one in this namespace).")
    var interface: String?

    @Option(help: "Only this peer: its public key, its first characters, or an address in its AllowedIPs.")
    var peer: String?

    @Flag(help: "Print the report as JSON (schema wiresmith-doctor/1).")
    var json = false

    @Flag(help: "Print the snapshot (schema wiresmith-snapshot/1) instead of a report.")
    var snapshot = false

    @Option(help: "Judge a snapshot file written by --snapshot instead of this host.")
    var from: String?

    @Option(
        help: "Judge a directory of snapshots (HOST.json each, configs too) together with lint's rules (= lint DIR).")
    var compare: String?

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "Where the wg-quick configs (IFACE.conf) are: DNS = without resolvconf, forwarding kept at boot.",
            valueName: "dir"))
    var configDirectory = "/etc/wireguard"

    @Option(
        help: ArgumentHelp(
            "Sample the transfer counters over this many seconds: counters moving one way only, sent but never a"
                + " handshake.", valueName: "seconds"))
    var sample: Int?

    @Flag(help: "Ping each peer's tunnel address (its first /32 or /128 AllowedIP) while sampling.")
    var probe = false

    @Option(
        name: .customLong("probe-to"),
        help: ArgumentHelp(
            "Ping this address while sampling (repeatable); it goes to the peer whose AllowedIPs cover it.",
            valueName: "address"))
    var probeTo: [String] = []

    @Flag(
        help: ArgumentHelp(
            "Capture UDP on the listen ports and what arrives on each WireGuard interface while sampling"
                + " (tcpdump): tells \"nothing arrives from the peer\" from \"it arrives and nothing goes back\","
                + " and names a peer's handshakes this host's WireGuard rejects (key mismatch) and a peer's data it"
                + " drops after decryption (asymmetric AllowedIPs)."))
    var capture = false

    @Flag(
        help: ArgumentHelp(
            "Apply the safe fixes (forwarding on, rp_filter loose, link up, a route for an AllowedIP), each shown"
                + " with its undo before it runs; keys, firewall rules and files are never changed."))
    var fix = false

    @Flag(help: "Never colour the output (NO_COLOR in the environment does the same).")
    var noColor = false

    func validate() throws {
        if let sample, sample < 1 || sample > 600 { throw ValidationError("--sample takes 1 to 600 seconds") }
        let sampling = sample != nil || probe || !probeTo.isEmpty || capture
        if fix && (from != nil || compare != nil || snapshot) {
            throw ValidationError("--fix changes the live host: not with --from, --compare or --snapshot")
        }
        if sampling && (from != nil || compare != nil) {
            throw ValidationError(
                "--sample, --probe, --probe-to and --capture need the live host, not --from/--compare")
        }
    }

    func run() throws {
        if let compare {
            try runComparison(compare)
            return
        }
        var snap: HostSnapshot
        do {
            if let from {
                snap = try HostSnapshot.decode(try Data(contentsOf: URL(fileURLWithPath: from)))
            } else {
                snap = try Collector(configDirectory: configDirectory).collect()
            }
            if sample != nil || probe || !probeTo.isEmpty || capture {
                let sampler = TrafficSampler(
                    seconds: sample ?? 3, probe: probe, probeTargets: probeTo, capture: capture)
                snap.traffic = try sampler.sample(snap, interface: interface, peer: peer) { line in
                    FileHandle.standardError.write(Data("doctor: \(line)\n".utf8))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("wiresmith doctor: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if snapshot {
            print(snap.json())
            return
        }
        var report: DoctorReport
        do {
            report = try Doctor(snapshot: snap).run(interface: interface, peer: peer)
            if fix { report = try applyFixes(report, snap) }
        } catch {
            FileHandle.standardError.write(Data("wiresmith doctor: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try show(report) { if fix { printUndo(report) } }
    }

    /// `--fix`: each safe fix shown (with its undo) and applied, then the host collected and judged again; repeated
    /// while new safe fixes appear (a link brought up may then lack its routes), at most three rounds.
    func applyFixes(_ first: DoctorReport, _ firstSnapshot: HostSnapshot) throws -> DoctorReport {
        var report = first
        var snap = firstSnapshot
        var done: [(fix: DoctorFix, error: String?)] = []
        for _ in 0..<3 {
            let fixes = DoctorFix.plan(report, snap).filter { f in !done.contains { $0.fix.command == f.command } }
            if fixes.isEmpty { break }
            for f in fixes {
                say("fix \(f.code) on \(f.interface): \(DoctorFix.shell(f.command))")
                say("    undo: \(DoctorFix.shell(f.undo))")
                let error = f.apply()
                if let error { say("    failed: \(error)") }
                done.append((f, error))
            }
            snap = try Collector(configDirectory: configDirectory).collect()
            report = try Doctor(snapshot: snap).run(interface: interface, peer: peer)
        }
        if done.isEmpty { say("fix: nothing doctor may change safely") }
        report.fixes = done
        return report
    }

    /// After `--fix`: the findings left that it does not touch, and how to undo what it did.
    func printUndo(_ report: DoctorReport) {
        for f in report.findings where f.severity != .info && !DoctorFix.safeCodes.contains(f.code) {
            say(
                "not changed: \(f.code) on \(f.interface): keys, firewall rules and files are left to you (see its fix)"
            )
        }
        let undo = report.fixes.filter { $0.error == nil }.reversed().map { DoctorFix.shell($0.fix.undo) }
        if !undo.isEmpty { say("to undo every fix: \(undo.joined(separator: " && "))") }
    }

    /// A line about `--fix`: on stdout with the text report, on stderr with `--json` (stdout stays one document).
    func say(_ line: String) {
        if json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    /// `--compare DIR`: the directory read as `wiresmith lint` reads it (HOST.json snapshots, mixed with configs
    /// if any) and judged by lint's rules, shown as doctor findings (docs/doctor.md).
    func runComparison(_ directory: String) throws {
        let network: Network
        do {
            network = try NetworkLoader.withSnapshots.load(directory: directory)
        } catch {
            FileHandle.standardError.write(Data("wiresmith doctor: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try show(SnapshotComparison(network: network).report())
    }

    func show(_ report: DoctorReport, then after: () -> Void = {}) throws {
        if json {
            print(report.json())
        } else {
            let term = Terminal(disabled: noColor)
            print(
                report.text { word, status in
                    switch status {
                    case .pass: return word
                    case .warn: return term.paint(word, .yellow)
                    case .fail: return term.paint(word, .red)
                    }
                }, terminator: "")
        }
        after()
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
