import Foundation
import WireAnalysis
import WireConfig

/// How to build and run a lab.
public struct LabOptions: Sendable {
    /// The userspace WireGuard implementation wg-quick starts (WG_QUICK_USERSPACE_IMPLEMENTATION).
    public var implementation: String
    /// The run id (1 to 8 lowercase letters or digits); nil picks 4 random hex digits.
    public var id: String?
    /// Where tools are looked up; the caller's PATH by default.
    public var searchPath: String
    /// Where run directories live.
    public var runRoot: String
    /// Set by an interrupt handler to stop `up` (which then rolls back) or `check` at the next step.
    public var cancellation: LabCancellation?

    /// Options with defaults: wireguard-go, a fresh id, the caller's PATH, /run/wiresmith-lab.
    public init(
        implementation: String = "wireguard-go", id: String? = nil,
        searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        runRoot: String = Lab.defaultRunRoot, cancellation: LabCancellation? = nil
    ) {
        self.implementation = implementation
        self.id = id
        self.searchPath = searchPath
        self.runRoot = runRoot
        self.cancellation = cancellation
    }
}

/// `wiresmith lab`: a network's hosts brought up as real hosts in network namespaces, probed, and torn down.
///
/// Every call that builds or probes needs root and the tools of `requiredTools`. `up` leaves nothing behind when it
/// fails; `down` removes a run, also one whose `up` was killed.
public enum Lab {
    /// Where run directories (state file, config copies, holder pids) live.
    public static let defaultRunRoot = "/run/wiresmith-lab"

    /// The tools a lab needs, the implementation included.
    public static func requiredTools(implementation: String) -> [String] {
        [
            "ip", "wg", "wg-quick", implementation, "iptables", "ip6tables", "ping", "nsenter", "unshare", "setsid",
            "sysctl", "sh", "sleep", "mount", "conntrack",
        ]
    }

    /// True for a usable run id: 1 to 8 lowercase letters or digits.
    public static func isValidID(_ id: String) -> Bool {
        (1...8).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }

    /// Fails with `.notRoot` or `.missingTools` when the lab cannot be built here.
    public static func preflight(_ options: LabOptions) throws(LabError) {
        guard geteuid() == 0 else { throw .notRoot }
        let shell = Shell(searchPath: options.searchPath)
        let missing = requiredTools(implementation: options.implementation).filter { shell.which($0) == nil }
        if !missing.isEmpty { throw .missingTools(missing) }
    }

    /// Loads the network in `directory`, failing with every facts error (file:line) when there are any.
    ///
    /// Errors in an interface's config do not stop the lab: wg-quick is the judge, and an interface it refuses is
    /// shown as down while the rest of the network is built (issue 13: every config gets a verdict).
    public static func load(directory: String) throws(LabError) -> Network {
        let network: Network
        do throws(NetworkLoader.LoadError) { network = try NetworkLoader().load(directory: directory) } catch {
            throw .unreadable(error.description)
        }
        let errors = network.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw .invalidConfigs(errors) }
        return network
    }

    /// Brings up the network in `directory`; returns the plan (its `id` names the run for `check`, `exec`, `down`).
    ///
    /// `progress` gets one line per step as hosts come up. On any failure everything made is removed before the
    /// error is thrown.
    public static func up(
        directory: String, options: LabOptions = LabOptions(),
        progress: @escaping (String) -> Void = { _ in }
    ) throws(LabError) -> LabPlan {
        try preflight(options)
        let network = try load(directory: directory)
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        return try up(network: network, directory: absolute, options: options, progress: progress)
    }

    /// Brings up an already loaded network (see `up(directory:options:progress:)`).
    public static func up(
        network: Network, directory: String, options: LabOptions = LabOptions(),
        progress: @escaping (String) -> Void = { _ in }
    ) throws(LabError) -> LabPlan {
        try preflight(options)
        let teardown = LabTeardown(shell: Shell(searchPath: options.searchPath), runRoot: options.runRoot)
        let id: String
        if let given = options.id {
            guard isValidID(given) else { throw .invalidID(given) }
            // Namespaces of this prefix that no run directory explains belong to someone else: never reuse them.
            if !teardown.namespaces(prefix: LabPlan.prefix(id: given)).isEmpty
                && LabState.load(id: given, runRoot: options.runRoot) == nil
                && !FileManager.default.fileExists(atPath: "\(options.runRoot)/\(given)")
            {
                throw .idTaken(given)
            }
            try LabState.claim(id: given, runRoot: options.runRoot)
            id = given
        } else {
            id = try freshID(options)
        }
        let plan: LabPlan
        do throws(LabError) {
            plan = try LabPlanner(id: id, implementation: options.implementation, runRoot: options.runRoot)
                .plan(network: network, directory: directory)
        } catch {
            rmdir("\(options.runRoot)/\(id)")
            throw error
        }
        let shell = buildShell(plan, options)
        progress("lab \(id): \(plan.hosts.count) hosts from \(directory)")
        let built: LabPlan
        do throws(LabError) {
            built = try LabBuilder(plan: plan, shell: shell, progress: progress, cancellation: options.cancellation)
                .build()
        } catch {
            progress("lab \(id): rolling back")
            _ = teardown.down(id: id)
            throw error
        }
        let down = built.hosts.flatMap { h in h.interfaces.filter { $0.failure != nil }.map { "\(h.name)/\($0.name)" } }
        progress("lab \(id): up" + (down.isEmpty ? "" : " (down: \(down.joined(separator: ", ")))"))
        return built
    }

    /// Probes a running lab: every host pings every tunnel and LAN address of every other host, in each of
    /// `phases` (cold, warm, idle by default; see `LabPhase` and `LabCheck`).
    ///
    /// `verdicts`, when given, is asked for the analysis's prediction on each probe and phase; the matrix then names
    /// every disagreement. `expectations` says what the network's intent asks of each probe (by default: every
    /// address reaches every other); the matrix's `status` is the exit status of `lab check`. With `internet`, every
    /// host also pings the internet router's test address of each family it has (held against trace only).
    public static func check(
        _ plan: LabPlan, options: LabOptions = LabOptions(), verdicts: VerdictProvider? = nil,
        expectations: ExpectationProvider? = DefaultExpectations.provider,
        phases: [LabPhase] = LabPhase.allCases, internet: Bool = false,
        progress: @escaping (String) -> Void = { _ in }
    ) throws(LabError) -> ReachabilityMatrix {
        try preflight(options)
        var check = LabCheck(
            plan: plan, shell: buildShell(plan, options), progress: progress,
            cancellation: options.cancellation)
        check.phases = phases.isEmpty ? LabPhase.allCases : phases
        check.internet = internet
        return try check.run(verdicts: verdicts, expectations: expectations)
    }

    /// Runs `command` inside a lab node with the terminal attached; returns its exit status.
    ///
    /// `node` is a host name (its network and private mount namespaces), `HOST/LAN` (the LAN machine),
    /// `HOST/nat` (its NAT router) or `internet` (the router).
    public static func exec(
        _ plan: LabPlan, node: String, command: [String],
        options: LabOptions = LabOptions()
    ) throws(LabError) -> Int32 {
        try preflight(options)
        let prefix = try enter(plan, node: node)
        return buildShell(plan, options).runAttached(prefix + command)
    }

    /// Runs `command` inside a lab node (as `exec`) and returns its status and output instead of printing it;
    /// killed after `timeout` seconds. For callers that present the output themselves, such as `wiresmith demo`.
    public static func run(
        _ plan: LabPlan, node: String, command: [String], timeout: Double = 30,
        options: LabOptions = LabOptions()
    ) throws(LabError) -> CommandResult {
        try preflight(options)
        let prefix = try enter(plan, node: node)
        var r = buildShell(plan, options).run(prefix + command, timeout: timeout)
        r.arguments = command
        return r
    }

    /// The command prefix that runs a command inside lab node `node` (a host, `HOST/nat`, `HOST/LAN` or
    /// `internet`), for callers that start a long-running command themselves and stop it later (a probe running
    /// while a lab is changed).
    public static func entering(_ plan: LabPlan, node: String) throws(LabError) -> [String] {
        try enter(plan, node: node)
    }

    /// The command prefix that enters `node` (see `exec`).
    private static func enter(_ plan: LabPlan, node: String) throws(LabError) -> [String] {
        if let h = plan.host(node) {
            guard let e = LabState.enter(plan, host: h) else { throw .noSuchHost("\(node) (its holder is gone)") }
            return e
        }
        if node == "internet" { return ["ip", "netns", "exec", plan.internetNamespace] }
        if let slash = node.firstIndex(of: "/"), let h = plan.host(String(node[..<slash])) {
            let what = String(node[node.index(after: slash)...])
            if what == "nat", let nat = h.nat { return ["ip", "netns", "exec", nat.namespace] }
            if let lan = h.lans.first(where: { $0.name == what }) { return ["ip", "netns", "exec", lan.namespace] }
        }
        throw .noSuchHost(node)
    }

    /// Removes run `id`: namespaces, links, processes, sockets (in the hosts' private tmpfs) and files.
    /// Returns one line per kind of thing removed.
    @discardableResult
    public static func down(id: String, options: LabOptions = LabOptions()) throws(LabError) -> [String] {
        guard isValidID(id) else { throw .invalidID(id) }
        guard geteuid() == 0 else { throw .notRoot }
        let teardown = LabTeardown(shell: Shell(searchPath: options.searchPath), runRoot: options.runRoot)
        let r = teardown.down(id: id)
        var lines = ["lab \(id): removed \(r.namespaces.count) namespaces, stopped \(r.processes.count) processes"]
        if !r.links.isEmpty { lines.append("lab \(id): removed stray links \(r.links.joined(separator: ", "))") }
        if r.removedRunDirectory { lines.append("lab \(id): removed \(options.runRoot)/\(id)") }
        return lines
    }

    /// Removes every lab run on the machine (`lab down --all`): every run directory under `runRoot` and what it
    /// proves its run made; a namespace that only looks like a lab's is left alone.
    @discardableResult
    public static func downAll(options: LabOptions = LabOptions()) throws(LabError) -> [String] {
        guard geteuid() == 0 else { throw .notRoot }
        let teardown = LabTeardown(shell: Shell(searchPath: options.searchPath), runRoot: options.runRoot)
        var lines: [String] = []
        for id in teardown.allRunIDs() { lines += try down(id: id, options: options) }
        return lines
    }

    /// Every run present on the machine (its run directories).
    public static func runningIDs(options: LabOptions = LabOptions()) -> [String] {
        LabTeardown(shell: Shell(searchPath: options.searchPath), runRoot: options.runRoot).allRunIDs()
    }

    /// The plan of a running lab: `id`, or the only one running when `id` is nil.
    public static func plan(id: String?, options: LabOptions = LabOptions()) throws(LabError) -> LabPlan {
        if let id {
            guard isValidID(id) else { throw .invalidID(id) }
            guard let p = LabState.load(id: id, runRoot: options.runRoot) else {
                throw .noSuchLab("no lab \(id) is up")
            }
            return p
        }
        let ids = LabState.runs(runRoot: options.runRoot)
        guard ids.count == 1, let p = LabState.load(id: ids[0], runRoot: options.runRoot) else {
            throw .noSuchLab(
                ids.isEmpty
                    ? "no lab is up (wiresmith lab up DIR)"
                    : "several labs are up (\(ids.joined(separator: ", "))): name one with --id")
        }
        return p
    }

    private static func buildShell(_ plan: LabPlan, _ options: LabOptions) -> Shell {
        Shell(
            searchPath: "\(plan.runDirectory)/bin:\(options.searchPath)",
            environment: ["WG_QUICK_USERSPACE_IMPLEMENTATION": plan.implementation])
    }

    /// Takes a run id no lab on this machine uses (4 random hex digits), claiming its run directory.
    public static func freshID(_ options: LabOptions = LabOptions()) throws(LabError) -> String {
        let teardown = LabTeardown(shell: Shell(searchPath: options.searchPath), runRoot: options.runRoot)
        for _ in 0..<64 {
            let id = String(format: "%04x", UInt16.random(in: .min ... .max))
            guard teardown.namespaces(prefix: LabPlan.prefix(id: id)).isEmpty else { continue }
            do throws(LabError) {
                try LabState.claim(id: id, runRoot: options.runRoot)
                return id
            } catch {
                if case .idTaken = error { continue }
                throw error
            }
        }
        throw .noSuchLab("no free lab id")
    }
}
