import Foundation
import Testing
import WireTestSupport

/// `wiresmith lint --fix`, run as a user runs it: the fixes applied to the files, the report of the fixed network,
/// exit status 0 once nothing is left.
@Suite struct LintFixCommandTests {
    static let root = TestTools.packageRoot
    /// Runs when the CLI is built, and always under WIRESMITH_REQUIRE_LAB=1 (then a missing binary fails).
    static let built = TestTools.shouldRun([], binaries: ["wiresmith"])

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let output = try TestTools.run([binary] + args, environment: ["NO_COLOR": "1"])
        return (output.status, output.stdoutText, output.stderrText)
    }

    @Test(.enabled(if: built)) func fixAppliesTheEditsAndReportsTheFixedNetwork() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("ws-lintfix-cli-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(atPath: dir) }
        let net = dir + "/net"
        try fm.copyItem(atPath: Self.root.appendingPathComponent("examples/two-hub-broken").path, toPath: net)

        let before = try run(["lint", net])
        #expect(before.status == 1)
        #expect(before.out.contains("(lint --fix applies it)"))

        let fixed = try run(["lint", "--fix", net])
        #expect(fixed.status == 0, "\(fixed.out)\(fixed.err)")
        #expect(fixed.err.contains("fixed: \(net)/alice/wg0.conf: add 10.1.0.0/24 to AllowedIPs"))
        #expect(fixed.err.contains("fixed: \(net)/hub/wg0.conf: add `PostUp = sysctl -w net.ipv4.ip_forward=1`"))
        let alice = try String(contentsOfFile: net + "/alice/wg0.conf", encoding: .utf8)
        #expect(alice.contains("AllowedIPs = 10.0.0.0/24, 10.1.0.0/24\n"))
        #expect(alice.hasPrefix("# alice: a client of the hub's wg0\n"))  // comments kept
        let mode = try fm.attributesOfItem(atPath: net + "/alice/wg0.conf")[.posixPermissions] as? Int
        #expect(mode == 0o600)  // it holds a private key

        let again = try run(["lint", "--fix", net])
        #expect(again.status == 0 && again.err.isEmpty)  // nothing left to edit
    }
}
