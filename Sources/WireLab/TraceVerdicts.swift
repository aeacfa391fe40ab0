import Foundation
import WireAnalysis
import WireConfig

/// Trace's verdicts and the network's intent as `lab check` asks for them: one `Tracer` over the network, one trace
/// per probe (cached: each phase and the expectation read the same trace).
public enum TraceVerdicts {
    /// A provider answering "can SOURCE ping ADDRESS in PHASE" with trace's verdict for that phase (delivered both
    /// ways, or where dropped, and the condition it holds under).
    ///
    /// Probes trace cannot start (e.g. a target address that is also the source's own) get no verdict.
    public static func provider(for network: Network) -> VerdictProvider {
        let traces = TraceCache(network: network)
        return { source, target, phase in
            guard let r = traces.trace(source, target),
                let p = r.phases.first(where: { $0.phase.rawValue == phase.rawValue })
            else { return nil }
            return Verdict(reachable: p.delivered, explanation: "\(p.verdict.summary) [\(p.condition)]")
        }
    }

    /// The provider for a running lab, from the network directory it was built from; nil when that directory no
    /// longer loads.
    public static func provider(for plan: LabPlan) -> VerdictProvider? {
        guard let network = try? Lab.load(directory: plan.directory) else { return nil }
        return provider(for: network)
    }

    /// What the network's intent (docs/intent.md) asks of each probe: the pair's expectation as trace states it
    /// (the source party at the address the ping leaves from), else as the intent states it for the two hosts.
    public static func expectations(for network: Network) -> ExpectationProvider {
        let traces = TraceCache(network: network)
        return { source, target in
            if let r = traces.trace(source, target) {
                return ProbeExpectation(
                    r.intent.expect == .mustReach ? .mustReach : .mustNotReach,
                    rule: r.intent.rule == "default" ? defaultRule(network) : r.intent.rule)
            }
            let e = network.expectation(
                from: IntentParty(host: source),
                to: IntentParty(host: target.host, address: IPAddress(target.address)))
            let rule = e.rule.map { r in r.summary + (r.location.map { " at \($0.file):\($0.line)" } ?? "") }
            return ProbeExpectation(
                e.kind == .mustReach ? .mustReach : .mustNotReach, rule: rule ?? defaultRule(network))
        }
    }

    /// The expectations for a running lab; every address must reach every other when its directory no longer loads.
    public static func expectations(for plan: LabPlan) -> ExpectationProvider {
        guard let network = try? Lab.load(directory: plan.directory) else { return DefaultExpectations.provider }
        return expectations(for: network)
    }

    private static func defaultRule(_ network: Network) -> String {
        guard let file = network.intent.file else { return ProbeExpectation.defaultRule }
        return "default: \(network.intent.defaultExpectation == .mustReach ? "reach" : "deny") (\(file))"
    }
}

/// One trace per (source host, target address), computed on first use.
private final class TraceCache: @unchecked Sendable {
    private let tracer: Tracer
    private let lock = NSLock()
    private var cache: [String: TraceResult?] = [:]

    /// Addresses more than one host holds as a tunnel address.
    private let shared: Set<String>

    init(network: Network) {
        tracer = Tracer(network: network)
        var holders: [String: Set<String>] = [:]
        for h in network.hosts {
            for i in h.interfaces {
                for a in i.config.interface.addresses { holders["\(a.address)", default: []].insert(h.name) }
            }
        }
        shared = Set(holders.filter { $0.value.count > 1 }.keys)
    }

    /// The trace of a probe: to the address, or - for an address several hosts hold, which an address alone does
    /// not tell apart - to the target host, when trace reaches that host at this very address.
    func trace(_ source: String, _ target: ProbeTarget) -> TraceResult? {
        let key = "\(source) \(target.host) \(target.address)"
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[key] { return hit }
        var r: TraceResult?
        if shared.contains(target.address), let byHost = try? tracer.trace(from: source, to: target.host),
            byHost.destination == target.address
        {
            r = byHost
        } else {
            r = try? tracer.trace(from: source, to: target.address)
        }
        cache[key] = r
        return r
    }
}
