import Foundation
import WireAnalysis
import WireConfig

extension Lab {
    /// Applies edited configs to a running lab: every interface whose file changed since `up` is taken down with
    /// its old config (`wg-quick down`, so PostDown runs) and brought up with the new one.
    ///
    /// This is how a fix is proven without rebuilding: edit the file, `reload`, `check`. Only config files are
    /// reloaded; a changed host set, interface set or `host.yaml` needs `down` and `up` (`.noSuchLab` says so).
    /// Returns the updated plan (tunnel addresses may have changed) and saves it as the run's state.
    @discardableResult
    public static func reload(
        _ plan: LabPlan, options: LabOptions = LabOptions(),
        progress: @escaping (String) -> Void = { _ in }
    ) throws(LabError) -> LabPlan {
        try preflight(options)
        let network = try load(directory: plan.directory)
        let shape = { (p: LabPlan) in p.hosts.map { "\($0.name):" + $0.interfaces.map(\.name).joined(separator: ",") } }
        let current = network.hosts.map { "\($0.name):" + $0.interfaces.map(\.name).joined(separator: ",") }
        guard current == shape(plan) else {
            throw .noSuchLab(
                "the hosts or interfaces of \(plan.directory) changed since lab \(plan.id) was built; "
                    + "run lab down and lab up")
        }
        var updated = plan
        let shell = Shell(
            searchPath: "\(plan.runDirectory)/bin:\(options.searchPath)",
            environment: ["WG_QUICK_USERSPACE_IMPLEMENTATION": plan.implementation])
        let builder = LabBuilder(plan: plan, shell: shell, progress: progress, cancellation: options.cancellation)
        var restarted = false
        // Hosts others dial first, as in `up`.
        let rank = { (i: Int) in (plan.hosts[i].behindNAT ? 1 : 0, i) }
        let order = plan.hosts.indices.sorted { rank($0) < rank($1) }
        for h in order {
            let host = plan.hosts[h]
            for (i, iface) in host.interfaces.enumerated() {
                let new: [UInt8]
                do throws(InputFile.ReadError) {
                    new = try InputFile.read(iface.sourceFile, limit: InputLimits.configBytes)
                } catch {
                    throw .unreadable(error.description)
                }
                let old = try? InputFile.read(iface.labFile, limit: InputLimits.configBytes)
                guard new != old else { continue }
                guard let enter = LabState.enter(plan, host: host) else {
                    throw .noSuchHost("\(host.name) (its holder is gone; run lab down and lab up)")
                }
                let resolv = "WIRESMITH_LAB_RESOLV=\(builder.hostDirectory(host))/resolv.conf"
                shell.run(enter + ["env", resolv, "wg-quick", "down", iface.labFile], timeout: 30)
                do {
                    unlink(iface.labFile)
                    try PrivateFile.create(iface.labFile, bytes: new)
                } catch {
                    throw .commandFailed(command: "write \(iface.labFile)", status: -1, output: "\(error)")
                }
                do throws(LabError) {
                    try builder.wgQuickUp(host, iface)
                    updated.hosts[h].interfaces[i].failure = nil
                } catch {
                    guard case .wgQuickFailed(_, let file, _, let output) = error else { throw error }
                    let failure = WgQuickOutput.failure(of: output, in: file)
                    updated.hosts[h].interfaces[i].failure = failure
                    progress("\(host.name): \(iface.name) DOWN after reload: \(failure)")
                }
                let addresses = network.host(host.name)?.interface(iface.name)?.config.interface.addresses ?? []
                updated.hosts[h].interfaces[i].addresses = addresses.map { "\($0.address)" }
                restarted = true
                progress("\(host.name): \(iface.name) reloaded (wg-quick down; wg-quick up \(iface.sourceFile))")
            }
        }
        if restarted { LabSessions.reset(plan: updated, shell: shell) }
        try? LabState.save(updated)
        return updated
    }
}
