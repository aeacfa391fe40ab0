import WireAnalysis

/// One step doctor took on an interface or peer, and how it went.
public struct DoctorStep: Hashable, Sendable {
    /// pass: nothing wrong; warn: a warning finding; fail: an error finding.
    public enum Status: String, Hashable, Sendable, Comparable {
        case pass, warn, fail
        private var rank: Int { self == .pass ? 0 : self == .warn ? 1 : 2 }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// The interface.
    public var interface: String
    /// The peer (public key, base64), for a per-peer step.
    public var peer: String?
    /// What was checked: `interface`, `keys`, `udp`, `firewall`, `routes`, `forwarding`, `wg-quick`, `lan`,
    /// `handshake`, `traffic`.
    public var name: String
    /// How it went.
    public var status: Status
    /// What was seen, in a few words.
    public var detail: String
    /// The findings of this step.
    public var findings: [DoctorFinding]

    /// A step; its status follows from the worst finding (info findings leave it passed).
    public init(interface: String, peer: String? = nil, name: String, detail: String, findings: [DoctorFinding]) {
        self.interface = interface
        self.peer = peer
        self.name = name
        self.detail = detail
        self.findings = findings
        let worst = findings.map(\.severity).max()
        status = worst == .error ? .fail : worst == .warning ? .warn : .pass
    }
}

/// What doctor found on one host: the steps in order and their findings.
public struct DoctorReport: Sendable {
    /// The host name from the snapshot.
    public var host: String
    /// When the snapshot was taken (Unix seconds).
    public var takenAt: Int
    /// Every step, interface by interface, peers after their interface.
    public var steps: [DoctorStep]
    /// Sources that could not be read (a check that needed them said so in its detail).
    public var errors: [String: String]
    /// What `--fix` applied before this report was taken, with the error of each that failed (nil: applied).
    public var fixes: [(fix: DoctorFix, error: String?)] = []

    /// Every finding of every step.
    public var findings: [DoctorFinding] { steps.flatMap(\.findings) }

    /// 0 when no step warned or failed, 1 otherwise (the CLI's exit status; 2 is for "could not run").
    public var exitStatus: Int32 { steps.contains { $0.status != .pass } ? 1 : 0 }
}
