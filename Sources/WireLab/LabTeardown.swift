import Foundation

/// Removes a run: `wg-quick down` where a host is still whole (so PostDown runs), then every process in the run's
/// namespaces (holders, wireguard-go, anything `lab exec` started), the namespaces, stray links and the run directory.
///
/// Removes only what the run directory proves the run made: the namespaces its state file names, or, when a killed
/// `lab up` left the directory without a state file, the namespaces of its `ws<id>-` prefix (the id is the run's
/// alone: `lab up` takes it with an exclusive `mkdir`). Without a run directory nothing is removed, so a look-alike
/// `ws<4 hex>-...` namespace that no lab made is left alone.
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

    /// Every lab run on the machine: the run directories under `runRoot` (a namespace alone proves nothing).
    func allRunIDs() -> [String] { LabState.runs(runRoot: runRoot) }

    /// Removes run `id` (a valid id; see `Lab.isValidID`), as far as its run directory proves it made things.
    func down(id: String) -> Report {
        var report = Report()
        guard Lab.isValidID(id) else { return report }
        let prefix = LabPlan.prefix(id: id)
        let dir = "\(runRoot)/\(id)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            return report
        }
        let plan = LabState.load(id: id, runRoot: runRoot)
        if let plan {
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
        var spaces = namespaces(prefix: prefix)
        if let plan {
            // Only the namespaces the plan names: its own, never another with the same prefix.
            let own = Set(plan.namespaces)
            spaces = spaces.filter(own.contains)
        }
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
        report.removedRunDirectory = (try? FileManager.default.removeItem(atPath: dir)) != nil
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
