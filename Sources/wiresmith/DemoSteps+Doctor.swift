import Foundation
import WireAnalysis
import WireDoctor
import WireLab

extension DemoSteps {
    /// The demo's live diagnosis (issue #17): `wiresmith doctor` on the hub and on the pinging client, inside the
    /// lab, from the running system alone; then every host's `doctor --snapshot` linted together. True when the
    /// snapshots name exactly the causes lint named from the configs (`expected`, warning and error codes) and
    /// doctor names none that lint did not.
    func doctorStep(_ plan: LabPlan, hub: String, expected: Set<String>) -> Bool {
        guard let binary = Self.ownExecutable() else {
            out.fail("cannot find this executable to run doctor inside the lab")
            return false
        }
        var seen = Set<String>()
        for host in [hub, from] {
            guard let findings = doctorFindings(plan, host, binary: binary) else { return false }
            out.detail("\(host)$ wiresmith doctor")
            let problems = findings.filter { $0.severity != "info" }
            if problems.isEmpty {
                out.detail("  no problem seen on \(host) alone")
            }
            for code in Set(problems.map(\.code)).sorted() {
                let mine = problems.filter { $0.code == code }
                let wheres = Set(mine.map(\.interface)).sorted().joined(separator: ", ")
                let evidence = mine.first?.evidence.map { "  (seen: \($0))" } ?? ""
                out.detail("  \(code.padding(toLength: 22, withPad: " ", startingAt: 0)) \(wheres)\(evidence)")
                seen.insert(code)
            }
        }
        let unseen = expected.subtracting(seen).sorted()
        if !unseen.isEmpty {
            out.detail("  (\(unseen.joined(separator: ", ")): a fault between hosts, which no single host can see)")
        }
        let extra = seen.subtracting(expected)
        guard extra.isEmpty else {
            out.fail("doctor named \(extra.sorted().joined(separator: ", ")), which lint did not find in the configs")
            return false
        }

        // Every host's snapshot (no private key, no PSK), linted together as a network directory.
        let folder = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("snapshots")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for host in plan.hosts.map(\.name) {
                let r = try Lab.run(plan, node: host, command: [binary, "doctor", "--snapshot"], options: options)
                guard r.succeeded, let start = r.output.firstIndex(of: "{") else {
                    out.fail("\(host): doctor --snapshot failed: \(r.output)")
                    return false
                }
                try String(r.output[start...]).write(
                    to: folder.appendingPathComponent("\(host).json"), atomically: true, encoding: .utf8)
            }
        } catch {
            out.fail("snapshots: \(error)")
            return false
        }
        let network: Network
        do { network = try NetworkLoader.withSnapshots.load(directory: folder.path) } catch {
            out.fail("\(error)")
            return false
        }
        let names = plan.hosts.map { "\($0.name).json" }.joined(separator: " ")
        out.detail("every host$ wiresmith doctor --snapshot > HOST.json;  wiresmith lint \(names)")
        let found = Linter().lint(network).findings.filter { $0.severity != .info }
        for f in found {
            let at = f.primaryLocation.map { "\($0.file.split(separator: "/").last ?? ""): \($0.path ?? "")" } ?? ""
            out.detail("  \(f.code.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)) \(at)")
        }
        let codes = Set(found.map(\.code.rawValue))
        guard codes == expected else {
            out.fail(
                "the snapshots name \(codes.sorted().joined(separator: ", ")); lint named "
                    + "\(expected.sorted().joined(separator: ", ")) from the configs")
            return false
        }
        out.good("the same causes lint found from the configs: \(expected.sorted().joined(separator: ", "))")
        return true
    }

    /// One finding of `doctor --json`: its code, severity, interface and first evidence.
    struct DoctorLine {
        var code: String
        var severity: String
        var interface: String
        var evidence: String?
    }

    /// `wiresmith doctor --json` inside the lab host `host`; nil (and a failure printed) when it could not run.
    func doctorFindings(_ plan: LabPlan, _ host: String, binary: String) -> [DoctorLine]? {
        let r: CommandResult
        do {
            r = try Lab.run(plan, node: host, command: [binary, "doctor", "--json"], options: options)
        } catch {
            out.fail("\(host): doctor: \(error)")
            return nil
        }
        guard let start = r.output.firstIndex(of: "{"),
            let object = try? JSONSerialization.jsonObject(with: Data(r.output[start...].utf8)) as? [String: Any],
            let findings = object["findings"] as? [[String: Any]]
        else {
            out.fail("\(host): doctor --json printed no report (exit \(r.status)): \(r.output)")
            return nil
        }
        return findings.map { f in
            let evidence = (f["evidence"] as? [[String: Any]])?.first.map {
                "\($0["source"] as? String ?? ""): \($0["value"] as? String ?? "")"
            }
            return DoctorLine(
                code: f["code"] as? String ?? "", severity: f["severity"] as? String ?? "",
                interface: f["interface"] as? String ?? "", evidence: evidence)
        }
    }

    /// This program's own path (doctor runs it again inside the lab's namespaces): /proc/self/exe.
    static func ownExecutable() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
