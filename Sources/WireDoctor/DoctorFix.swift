import WireNet
import WireProcess

/// The safe fixes of `doctor --fix` (issue #17 "Output and use"): changes to the running kernel that doctor can make
/// and take back exactly - forwarding on, rp_filter loose, the link up, a missing route for an AllowedIP. Never keys,
/// never firewall rules, never files: findings needing those are listed as not fixed, with their fix to do by hand.
public struct DoctorFix: Sendable, Equatable {
    /// The finding it answers.
    public var code: DoctorCode
    /// The interface concerned.
    public var interface: String
    /// The command that fixes it.
    public var command: [String]
    /// The command that restores what was there before.
    public var undo: [String]

    /// A fix.
    public init(code: DoctorCode, interface: String, command: [String], undo: [String]) {
        self.code = code
        self.interface = interface
        self.command = command
        self.undo = undo
    }

    /// The codes `--fix` may act on.
    public static let safeCodes: Set<DoctorCode> = [
        .forwardingDisabled, .rpFilter, .interfaceDown, .allowedIPNotRouted,
    ]

    /// The fixes for `report`'s findings on `snapshot` (the values undo restores are read from it), each once.
    public static func plan(_ report: DoctorReport, _ snapshot: HostSnapshot) -> [DoctorFix] {
        var out: [DoctorFix] = []
        func add(_ f: DoctorFix) { if !out.contains(where: { $0.command == f.command }) { out.append(f) } }
        func sysctl(_ code: DoctorCode, _ iface: String, _ key: String, _ value: String) {
            let old = snapshot.sysctl[key] ?? "0"
            guard old != value else { return }
            add(
                DoctorFix(
                    code: code, interface: iface, command: ["sysctl", "-w", "\(key)=\(value)"],
                    undo: ["sysctl", "-w", "\(key)=\(old)"]))
        }
        for f in report.findings {
            switch f.code {
            case .forwardingDisabled where f.evidence.contains { $0.source.hasPrefix("/proc/sys/net/ipv6") }:
                sysctl(.forwardingDisabled, f.interface, "net.ipv6.conf.all.forwarding", "1")
            case .forwardingDisabled where f.evidence.contains { $0.source.hasPrefix("/proc/sys/net/ipv4") }:
                sysctl(.forwardingDisabled, f.interface, "net.ipv4.ip_forward", "1")
                // Writing ip_forward sets every conf/*/forwarding too: only a lone interface switch needs its own.
                if snapshot.sysctl["net.ipv4.ip_forward"] != "0",
                    snapshot.sysctl["net.ipv4.conf.\(f.interface).forwarding"] == "0"
                {
                    sysctl(.forwardingDisabled, f.interface, "net.ipv4.conf.\(f.interface).forwarding", "1")
                }
            case .rpFilter:
                for conf in ["all", f.interface] where snapshot.sysctl["net.ipv4.conf.\(conf).rp_filter"] == "1" {
                    sysctl(.rpFilter, f.interface, "net.ipv4.conf.\(conf).rp_filter", "2")
                }
            case .interfaceDown where snapshot.link(f.interface) != nil:
                add(
                    DoctorFix(
                        code: .interfaceDown, interface: f.interface,
                        command: ["ip", "link", "set", "dev", f.interface, "up"],
                        undo: ["ip", "link", "set", "dev", f.interface, "down"]))
            case .allowedIPNotRouted:
                let prefix = f.evidence.first { $0.source == "wg show all dump" }?.value.split(separator: " ").last
                guard let prefix, let p = IPPrefix(prefix) else { continue }
                let family = p.address.isIPv6 ? ["-6"] : ["-4"]
                add(
                    DoctorFix(
                        code: .allowedIPNotRouted, interface: f.interface,
                        command: ["ip"] + family + ["route", "add", p.network.description, "dev", f.interface],
                        undo: ["ip"] + family + ["route", "del", p.network.description, "dev", f.interface]))
            default: continue
            }
        }
        return out
    }

    /// Runs the fix; nil on success, else what went wrong.
    public func apply(searchPath: String = Command.defaultSearchPath) -> String? {
        do {
            let r = try Command(command, searchPath: searchPath, timeout: .seconds(20)).run()
            return r.succeeded
                ? nil : "exit \(r.status): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))"
        } catch {
            return "\(error)"
        }
    }

    /// A command line for a shell (arguments here never need quoting: names, keys and prefixes).
    public static func shell(_ argv: [String]) -> String { argv.joined(separator: " ") }
}
