import Foundation

/// Removes a run: `wg-quick down` where a host is still whole (so PostDown runs), then every process in the run's
/// namespaces (holders, wireguard-go, anything `lab exec` started), the namespaces, stray links and the run directory.
///
/// Works from the `ws<id>-` prefix as much as from the state file, so it also cleans after a killed `lab up`.
struct LabTeardown {
    var shell: Shell
    var runRoot: String

    /// What a teardown removed, for the report.
    struct Report: Sendable {
        var namespaces: [String] = []
        var processes: [Int32] = []
        var links: [String] = []
        var removedRunDirectory = false
    }

    /// The namespaces whose names start with `prefix`.
    func namespaces(prefix: String) -> [String] {
        let r = shell.run(["ip", "netns", "list"], timeout: 10)
        return r.output.split(separator: "\n").compactMap { line in
            let name = String(line.split(separator: " ").first ?? "")
            return name.hasPrefix(prefix) ? name : nil
        }
    }

    /// Every lab run id present on the machine: run directories and `ws<hex4>-` namespaces.
    func allRunIDs() -> [String] {
        var ids = Set(LabState.runs(runRoot: runRoot))
        for ns in namespaces(prefix: "ws") {
            let rest = ns.dropFirst(2)
            guard let dash = rest.firstIndex(of: "-") else { continue }
            let id = String(rest[..<dash])
            if Lab.isValidID(id) && id.count == 4 && id.allSatisfy(\.isHexDigit) { ids.insert(id) }
        }
        return ids.sorted()
    }

    func down(id: String) -> Report {
        var report = Report()
        let prefix = LabPlan.prefix(id: id)
        if let plan = LabState.load(id: id, runRoot: runRoot) {
            var wgShell = shell
            wgShell.searchPath = "\(plan.runDirectory)/bin:\(shell.searchPath)"
            wgShell.environment["WG_QUICK_USERSPACE_IMPLEMENTATION"] = plan.implementation
            for h in plan.hosts {
                guard let enter = LabState.enter(plan, host: h) else { continue }
                let dir = "\(plan.runDirectory)/hosts/\(LabPlanner.safeName(h.name))"
                let resolv = "WIRESMITH_LAB_RESOLV=\(dir)/resolv.conf"
                for i in h.interfaces.reversed() where FileManager.default.fileExists(atPath: i.labFile) {
                    wgShell.run(enter + ["env", resolv, "wg-quick", "down", i.labFile], timeout: 10)
                }
            }
        }
        let spaces = namespaces(prefix: prefix)
        var pids: [Int32] = []
        for ns in spaces {
            let r = shell.run(["ip", "netns", "pids", ns], timeout: 10)
            pids += r.output.split(separator: "\n").compactMap { Int32($0.trimmed) }
        }
        pids = Array(Set(pids)).sorted()
        for pid in pids { kill(pid, SIGTERM) }
        for _ in 0..<100 where pids.contains(where: { alive($0) }) { usleep(20_000) }
        for pid in pids where alive(pid) { kill(pid, SIGKILL) }
        for _ in 0..<100 where pids.contains(where: { alive($0) }) { usleep(20_000) }
        report.processes = pids
        for ns in spaces {
            shell.run(["ip", "netns", "delete", ns], timeout: 10)
            report.namespaces.append(ns)
        }
        // Links are made inside namespaces, never in the host's; remove any that a crash could have stranded.
        let links = shell.run(["ip", "-o", "link", "show"], timeout: 10).output.split(separator: "\n").compactMap {
            line -> String? in
            let parts = line.split(separator: ":", maxSplits: 2)
            guard parts.count > 1 else { return nil }
            let name = String(parts[1].trimmed.split(separator: "@").first ?? "")
            return name.hasPrefix(prefix) ? name : nil
        }
        for l in links {
            shell.run(["ip", "link", "delete", l], timeout: 10)
            report.links.append(l)
        }
        let dir = "\(runRoot)/\(id)"
        if FileManager.default.fileExists(atPath: dir) {
            report.removedRunDirectory = (try? FileManager.default.removeItem(atPath: dir)) != nil
        }
        return report
    }

    /// True while `pid` exists and is not a zombie.
    private func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmed.first
        return state != "Z" && state != "X"
    }
}
