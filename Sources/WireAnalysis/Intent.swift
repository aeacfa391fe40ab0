import Foundation
import WireConfig

/// Who must and who must not reach whom in a network: the `intent.yaml` at a network directory's root
/// (format: docs/intent.md).
///
/// Without the file every tunnel address must reach every other (`Intent()`, `isStated == false`). With it, the
/// first rule whose two sides match a pair decides; a pair no rule matches gets `defaultExpectation`. lint, trace and
/// `lab check` read the same value; `plan` writes it with `IntentPrinter`.
public struct Intent: Hashable, Sendable {
    /// The format version; 1.
    public var version: Int
    /// What a pair no rule names must do (`default: reach`, the default, or `default: deny`).
    public var defaultExpectation: IntentExpectation.Kind
    /// Named sets of members, in file order.
    public var groups: [IntentGroup]
    /// Rules in file order; the first matching one decides.
    public var rules: [IntentRule]
    /// The file read, nil for the implicit intent of a network without one.
    public var file: String?

    /// An intent; the default is "every tunnel address reaches every other", stated nowhere.
    public init(
        version: Int = 1, defaultExpectation: IntentExpectation.Kind = .mustReach, groups: [IntentGroup] = [],
        rules: [IntentRule] = [], file: String? = nil
    ) {
        self.version = version
        self.defaultExpectation = defaultExpectation
        self.groups = groups
        self.rules = rules
        self.file = file
    }

    /// True when the network directory holds an intent file (lint checks stated intent only).
    public var isStated: Bool { file != nil }

    /// The group with this name.
    public func group(_ name: String) -> IntentGroup? { groups.first { $0.name == name } }
}

/// A named set of members (`wg0-clients: [clients of hub/wg0]`).
public struct IntentGroup: Hashable, Sendable {
    /// The group's name, used by rules.
    public var name: String
    /// Its members, in file order.
    public var members: [IntentMember]
    /// Where the group is defined.
    public var location: SourceLocation?

    /// A group.
    public init(name: String, members: [IntentMember], location: SourceLocation? = nil) {
        self.name = name
        self.members = members
        self.location = location
    }
}

/// One member of a group, or one side of a rule, as written (`alice`, `hub/wg0`, `10.0.0.5`, `10.0.0.0/24`,
/// `clients of hub/wg0`, or a group name on a rule side).
public enum IntentMember: Hashable, Sendable, CustomStringConvertible {
    /// Every address of a host: `alice`.
    case host(String)
    /// The tunnel addresses of one interface: `hub/wg0`.
    case interface(host: String, name: String)
    /// Tunnel or LAN addresses inside a prefix: `10.0.0.5` (a /32 or /128) or `10.0.0.0/24`.
    case prefix(IPPrefix)
    /// The interfaces of other hosts that peer with one interface (its clients): `clients of hub/wg0`.
    case clientsOf(host: String, name: String)
    /// A group defined under `groups:` (only on a rule side, or inside another group).
    case group(String)

    /// Reads a member as written. A bare word is a group when `groups` defines it, else a host.
    public init?(_ text: String, groups: Set<String>) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        if t.lowercased().hasPrefix("clients of ") {
            let rest = t.dropFirst("clients of ".count).trimmingCharacters(in: .whitespaces)
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self = .clientsOf(host: String(parts[0]), name: String(parts[1]))
            return
        }
        if let p = IPPrefix(t) {
            self = .prefix(p)
            return
        }
        if let a = IPAddress(t) {
            self = .prefix(IPPrefix.host(a))
            return
        }
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
            self = .interface(host: String(parts[0]), name: String(parts[1]))
            return
        }
        guard parts.count == 1, !t.contains(" ") else { return nil }
        self = groups.contains(t) ? .group(t) : .host(t)
    }

    /// The member as written in the file.
    public var description: String {
        switch self {
        case .host(let h): return h
        case .interface(let h, let i): return "\(h)/\(i)"
        case .prefix(let p): return p.length == p.address.bitWidth ? p.address.description : p.description
        case .clientsOf(let h, let i): return "clients of \(h)/\(i)"
        case .group(let g): return g
        }
    }
}

/// One rule: a pair of sides and what traffic between them must do.
public struct IntentRule: Hashable, Sendable {
    /// `allow` (must reach) or `deny` (must not reach; `isolate` is a two-way `deny`).
    public var expectation: IntentExpectation.Kind
    /// The sending side.
    public var from: IntentMember
    /// The receiving side.
    public var to: IntentMember
    /// True when the rule holds in both directions (`[A, B]` and `isolate`); false for `{from: A, to: B}`.
    public var bothWays: Bool
    /// The keyword used (`allow`, `deny` or `isolate`), kept so the printer writes it back.
    public var keyword: String
    /// Where the rule is written.
    public var location: SourceLocation?

    /// A rule.
    public init(
        _ expectation: IntentExpectation.Kind, from: IntentMember, to: IntentMember, bothWays: Bool = true,
        keyword: String? = nil, location: SourceLocation? = nil
    ) {
        self.expectation = expectation
        self.from = from
        self.to = to
        self.bothWays = bothWays
        self.keyword = keyword ?? (expectation == .mustReach ? "allow" : "deny")
        self.location = location
    }

    /// `allow hub/wg0 <-> office`, for messages.
    public var summary: String { "\(keyword) \(from) \(bothWays ? "<->" : "->") \(to)" }
}

/// What the intent says about traffic from one party to another, and which rule (or the default) says it.
public struct IntentExpectation: Hashable, Sendable {
    /// Must reach or must not reach.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Packets from the source must arrive and be answered.
        case mustReach
        /// Packets from the source must not arrive (an isolation).
        case mustNotReach
    }

    /// What must happen.
    public var kind: Kind
    /// The deciding rule; nil when no rule names the pair and the default decides.
    public var rule: IntentRule?

    /// An expectation.
    public init(_ kind: Kind, rule: IntentRule? = nil) {
        self.kind = kind
        self.rule = rule
    }

    /// `must reach (default)`, `must not reach (isolate wg0-clients <-> wg1-clients at intent.yaml:7)`.
    public var summary: String {
        let what = kind == .mustReach ? "must reach" : "must not reach"
        guard let rule else { return "\(what) (default)" }
        let at = rule.location.map { " at \($0.fileLine)" } ?? ""
        return "\(what) (\(rule.summary)\(at))"
    }
}

/// One end of a pair the intent is asked about: a host, and the address used when known.
public struct IntentParty: Hashable, Sendable {
    /// The host's name.
    public var host: String
    /// The address the traffic starts from or goes to; nil means "the host as a whole".
    public var address: IPAddress?

    /// A party.
    public init(host: String, address: IPAddress? = nil) {
        self.host = host
        self.address = address
    }
}
