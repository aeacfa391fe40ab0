import Testing
import WireAnalysis
import WireConfig

/// Lint and trace read the same network, and each is held against a verdict stated here, worked out by reading the
/// configs: so the two cannot pass by being wrong together. Where the expected trace drops, lint must report the
/// expected code in the blamed host's files, and name the line trace drops at (or, for a setting written nowhere,
/// the same file); where it is delivered, lint has no error.
@Suite struct LintTraceAgreementTests {
    /// What a trace from one host to another must conclude.
    enum Expected: Sendable, CustomStringConvertible {
        /// The packet arrives and the reply comes back.
        case delivered
        /// Dropped because of `setting` on `host` (trace's blame), which lint reports as `lint`.
        case dropped(host: String, setting: String, lint: FindingCode)

        var description: String {
            switch self {
            case .delivered: return "delivered"
            case .dropped(let host, let setting, let code): return "dropped at \(host) by \(setting) (lint: \(code))"
            }
        }
    }

    static let cases: [(network: String, from: String, to: String, expected: Expected)] = [
        // Both clients route both subnets into the hub, which forwards: healthy.
        ("lint-two-hub", "alice", "bob", .delivered),
        // alice's AllowedIPs lack wg1's 10.1.0.0/24: the packet never enters her tunnel.
        (
            "lint-two-hub-missing-subnet", "alice", "bob",
            .dropped(host: "alice", setting: "AllowedIPs", lint: .asymmetricAllowedIPs)
        ),
        // Nothing turns on IP forwarding on the hub (Linux's default is off), so it cannot relay wg0 -> wg1.
        (
            "lint-two-hub-no-forwarding", "alice", "bob",
            .dropped(host: "hub", setting: "net.ipv4.ip_forward", lint: .forwardingDisabled)
        ),
        // alice names hub/wg1's public key for the endpoint of hub/wg0: no handshake completes.
        ("lint-two-hub-swapped-key", "alice", "bob", .dropped(host: "alice", setting: "PublicKey", lint: .keyMismatch)),
        // alice routes only the hub's own 10.0.0.1/32 into the tunnel, not bob's 10.0.0.3.
        (
            "lint-single-hub-32", "alice", "bob",
            .dropped(host: "alice", setting: "AllowedIPs", lint: .clientToClientBlocked)
        ),
        // Each gateway routes the other site's LAN; the LANs reach each other.
        ("lint-site-to-site", "192.168.10.5", "192.168.20.5", .delivered),
        // The laptop has a direct peer for gw2's 10.30.0.1/32, and gw2 accepts the laptop's 10.20.0.2/32.
        ("lint-gateway", "laptop", "gw2", .delivered),
    ]

    @Test(arguments: Self.cases.indices)
    func lintAndTraceMeetTheStatedVerdict(index: Int) throws {
        let (name, from, to, expected) = Self.cases[index]
        let network = try LintFixtures.load(name)
        let report = LintFixtures.lint(network)
        let verdict = try Tracer(network: network).trace(from: from, to: to).verdict
        let context =
            "\(name) \(from) -> \(to), expected \(expected)\ntrace: \(verdict.summary)\nlint:\n\(report.text())"
        switch expected {
        case .delivered:
            #expect(verdict.delivered, "\(context)")
            #expect(!report.hasErrors, "\(context)")
        case .dropped(let host, let setting, let code):
            #expect(!verdict.delivered && verdict.host == host && verdict.setting == setting, "\(context)")
            let reported = report.findings.filter { f in
                f.code == code && f.locations.contains { $0.file.contains("/\(name)/\(host)/") }
            }
            #expect(!reported.isEmpty, "lint does not report \(code) in \(host)'s files\n\(context)")
            // And lint points where trace does: the same line, or for a setting written nowhere, the same file.
            if let loc = verdict.location {
                let named = report.findings.contains { f in
                    f.locations.contains { $0.file == loc.file && $0.line == loc.line }
                }
                #expect(named, "\(context)")
            } else if let file = verdict.notSetIn {
                #expect(report.findings.contains { f in f.locations.contains { $0.file == file } }, "\(context)")
            } else {
                Issue.record("trace drops without naming where\n\(context)")
            }
        }
    }
}
