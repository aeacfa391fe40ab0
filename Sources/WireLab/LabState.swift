import Foundation

/// The run's state on disk: `<runRoot>/<id>/state.json` (the plan) plus one holder pid file per host.
///
/// The plan is written before anything is built, so `lab down` finds everything a killed `lab up` may have made;
/// namespaces are also found by their `ws<id>-` prefix, in case the state file itself is gone.
public enum LabState {
    /// Writes the plan as `state.json` in its run directory.
    static func save(_ plan: LabPlan) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(plan)
        try data.write(to: URL(fileURLWithPath: "\(plan.runDirectory)/state.json"), options: .atomic)
    }

    /// The plan of run `id`, or nil when there is no readable state file.
    public static func load(id: String, runRoot: String = Lab.defaultRunRoot) -> LabPlan? {
        guard Lab.isValidID(id) else { return nil }
        guard let data = FileManager.default.contents(atPath: "\(runRoot)/\(id)/state.json") else { return nil }
        return try? JSONDecoder().decode(LabPlan.self, from: data)
    }

    /// Takes run `id` with an exclusive `mkdir(2)` of its run directory (mode 0700): of two `lab up --id X` at the
    /// same moment exactly one succeeds, and the other learns the id is taken. Creates `runRoot` when missing.
    static func claim(id: String, runRoot: String) throws(LabError) {
        guard Lab.isValidID(id) else { throw .invalidID(id) }
        try? FileManager.default.createDirectory(
            atPath: runRoot, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        guard mkdir("\(runRoot)/\(id)", 0o700) == 0 else {
            let code = errno
            if code == EEXIST { throw .idTaken(id) }
            throw .commandFailed(
                command: "mkdir \(runRoot)/\(id)", status: -1, output: String(cString: strerror(code)))
        }
    }

    /// The ids of every run with a directory under `runRoot`, sorted.
    public static func runs(runRoot: String = Lab.defaultRunRoot) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runRoot)) ?? []).filter(Lab.isValidID).sorted()
    }

    /// The pid of the process holding `host`'s mount namespace, when it is alive.
    static func holderPID(_ plan: LabPlan, host: HostPlan) -> Int32? {
        let file = "\(plan.runDirectory)/hosts/\(LabPlanner.safeName(host.name))/holder.pid"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = Int32(text.trimmed),
            FileManager.default.fileExists(atPath: "/proc/\(pid)/ns/mnt")
        else { return nil }
        return pid
    }

    /// The command prefix that runs a command inside `host`: its network namespace and private mount namespace.
    static func enter(_ plan: LabPlan, host: HostPlan) -> [String]? {
        guard let pid = holderPID(plan, host: host) else { return nil }
        return ["nsenter", "--mount=/proc/\(pid)/ns/mnt", "--net=/var/run/netns/\(host.namespace)", "--"]
    }
}
