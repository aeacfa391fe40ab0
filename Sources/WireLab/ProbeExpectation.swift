/// What the network's intent says one probe must do: answer, or stay unanswered (issue 13, "Intent").
///
/// Without an intent file every address (tunnel and LAN) must reach every other, in every phase (docs/intent.md).
public struct ProbeExpectation: Codable, Sendable, Hashable {
    /// Must answer, or must not.
    public enum Kind: String, Codable, Sendable {
        /// The probe must be answered in every phase.
        case mustReach
        /// The probe must stay unanswered in every phase (an intended isolation).
        case mustNotReach
    }

    /// Must answer, or must not.
    public var kind: Kind
    /// Which rule says so (`default: every tunnel address reaches every other`, or a rule of intent.yaml).
    public var rule: String

    /// An expectation.
    public init(_ kind: Kind, rule: String) {
        self.kind = kind
        self.rule = rule
    }

    /// True when `answered` is what this expectation asks for.
    public func isMet(answered: Bool) -> Bool { answered == (kind == .mustReach) }

    /// The rule used when a network states no intent.
    public static let defaultRule = "default: every address reaches every other"
}

/// Asks the network's intent what a probe must do; nil when the intent says nothing about it.
public typealias ExpectationProvider = @Sendable (_ source: String, _ target: ProbeTarget) -> ProbeExpectation?

/// The expectations of a network that states no intent.
public enum DefaultExpectations {
    /// Every address must be reached from every other host that has an address of its family.
    public static let provider: ExpectationProvider = { _, _ in
        ProbeExpectation(.mustReach, rule: ProbeExpectation.defaultRule)
    }
}
