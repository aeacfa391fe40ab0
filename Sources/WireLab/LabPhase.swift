/// When, in a network's life, a probe is made (issue 13, "Time in the model").
///
/// A host behind NAT without PersistentKeepalive is unreachable until it has sent, reachable while its NAT mapping
/// lives, and unreachable again once the mapping has expired. `lab check` measures every pair in each phase, in this
/// order, and compares each with trace's verdict for the same phase.
public enum LabPhase: String, Codable, Sendable, CaseIterable, Comparable {
    /// Right after `up`: only what PersistentKeepalive and PostUp commands send has been sent.
    case cold
    /// After every host has sent to every peer it has an endpoint for.
    case warm
    /// After the NAT mappings that no PersistentKeepalive refreshes have expired.
    case idle

    /// One letter for the matrix cell (`c`, `w`, `i`).
    public var letter: Character { rawValue.first! }

    /// Cold before warm before idle.
    public static func < (a: LabPhase, b: LabPhase) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
