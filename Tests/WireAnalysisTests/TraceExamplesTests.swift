import Foundation
import Testing

@testable import WireAnalysis

/// The repository's examples/ networks trace as their READMEs say.
@Suite struct TraceExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardizedFileURL.path

    /// (example, FROM, TO, nil when delivered or the failing hop and check).
    static let cases: [(String, String, String, (Int, TraceCheck)?)] = [
        ("two-hub", "alice", "bob", nil),
        ("two-hub", "bob", "alice", nil),
        ("two-hub-broken", "alice", "bob", (1, .route)),
        ("two-hub-broken", "bob", "alice", (2, .forwarding)),
        ("two-hub-missing-subnet", "alice", "bob", (1, .route)),
        ("two-hub-missing-subnet", "bob", "alice", (3, .source)),
        ("two-hub-no-forwarding", "alice", "bob", (2, .forwarding)),
        ("single-hub-32", "alice", "bob", (1, .route)),
        ("single-hub-32", "alice", "hub", nil),
        ("site-to-site", "192.168.10.5", "192.168.20.7", nil),
        ("nat-client", "gw", "laptop", nil),
        ("nat-client-no-keepalive", "gw", "laptop", (1, .endpoint)),
        ("nat-client-no-keepalive", "laptop", "gw", nil),
        ("ipv6-hub", "carol", "dave", nil),
    ]

    @Test("examples", arguments: cases)
    func example(_ c: (String, String, String, (Int, TraceCheck)?)) throws {
        let dir = Self.examples + "/" + c.0
        try #require(FileManager.default.fileExists(atPath: dir), "missing example \(c.0)")
        let r = try Tracer(network: NetworkLoader().load(directory: dir)).trace(from: c.1, to: c.2)
        if let (hop, check) = c.3 {
            #expect(r.verdict.hop == hop && r.verdict.check == check, "\(c.0): \(r.verdict.summary)")
        } else {
            #expect(r.verdict.delivered, "\(c.0): \(r.verdict.summary)")
        }
    }
}
