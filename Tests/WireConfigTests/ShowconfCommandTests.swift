import Foundation
import Testing

@testable import WireConfig

/// `wiresmith showconf FILE` as built: output on stdout, every problem on stderr as FILE:LINE:COL, exit status.
@Suite struct ShowconfCommandTests {
    /// Runs when the CLI is built, and always under WIRESMITH_REQUIRE_LAB=1 (then a missing binary fails).
    static let binaryBuilt = FileManager.default.isExecutableFile(atPath: Tools.wiresmith) || Tools.labRequired

    func withFile(_ text: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wiresmith-\(UUID()).conf").path
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test(.enabled(if: binaryBuilt)) func printsTheDeviceViewAndWarnings() throws {
        let text =
            "[Interface]\nListenPort = 51820\nAddress = 10.0.0.1/24\n[Peer]\nPublicKey = \(TestKeys.a.base64)\n"
            + "AllowedIPs = 10.0.0.9/24\n"
        try withFile(text) { path in
            let out = try Tools.run([Tools.wiresmith, "showconf", path])
            #expect(out.status == 0)
            #expect(
                out.stdout == "[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = \(TestKeys.a.base64)\n"
                    + "AllowedIPs = 10.0.0.0/24\n")
            #expect(
                out.stderr == "\(path):6:14: warning: AllowedIPs: `10.0.0.9/24` has host bits set; it is taken "
                    + "as 10.0.0.0/24, as wg does\n")
        }
    }

    @Test(.enabled(if: binaryBuilt)) func ownKeyPeerIsLeftOutWithAWarningAsWgDoes() throws {
        // wg setconf accepts a [Peer] with the interface's own public key and ignores it; showconf prints the rest.
        let text =
            "[Interface]\nPrivateKey = \(TestKeys.priv.base64)\nListenPort = 51820\n[Peer]\nPublicKey = "
            + "\(TestKeys.priv.publicKey.base64)\nAllowedIPs = 10.0.0.2/32\n[Peer]\nPublicKey = \(TestKeys.a.base64)\n"
            + "AllowedIPs = 10.0.0.3/32\n"
        try withFile(text) { path in
            let out = try Tools.run([Tools.wiresmith, "showconf", path])
            #expect(out.status == 0)
            #expect(!out.stdout.contains(TestKeys.priv.publicKey.base64))
            #expect(out.stdout.contains("PublicKey = \(TestKeys.a.base64)\nAllowedIPs = 10.0.0.3/32\n"))
            #expect(out.stderr.hasPrefix("\(path):5:1: warning: PublicKey: is this interface's own public key"))
            #expect(!out.stderr.contains(TestKeys.priv.base64))
        }
    }

    @Test(.enabled(if: binaryBuilt)) func everyErrorGoesToStderrWithExitStatusOne() throws {
        try withFile("[Interface]\nListenPort = 70000\nFoo = 1\n[Peer]\nPublicKey = nope\n") { path in
            let out = try Tools.run([Tools.wiresmith, "showconf", path])
            #expect(out.status == 1)
            #expect(out.stdout.isEmpty)
            let lines = out.stderr.split(separator: "\n").map(String.init)
            #expect(
                lines.map { $0.split(separator: ":").prefix(3).joined(separator: ":") }
                    == ["\(path):2:14", "\(path):3:1", "\(path):4:1", "\(path):5:13"])
        }
    }

    @Test(.enabled(if: binaryBuilt)) func readsStandardInputAndReportsUnreadableFiles() throws {
        let ok = try Tools.run([Tools.wiresmith, "showconf", "-"], input: Data("[Interface]\nListenPort = 1\n".utf8))
        #expect(ok.status == 0 && ok.stdout == "[Interface]\nListenPort = 1\n\n")
        let missing = try Tools.run([Tools.wiresmith, "showconf", "/nonexistent/wg0.conf"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "/nonexistent/wg0.conf: no such file\n")
    }

    @Test(.enabled(if: binaryBuilt)) func helpDocumentsExitStatus() throws {
        let help = try Tools.run([Tools.wiresmith, "showconf", "--help"])
        #expect(help.stdout.contains("Exit status: 0 printed; 1 the file cannot be read"))
        let usage = try Tools.run([Tools.wiresmith, "showconf"])
        #expect(usage.status == 64)
    }
}

extension ShowconfCommandTests {
    /// A 64-character label is not a DNS name, so the resolver fails at once, without asking any server.
    @Test(.enabled(if: binaryBuilt)) func unresolvableNamesAreReportedWithParseErrors() throws {
        let name = String(repeating: "a", count: 64) + ".test"
        try withFile(
            "[Interface]\nListenPort = x\n[Peer]\nPublicKey = \(TestKeys.a.base64)\n"
                + "Endpoint = \(name):1\n"
        ) { path in
            let out = try Tools.run([Tools.wiresmith, "showconf", path])
            #expect(out.status == 1)
            let lines = out.stderr.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("\(path):2:14: ListenPort: ") == true)
            #expect(lines.last?.hasPrefix("\(path):5:1: Endpoint: cannot resolve `\(name)`: ") == true)
        }
    }
}
