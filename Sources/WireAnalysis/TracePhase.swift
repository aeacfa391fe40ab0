/// A moment in a network's life at which a trace's verdict is stated (docs/trace-json.md, "Phases").
///
/// Whether a peer behind NAT can be reached depends on time: until it sends, nobody knows its endpoint; once it
/// has sent, its peer knows it for as long as the NAT mapping lives; after that, only a PersistentKeepalive keeps
/// it (whitepaper section 6.5, "passive keepalive"; roaming, section 2.1). Three moments tell the whole story.
public enum TracePhase: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Right after every interface is up (wg-quick in name order, PreUp/PostUp run, first keepalives sent):
    /// only traffic sent at up counts - PersistentKeepalive, PostUp commands that send (`ping -c1 HUB`), the
    /// kernel's IPv6 router solicitations to a peer whose AllowedIPs cover ff02::2.
    case cold
    /// After every host has sent to each of its peers it can reach (each pinged everything): every endpoint a
    /// peer can learn from received traffic is learned, through relays too.
    case warm
    /// After NAT mappings expired with no traffic: an endpoint learned from a host behind NAT is stale unless
    /// that host sends PersistentKeepalive; endpoints of hosts not behind NAT stay valid.
    case idle

    /// What the phase means, for reports: `right after every interface is up`.
    public var condition: String {
        switch self {
        case .cold: return "right after every interface is up"
        case .warm: return "after every host has sent"
        case .idle: return "after NAT mappings expired with no keepalive"
        }
    }

    /// Phases in time order.
    public static func < (a: TracePhase, b: TracePhase) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Trace's verdict in one phase: delivered or dropped (and where), and the condition it holds under.
public struct PhaseVerdict: Hashable, Sendable, Codable {
    /// The phase.
    public var phase: TracePhase
    /// True when the packet and its reply both arrive in this phase.
    public var delivered: Bool
    /// When this holds, one sentence: the phase's moment, and what the verdict depends on (`alice/wg0 has sent
    /// (PostUp ping at alice/wg0.conf:5)`, `until alice's NAT mapping expires`).
    public var condition: String
    /// The verdict of this phase's walk.
    public var verdict: TraceVerdict
    /// Every hop of this phase's walk, forward then reply.
    public var hops: [TraceHop]

    /// A phase's verdict.
    public init(phase: TracePhase, condition: String, verdict: TraceVerdict, hops: [TraceHop]) {
        self.phase = phase
        self.delivered = verdict.delivered
        self.condition = condition
        self.verdict = verdict
        self.hops = hops
    }
}
