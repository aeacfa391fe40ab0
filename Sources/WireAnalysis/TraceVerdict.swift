import WireConfig

/// How a trace ended: delivered both ways, or dropped at one step of one hop.
public struct TraceVerdict: Hashable, Sendable, Codable {
    /// True when the packet reached the destination and its reply came back.
    public var delivered: Bool
    /// The hop that dropped the packet (its `number`); nil when delivered.
    public var hop: Int?
    /// The dropping hop's direction; nil when delivered.
    public var direction: TraceDirection?
    /// The dropping hop's host; nil when delivered.
    public var host: String?
    /// The failed check; nil when delivered.
    public var check: TraceCheck?
    /// The setting at fault (`AllowedIPs`, `net.ipv4.ip_forward`, ...).
    public var setting: String?
    /// Where the setting is written; nil when it is written nowhere (see `notSetIn`).
    public var location: TraceLocation?
    /// The file where the missing setting belongs.
    public var notSetIn: String?
    /// What happened, one sentence.
    public var reason: String
    /// What to change, one sentence; nil when delivered.
    public var fix: String?

    /// The verdict of a trace whose packet and reply both arrived.
    public static func deliveredBothWays(_ reason: String) -> TraceVerdict {
        TraceVerdict(
            delivered: true, hop: nil, direction: nil, host: nil, check: nil, setting: nil, location: nil,
            notSetIn: nil, reason: reason, fix: nil)
    }

    /// The verdict for a failed step of a hop.
    public static func dropped(at hop: TraceHop, step: TraceStep) -> TraceVerdict {
        TraceVerdict(
            delivered: false, hop: hop.number, direction: hop.direction, host: hop.host,
            check: step.check, setting: step.setting, location: step.location, notSetIn: step.notSetIn,
            reason: step.detail, fix: step.fix)
    }

    /// `dropped at hop 2 (hub, forward) by AllowedIPs in hub/wg0.conf:12: ...`, or `delivered: ...`.
    public var summary: String {
        guard !delivered, let hop, let direction, let host else { return "delivered: \(reason)" }
        var place = ""
        if let setting { place += " by \(setting)" }
        if let location {
            place += " in \(location)"
        } else if let notSetIn {
            place += " (not set; belongs in \(notSetIn))"
        }
        return "dropped at hop \(hop) (\(host), \(direction.rawValue))\(place): \(reason)"
    }
}

/// The whole answer of `wiresmith trace`: the resolved endpoints, a verdict per phase, the headline verdict and
/// its hops, what the intent expects, and notes.
public struct TraceResult: Hashable, Sendable, Codable {
    /// Schema version of the JSON form (docs/trace-json.md): 2 since verdicts are per phase.
    public var schema: Int = 2
    /// FROM as given.
    public var from: String
    /// TO as given.
    public var to: String
    /// The addresses the packet starts with.
    public var source: String
    /// The destination address the packet starts with.
    public var destination: String
    /// The headline phase's hops (see `verdict`), forward then reply.
    public var hops: [TraceHop]
    /// The headline verdict: the first phase (cold, warm, idle) that drops the packet, else delivered.
    public var verdict: TraceVerdict
    /// One verdict per phase, in time order (cold, warm, idle).
    public var phases: [PhaseVerdict]
    /// When the packet gets through, in one sentence: `always`, `never`, or e.g. `only after alice has sent,
    /// until its NAT mapping expires (no PersistentKeepalive)`.
    public var condition: String
    /// What the network's intent says about this pair (docs/intent.md).
    public var intent: TraceIntent
    /// Assumptions made and hook commands not understood on the hosts visited.
    public var notes: [String]

    /// The verdict of one phase.
    public func phase(_ p: TracePhase) -> PhaseVerdict? { phases.first { $0.phase == p } }

    /// True when every phase delivers.
    public var deliveredAlways: Bool { phases.allSatisfy(\.delivered) }
}

/// The intent's expectation for a traced pair, as the JSON carries it.
public struct TraceIntent: Hashable, Sendable, Codable {
    /// `mustReach` or `mustNotReach`.
    public var expect: IntentExpectation.Kind
    /// The deciding rule and where it is written, or `default` (no intent file, or no rule names the pair).
    public var rule: String
    /// True when the verdicts agree with the intent: delivered in every phase for `mustReach`, in none for
    /// `mustNotReach`.
    public var met: Bool

    /// The intent for a pair, judged against its phase verdicts.
    public init(_ e: IntentExpectation, phases: [PhaseVerdict]) {
        expect = e.kind
        rule = e.rule.map { r in r.summary + (r.location.map { " at \($0.fileLine)" } ?? "") } ?? "default"
        met = e.kind == .mustReach ? phases.allSatisfy(\.delivered) : !phases.contains(where: \.delivered)
    }
}

/// Why a trace could not start; the CLI exits 2 on these.
public enum TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// FROM or TO is neither a host name nor a tunnel/LAN address of the network.
    case unknownNode(String)
    /// The host has no tunnel address of the needed family to send from or to.
    case noAddress(host: String, family: IPFamily)
    /// FROM and TO are the same machine.
    case sameNode(String)
    /// FROM and TO are addresses of different families (IPv4 and IPv6).
    case familyMismatch(from: String, to: String)

    /// What went wrong, for stderr.
    public var description: String {
        switch self {
        case .unknownNode(let s):
            return "`\(s)` is neither a host of the network nor one of its tunnel or LAN addresses"
        case .noAddress(let h, let f):
            return "host \(h) has no \(f == .ipv4 ? "IPv4" : "IPv6") tunnel address (no Address line) to trace with"
        case .sameNode(let s): return "`\(s)`: FROM and TO are the same machine"
        case .familyMismatch(let f, let t): return "`\(f)` and `\(t)` are of different address families"
        }
    }
}
