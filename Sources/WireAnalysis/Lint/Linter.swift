import Foundation

/// One check of a whole network: what it finds is stated in its type's doc comment and in docs/lint.md.
public protocol LintRule: Sendable {
    /// The codes this rule reports.
    var codes: [FindingCode] { get }
    /// Every finding of this rule in the network.
    func check(_ context: LintContext) -> [Finding]
}

/// Runs lint rules over a network and collects their findings, sorted by host and line.
///
/// Every rule sees the whole network at once (through `LintContext`) and must stay near-linear in its size: a hub
/// with 10,000 peers is linted in well under a second.
public struct Linter: Sendable {
    /// Every rule wiresmith has, in the order their findings are documented.
    public static var allRules: [any LintRule] {
        [
            ConfigInvalidRule(), KeyMismatchRule(), PeerNotMutualRule(), DuplicateKeyRule(),
            MissingPeerHeaderRule(), DuplicatePeerRule(), AllowedIPsOverlapRule(), AllowedIPsEmptyRule(),
            AddressNotAllowedRule(), ClientToClientBlockedRule(), AsymmetricAllowedIPsRule(), SubnetNotRoutedRule(),
            KeepaliveMissingRule(), KeepaliveLongerThanNATTimeoutRule(), NoInitiatorRule(), EndpointMismatchRule(),
            DuplicateAddressRule(),
            PSKMismatchRule(), ForwardingDisabledRule(), ForwardBlockedRule(), MasqueradeCheckRule(),
            LANMasqueradeRule(),
            OverlappingLANsRule(),
            PostUpMayFailRule(), MTUTooLargeRule(), ListenPortCollisionRule(), InterfaceWithoutAddressRule(),
            InterfacesIsolatedRule(), RouteConflictRule(), InterfaceDownRule(), HostFilterRule(), RpFilterRule(),
            IntentCheckRule(),
        ]
    }

    /// The rules this linter runs, in order.
    public var rules: [any LintRule]

    /// A linter running `rules` (all of them by default).
    public init(rules: [any LintRule] = Linter.allRules) {
        self.rules = rules
    }

    /// Lints the network: every rule's findings, sorted by host, file, line and code.
    public func lint(_ network: Network) -> LintReport {
        lint(LintContext(network: network))
    }

    /// Lints the network of a context already built (so a caller can keep the context, or time its building).
    public func lint(_ context: LintContext) -> LintReport {
        let network = context.network
        // Rules are independent and read-only: run them on every core.
        final class Slots: @unchecked Sendable {
            var items: [[Finding]]
            let lock = NSLock()
            init(_ n: Int) { items = Array(repeating: [], count: n) }
        }
        let slots = Slots(rules.count)
        let rules = self.rules
        DispatchQueue.concurrentPerform(iterations: rules.count) { n in
            let found = rules[n].check(context)
            slots.lock.lock()
            slots.items[n] = found
            slots.lock.unlock()
        }
        var findings = slots.items.flatMap { $0 }
        // A doctor snapshot is a record of a running host, not a file to edit: its fixes stay advice.
        let snapshots = Set(network.allInterfaces.filter { $0.config.interface.origin?.path != nil }.map(\.file))
        if !snapshots.isEmpty {
            for n in findings.indices { findings[n].edits.removeAll { snapshots.contains($0.file) } }
        }
        if network.intent.isStated {
            // An intended isolation that holds is no fault: drop findings about traffic the intent forbids.
            findings.removeAll { f in
                !f.pairs.isEmpty
                    && f.pairs.allSatisfy { network.expectation(from: $0.from, to: $0.to).kind == .mustNotReach }
            }
        }
        return LintReport(findings: findings)
    }
}

/// The findings of one lint run, sorted, with the counts the CLI's summary line and exit code use.
public struct LintReport: Sendable {
    /// Findings sorted by primary host, primary file and line, then code.
    public var findings: [Finding]

    /// Sorts `findings` into report order.
    public init(findings: [Finding]) {
        self.findings = findings.sorted { a, b in
            let la = a.primaryLocation
            let lb = b.primaryLocation
            return (a.primaryHost, la?.file ?? "", la?.line ?? 0, a.code.rawValue, a.message)
                < (b.primaryHost, lb?.file ?? "", lb?.line ?? 0, b.code.rawValue, b.message)
        }
    }

    /// How many findings have this severity.
    public func count(_ severity: Finding.Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// True when any finding is an error: the CLI then exits 1.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// The findings of at least `minimum` severity.
    public func filtered(minimum: Finding.Severity) -> LintReport {
        LintReport(findings: findings.filter { $0.severity >= minimum })
    }

    /// The findings with this code.
    public func findings(_ code: FindingCode) -> [Finding] { findings.filter { $0.code == code } }
}
