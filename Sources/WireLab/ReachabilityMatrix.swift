/// One address a probe aims at: a host's tunnel address, its address on a LAN, or the machine on that LAN.
public struct ProbeTarget: Codable, Sendable, Hashable {
    /// What the address belongs to.
    public enum Kind: String, Codable, Sendable {
        /// An `Address` of a WireGuard interface.
        case tunnel
        /// The host's own address on one of its LANs.
        case lanHost
        /// The one machine the lab puts on a LAN behind the host.
        case lanMachine
    }

    /// The host the address belongs to.
    public var host: String
    /// The interface (`wg0`) or LAN name (`office`).
    public var label: String
    /// The address pinged.
    public var address: String
    /// Tunnel, LAN host or LAN machine address.
    public var kind: Kind

    /// A target.
    public init(host: String, label: String, address: String, kind: Kind) {
        self.host = host
        self.label = label
        self.address = address
        self.kind = kind
    }

    /// `bob wg0 10.1.0.2`, `siteB office-machine 192.168.20.2`.
    public var title: String {
        let what = kind == .lanMachine ? "\(label)-machine" : label
        return "\(host) \(what) \(address)"
    }
}

/// What the analysis (trace) predicts for one probe.
public struct Verdict: Codable, Sendable, Hashable {
    /// True when trace says the ping is delivered and its reply comes back.
    public var reachable: Bool
    /// Trace's reason, one line (e.g. where the packet is dropped, with file:line).
    public var explanation: String

    /// A verdict.
    public init(reachable: Bool, explanation: String) {
        self.reachable = reachable
        self.explanation = explanation
    }
}

/// Asks the analysis for its verdict on "can `source` reach `target`"; nil when it has none.
public typealias VerdictProvider = @Sendable (_ source: String, _ target: ProbeTarget) -> Verdict?

/// One ping: from a host to an address of another host, and what came back.
public struct ProbeResult: Codable, Sendable, Hashable {
    /// The host that pinged.
    public var source: String
    /// What it pinged.
    public var target: ProbeTarget
    /// Echo requests sent.
    public var sent: Int
    /// Echo replies received.
    public var received: Int
    /// The analysis's prediction, when one was asked for.
    public var verdict: Verdict?

    /// True when at least one echo reply came back.
    public var answered: Bool { received > 0 }

    private enum CodingKeys: String, CodingKey { case source, target, sent, received, verdict, answered, agrees }

    /// A probe result.
    public init(source: String, target: ProbeTarget, sent: Int, received: Int, verdict: Verdict?) {
        self.source = source
        self.target = target
        self.sent = sent
        self.received = received
        self.verdict = verdict
    }

    /// Decodes what `encode(to:)` wrote (the derived fields are recomputed, not read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try c.decode(String.self, forKey: .source),
            target: try c.decode(ProbeTarget.self, forKey: .target),
            sent: try c.decode(Int.self, forKey: .sent), received: try c.decode(Int.self, forKey: .received),
            verdict: try c.decodeIfPresent(Verdict.self, forKey: .verdict))
    }

    /// Encodes the stored fields plus `answered` and, with a verdict, `agrees`, for readers of `--json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(target, forKey: .target)
        try c.encode(sent, forKey: .sent)
        try c.encode(received, forKey: .received)
        try c.encode(answered, forKey: .answered)
        try c.encodeIfPresent(verdict, forKey: .verdict)
        if verdict != nil { try c.encode(!isDisagreement, forKey: .agrees) }
    }

    /// True when the analysis predicted the opposite of what happened.
    public var isDisagreement: Bool { verdict.map { $0.reachable != answered } ?? false }

    /// True when the result is what was expected: the verdict when there is one, else an answer.
    public var isAsExpected: Bool { answered == (verdict?.reachable ?? true) }
}

/// The result of `lab check`: every host's pings to every tunnel and LAN address of every other host.
public struct ReachabilityMatrix: Codable, Sendable {
    /// The run the probes ran in.
    public var labID: String
    /// Rows: the hosts that pinged, in host order.
    public var sources: [String]
    /// Columns: every address probed, in host order.
    public var targets: [ProbeTarget]
    /// One result per probe, in source then target order.
    public var results: [ProbeResult]

    /// A matrix.
    public init(labID: String, sources: [String], targets: [ProbeTarget], results: [ProbeResult]) {
        self.labID = labID
        self.sources = sources
        self.targets = targets
        self.results = results
    }

    private enum CodingKeys: String, CodingKey { case labID, sources, targets, results, passed, disagreements }

    /// Decodes what `encode(to:)` wrote (`passed` and `disagreements` are recomputed, not read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            labID: try c.decode(String.self, forKey: .labID),
            sources: try c.decode([String].self, forKey: .sources),
            targets: try c.decode([ProbeTarget].self, forKey: .targets),
            results: try c.decode([ProbeResult].self, forKey: .results))
    }

    /// Encodes the matrix plus `passed` (exit status 0) and `disagreements` (a count), for readers of `--json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(labID, forKey: .labID)
        try c.encode(passed, forKey: .passed)
        try c.encode(disagreements.count, forKey: .disagreements)
        try c.encode(sources, forKey: .sources)
        try c.encode(targets, forKey: .targets)
        try c.encode(results, forKey: .results)
    }

    /// The probes whose outcome the analysis predicted wrongly: each is a bug in the lab or in trace.
    public var disagreements: [ProbeResult] { results.filter(\.isDisagreement) }

    /// True when every probe came out as expected (exit status 0 of `lab check`).
    public var passed: Bool { results.allSatisfy(\.isAsExpected) }

    /// The result of one probe.
    public func result(from source: String, to address: String) -> ProbeResult? {
        results.first { $0.source == source && $0.target.address == address }
    }
}
