import WireAnalysis

/// Trace's verdicts as `lab check` asks for them: one `Tracer` over the network, one trace per probe.
public enum TraceVerdicts {
    /// A provider answering "can SOURCE ping ADDRESS" with trace's verdict (delivered both ways, or where dropped).
    ///
    /// Probes trace cannot start (e.g. an address of the other family than any the source has) get no verdict.
    /// Until trace models time its one verdict describes the network right after `up` (a host behind NAT that has
    /// not sent is unreachable), so it is held against the cold phase only; warm and idle get no verdict.
    public static func provider(for network: Network) -> VerdictProvider {
        let tracer = Tracer(network: network)
        return { source, target, phase in
            guard phase == .cold else { return nil }
            guard let r = try? tracer.trace(from: source, to: target.address) else { return nil }
            return Verdict(reachable: r.verdict.delivered, explanation: r.verdict.summary)
        }
    }

    /// The provider for a running lab, from the network directory it was built from; nil when that directory no
    /// longer loads.
    public static func provider(for plan: LabPlan) -> VerdictProvider? {
        guard let network = try? Lab.load(directory: plan.directory) else { return nil }
        return provider(for: network)
    }
}
