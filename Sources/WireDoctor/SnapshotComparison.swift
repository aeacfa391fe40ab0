import WireAnalysis
import WireConfig

/// Several hosts' snapshots judged together: `doctor --compare DIR`, a thin view of `wiresmith lint DIR` over the
/// same directory. Each snapshot becomes a host of one network (`SnapshotHosts`), lint's rules judge it (keys listed
/// both ways, Endpoint ports, PSK hashes, relayed AllowedIPs, forwarding, MASQUERADE, reused addresses, filters,
/// links down, ...), and each lint finding is shown as a doctor finding: there is one cross-host judge, lint.
public struct SnapshotComparison: Sendable {
    /// The network judged.
    public var network: Network

    /// Snapshots by host name (the file name: hosts in one machine's namespaces share one kernel hostname), each
    /// located as `NAME.json`.
    public init(hosts: [(name: String, snapshot: HostSnapshot)]) {
        var read: [WireAnalysis.Host] = []
        var diagnostics: [ConfigDiagnostic] = []
        for (name, snapshot) in hosts {
            let (host, diags) = snapshot.host(named: name, file: "\(name).json")
            diagnostics += diags
            if let host { read.append(host) }
        }
        network = Network(hosts: NetworkLoader.acrossSnapshots(read), diagnostics: diagnostics)
    }

    /// A network already loaded (`NetworkLoader.withSnapshots`: snapshots, or snapshots mixed with configs).
    public init(network: Network) { self.network = network }

    /// lint's findings as doctor findings, under the interface where the fix goes (`HOST/IFACE`); evidence is each
    /// location lint names (`FILE: JSON-PATH` in a snapshot, `FILE:LINE` in a config).
    public func findings() -> [DoctorFinding] {
        Linter().lint(network).findings.map { f in
            var fix = f.fix
            // Key rotation (issue #17): when the key meant is a hub's, its peers must all learn the new one first.
            if f.code == .keyMismatch, f.interfaces.count > 1, let meant = network.interface(f.interfaces[1]),
                meant.config.peers.count > 1
            {
                fix +=
                    "; if \(meant.qualifiedName) is rotating its key, its \(meant.config.peers.count) peers must"
                    + " all learn the new one first: rotate spokes first and the hub last (`wiresmith rotate` prints"
                    + " the order, each step a `wg set`)"
            }
            return DoctorFinding(
                DoctorCode(f.code), f.severity, interface: f.interfaces.first?.description ?? f.primaryHost,
                evidence: f.locations.map { Evidence($0.file, $0.path ?? "line \($0.line)") }, cause: f.message,
                fix: fix)
        }
    }

    /// The findings as a report: one `across hosts` step per interface (`HOST/IFACE`).
    public func report() -> DoctorReport {
        let f = findings()
        let steps = network.allInterfaces.map { i in
            let mine = f.filter { $0.interface == i.qualifiedName }
            return DoctorStep(
                interface: i.qualifiedName, name: "across hosts",
                detail: mine.isEmpty
                    ? "\(i.config.peers.count) peer(s) agree with the other hosts" : "\(mine.count) problem(s)",
                findings: mine)
        }
        let placed = Set(steps.map(\.interface))
        let rest = f.filter { !placed.contains($0.interface) }
        let network =
            rest.isEmpty ? [] : [DoctorStep(interface: "(network)", name: "across hosts", detail: "", findings: rest)]
        return DoctorReport(
            host: self.network.hosts.map(\.name).joined(separator: ","), takenAt: 0, steps: steps + network,
            errors: [:])
    }
}
