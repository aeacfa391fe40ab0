import WireConfig

/// One problem `wiresmith lint` found: a stable code, how bad it is, who and where, what is wrong and the fix.
///
/// The first host is the one the finding is grouped under (where the fix goes); the first location is the line to
/// edit. Messages name peers by `HOST/IFACE` and never print a private key.
public struct Finding: Hashable, Sendable {
    /// How bad a finding is. Ordered: `info < warning < error`.
    public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
        /// Worth knowing; nothing is broken by it alone.
        case info
        /// Breaks something in some situations, or is probably not what was meant.
        case warning
        /// Traffic is dropped or an interface fails to come up.
        case error

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .error: return 2
            }
        }

        /// Orders by how bad: `info < warning < error`.
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// The stable code (docs/lint.md).
    public var code: FindingCode
    /// How bad it is.
    public var severity: Severity
    /// Hosts involved; the first is where the fix goes.
    public var hosts: [String]
    /// Interfaces involved, as `HOST/IFACE`.
    public var interfaces: [Network.InterfaceID]
    /// Lines involved; the first is the one to edit.
    public var locations: [SourceLocation]
    /// What is wrong, in one or two sentences.
    public var message: String
    /// What to change.
    public var fix: String
    /// The fix as edits to config files, when it is one (`lint --fix` and the demo apply these); empty when the fix
    /// needs a decision or lives outside the configs (a firewall, a facts file).
    public var edits: [ConfigEdit] = []
    /// The traffic the finding says is dropped (source, destination), when the rule knows it: lint leaves the
    /// finding out when intent.yaml says every such pair must not reach (an intended isolation, docs/intent.md).
    public var pairs: [IntentPair] = []

    /// A finding; duplicate hosts and interfaces are dropped, keeping the first occurrence's order.
    public init(
        _ code: FindingCode, _ severity: Severity, hosts: [String], interfaces: [Network.InterfaceID] = [],
        locations: [SourceLocation], message: String, fix: String
    ) {
        self.code = code
        self.severity = severity
        var seen = Set<String>()
        self.hosts = hosts.filter { seen.insert($0).inserted }
        var seenIDs = Set<Network.InterfaceID>()
        self.interfaces = interfaces.filter { seenIDs.insert($0).inserted }
        self.locations = locations
        self.message = message
        self.fix = fix
    }

    /// The host the finding is grouped under.
    public var primaryHost: String { hosts.first ?? "" }

    /// The line to edit, when there is one.
    public var primaryLocation: SourceLocation? { locations.first }
}

/// Traffic from one party to another, as findings and the intent name it.
public struct IntentPair: Hashable, Sendable {
    /// Where the traffic starts.
    public var from: IntentParty
    /// Where it goes.
    public var to: IntentParty

    /// A pair.
    public init(from: IntentParty, to: IntentParty) {
        self.from = from
        self.to = to
    }
}

extension SourceLocation {
    /// `FILE:LINE`, the form findings print (columns are noise at this level); `FILE: PATH` for a setting of a
    /// doctor snapshot.
    public var fileLine: String { path.map { "\(file): \($0)" } ?? "\(file):\(line)" }
}
