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
        /// The internet router's test address (docs/trace-json.md, "Internet destinations"); `host` is `internet`.
        case internet
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

/// What the analysis (trace) predicts for one probe in one phase.
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

/// Asks the analysis for its verdict on "can `source` reach `target` in `phase`"; nil when it has none.
public typealias VerdictProvider = @Sendable (_ source: String, _ target: ProbeTarget, _ phase: LabPhase) -> Verdict?

/// One ping: from a host to an address of another host in one phase, what came back, what was predicted and
/// what was intended.
public struct ProbeResult: Codable, Sendable, Hashable {
    /// The host that pinged.
    public var source: String
    /// What it pinged.
    public var target: ProbeTarget
    /// When it pinged.
    public var phase: LabPhase
    /// Echo requests sent.
    public var sent: Int
    /// Echo replies received.
    public var received: Int
    /// The analysis's prediction, when one was asked for.
    public var verdict: Verdict?
    /// What the intent says the probe must do, when it says anything.
    public var expectation: ProbeExpectation?
    /// Why no ping was sent, or what else was seen (e.g. the address is the source's own too).
    public var note: String?

    /// True when at least one echo reply came back.
    public var answered: Bool { received > 0 }

    private enum CodingKeys: String, CodingKey {
        case source, target, phase, sent, received, verdict, expectation, note, answered, agrees, intentMet
    }

    /// A probe result.
    public init(
        source: String, target: ProbeTarget, phase: LabPhase = .cold, sent: Int, received: Int, verdict: Verdict?,
        expectation: ProbeExpectation? = nil, note: String? = nil
    ) {
        self.source = source
        self.target = target
        self.phase = phase
        self.sent = sent
        self.received = received
        self.verdict = verdict
        self.expectation = expectation
        self.note = note
    }

    /// Decodes what `encode(to:)` wrote (the derived fields are recomputed, not read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try c.decode(String.self, forKey: .source),
            target: try c.decode(ProbeTarget.self, forKey: .target),
            phase: try c.decodeIfPresent(LabPhase.self, forKey: .phase) ?? .cold,
            sent: try c.decode(Int.self, forKey: .sent), received: try c.decode(Int.self, forKey: .received),
            verdict: try c.decodeIfPresent(Verdict.self, forKey: .verdict),
            expectation: try c.decodeIfPresent(ProbeExpectation.self, forKey: .expectation),
            note: try c.decodeIfPresent(String.self, forKey: .note))
    }

    /// Encodes the stored fields plus `answered`, `agrees` (with a verdict) and `intentMet` (with an expectation).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(target, forKey: .target)
        try c.encode(phase, forKey: .phase)
        try c.encode(sent, forKey: .sent)
        try c.encode(received, forKey: .received)
        try c.encode(answered, forKey: .answered)
        try c.encodeIfPresent(verdict, forKey: .verdict)
        if verdict != nil { try c.encode(!isDisagreement, forKey: .agrees) }
        try c.encodeIfPresent(expectation, forKey: .expectation)
        if let expectation { try c.encode(expectation.isMet(answered: answered), forKey: .intentMet) }
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// True when the analysis predicted the opposite of what happened.
    public var isDisagreement: Bool { verdict.map { $0.reachable != answered } ?? false }

    /// True when the intent says what this probe must do and it did not.
    public var failsIntent: Bool { expectation.map { !$0.isMet(answered: answered) } ?? false }
}

/// The state of one WireGuard interface as the check found it.
public struct InterfaceState: Codable, Sendable, Hashable {
    /// The host.
    public var host: String
    /// The interface (`wg0`).
    public var name: String
    /// True when the interface existed through the whole check.
    public var up: Bool
    /// Why it is down: wg-quick's refusal (with file:line when known), or that it vanished during the check.
    public var reason: String?

    /// An interface state.
    public init(host: String, name: String, up: Bool, reason: String? = nil) {
        self.host = host
        self.name = name
        self.up = up
        self.reason = reason
    }
}

/// The exit status of `lab check`, with what each value means (README, docs/lab.md and `--help` say the same).
public enum CheckStatus: Int32, Codable, Sendable {
    /// Every intended pair answered and every intended isolation held, in every phase; trace predicted all of it.
    case passed = 0
    /// Some intended pair did not answer, or some intended isolation leaked, in some phase.
    case intentNotMet = 1
    /// The network is as intended, but trace predicted otherwise than measured on some probe: a defect of
    /// wiresmith.
    case traceDisagrees = 3
}

/// The result of `lab check`: every host's pings to every tunnel and LAN address of every other host, per phase.
public struct ReachabilityMatrix: Codable, Sendable {
    /// The run the probes ran in.
    public var labID: String
    /// Rows: the hosts that pinged, in host order.
    public var sources: [String]
    /// Columns: every address probed, in host order.
    public var targets: [ProbeTarget]
    /// The phases measured, in order.
    public var phases: [LabPhase]
    /// One result per probe, in source, target, then phase order.
    public var results: [ProbeResult]
    /// Every WireGuard interface of the lab: up, or down and why.
    public var interfaces: [InterfaceState]
    /// How long the check took, in seconds.
    public var seconds: Double

    /// A matrix.
    public init(
        labID: String, sources: [String], targets: [ProbeTarget], phases: [LabPhase] = [.cold],
        results: [ProbeResult], interfaces: [InterfaceState] = [], seconds: Double = 0
    ) {
        self.labID = labID
        self.sources = sources
        self.targets = targets
        self.phases = phases
        self.results = results
        self.interfaces = interfaces
        self.seconds = seconds
    }

    private enum CodingKeys: String, CodingKey {
        case labID, sources, targets, phases, results, interfaces, seconds, passed, status, disagreements, failures
    }

    /// Decodes what `encode(to:)` wrote (`passed`, `status` and the counts are recomputed, not read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            labID: try c.decode(String.self, forKey: .labID),
            sources: try c.decode([String].self, forKey: .sources),
            targets: try c.decode([ProbeTarget].self, forKey: .targets),
            phases: try c.decodeIfPresent([LabPhase].self, forKey: .phases) ?? [.cold],
            results: try c.decode([ProbeResult].self, forKey: .results),
            interfaces: try c.decodeIfPresent([InterfaceState].self, forKey: .interfaces) ?? [],
            seconds: try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0)
    }

    /// Encodes the matrix plus `status` (the exit status), `passed` (status 0), `failures` and `disagreements`
    /// (counts), for readers of `--json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(labID, forKey: .labID)
        try c.encode(status.rawValue, forKey: .status)
        try c.encode(passed, forKey: .passed)
        try c.encode(failures.count, forKey: .failures)
        try c.encode(disagreements.count, forKey: .disagreements)
        try c.encode(phases, forKey: .phases)
        try c.encode(sources, forKey: .sources)
        try c.encode(targets, forKey: .targets)
        try c.encode(interfaces, forKey: .interfaces)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(results, forKey: .results)
    }

    /// The probes whose outcome the analysis predicted wrongly: each is a defect of wiresmith (lab or trace).
    public var disagreements: [ProbeResult] { results.filter(\.isDisagreement) }

    /// The probes the intent asked otherwise of: an intended pair that did not answer, an isolation that leaked.
    public var failures: [ProbeResult] { results.filter(\.failsIntent) }

    /// The exit status: intent not met (1) before trace disagreeing (3) before passed (0).
    public var status: CheckStatus {
        if !failures.isEmpty { return .intentNotMet }
        if !disagreements.isEmpty { return .traceDisagrees }
        return .passed
    }

    /// True when the check's exit status is 0.
    public var passed: Bool { status == .passed }

    /// The result of one probe in one phase (the first phase measured by default).
    public func result(from source: String, to address: String, in phase: LabPhase? = nil) -> ProbeResult? {
        let p = phase ?? phases.first ?? .cold
        return results.first { $0.source == source && $0.target.address == address && $0.phase == p }
    }

    /// The results of one probe in every phase measured, in phase order.
    public func results(from source: String, to target: ProbeTarget) -> [ProbeResult] {
        results.filter { $0.source == source && $0.target == target }.sorted { $0.phase < $1.phase }
    }
}
