import Foundation
import Testing
import WireCrypto
import WireTestSupport

@testable import WireConfig

/// `wiresmith genkey`, `genpsk` and `pubkey`, run as built, against wg's genkey.c and pubkey.c behaviour.
@Suite struct KeyToolTests {
    /// Runs when the CLI is built, and always under WIRESMITH_REQUIRE_LAB=1 (then a missing binary fails).
    static let binaryBuilt = Tools.shouldRun([], needsRoot: false)

    func wiresmith(_ arguments: [String], input: String = "") throws -> Tools.Output {
        try Tools.run([Tools.wiresmith] + arguments, input: Data(input.utf8))
    }

    @Test(.enabled(if: binaryBuilt)) func genkeyPrintsAClampedKeyAndANewline() throws {
        let out = try wiresmith(["genkey"])
        #expect(out.status == 0)
        #expect(out.stdout.utf8.count == 45 && out.stdout.hasSuffix("=\n"))
        let key = try #require(WireKey(base64: String(out.stdout.dropLast())))
        #expect(key == key.clamped)
    }

    @Test(.enabled(if: binaryBuilt)) func genpskPrintsThirtyTwoRandomBytes() throws {
        let one = try wiresmith(["genpsk"])
        let two = try wiresmith(["genpsk"])
        #expect(one.status == 0 && WireKey(base64: String(one.stdout.dropLast())) != nil)
        #expect(one.stdout != two.stdout)
    }

    /// The same message wg prints for each input (checked against `wg pubkey` 1.0.20210914), after our own prefix.
    @Test(
        .enabled(if: binaryBuilt),
        arguments: [
            ("", "wiresmith pubkey: Key is not the correct length or format\n"),
            ("abc\n", "wiresmith pubkey: Key is not the correct length or format\n"),
            // wg reads exactly 44 characters first, so a leading space leaves the final `=` as a trailing character.
            (" " + TestKeys.a.base64, "wiresmith pubkey: Trailing characters found after key\n"),
            (TestKeys.a.base64 + "\nextra", "wiresmith pubkey: Trailing characters found after key\n"),
            (
                String(TestKeys.a.base64.dropLast(2)) + "B=",
                "wiresmith pubkey: Key is not the correct length or format\n"
            ),
        ])
    func pubkeyRejectsBadInput(input: String, message: String) throws {
        let out = try wiresmith(["pubkey"], input: input)
        #expect(out.status == 1)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr == message)
    }

    /// The same inputs through the real `wg pubkey`, live: the status, the empty stdout and the message after the
    /// program's own prefix (`wg: `, `wiresmith pubkey: `) must agree.
    @Test(
        .enabled(if: wgPresent),
        arguments: [
            "", "abc\n", " " + TestKeys.a.base64, TestKeys.a.base64 + "\nextra",
            String(TestKeys.a.base64.dropLast(2)) + "B=",
            TestKeys.priv.base64 + " \n\t\0\n",
        ])
    func pubkeyAnswersAsWgPubkeyDoes(input: String) throws {
        if let missing = Tools.missing(["wg"], needsRoot: false) {
            Issue.record("WIRESMITH_REQUIRE_LAB=1 but wg cannot be compared: \(missing)")
            return
        }
        let theirs = try TestTools.run(["wg", "pubkey"], input: Array(input.utf8))
        let ours = try wiresmith(["pubkey"], input: input)
        #expect(ours.status == theirs.status)
        #expect(ours.stdout == theirs.stdoutText)
        let message = { (text: String, prefix: String) in
            text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
        }
        #expect(message(ours.stderr, "wiresmith pubkey: ") == message(theirs.stderrText, "wg: "))
    }

    /// Keys from the real `wg genkey`, live: each parses, is already clamped as ours are, and `wg pubkey` of it is
    /// WireKey's public key.
    @Test(.enabled(if: wgPresent)) func wgGenkeyKeysAreOurKeys() throws {
        if let missing = Tools.missing(["wg"], needsRoot: false) {
            Issue.record("WIRESMITH_REQUIRE_LAB=1 but wg cannot be compared: \(missing)")
            return
        }
        for _ in 0..<10 {
            let generated = try TestTools.run(["wg", "genkey"]).check().stdoutText
            #expect(generated.utf8.count == 45 && generated.hasSuffix("=\n"))
            let key = try #require(WireKey(base64: String(generated.dropLast())))
            #expect(key == key.clamped)
            let pub = try TestTools.run(["wg", "pubkey"], input: Array(generated.utf8)).check().stdoutText
            #expect(pub == key.publicKey.base64 + "\n")
        }
    }

    @Test(.enabled(if: binaryBuilt)) func pubkeyAcceptsTrailingSpaceAndNul() throws {
        let out = try wiresmith(["pubkey"], input: TestKeys.priv.base64 + " \n\t\0\n")
        #expect(out.status == 0)
        #expect(out.stdout == TestKeys.priv.publicKey.base64 + "\n")
    }

    /// genkey.c: "Warning: writing to world accessible file." when stdout is a regular file with any bit for others.
    @Test(
        .enabled(if: binaryBuilt),
        arguments: [
            ("genkey", 0o644, true), ("genkey", 0o600, false),
            ("genpsk", 0o604, true), ("genpsk", 0o640, false),
        ])
    func warnsWhenStdoutIsWorldAccessible(command: String, mode: Int, warns: Bool) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wiresmith-key-\(UUID())").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: mode]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // stdout is the file itself (the shell opens it without changing its mode), as for `wg genkey > file`.
        let output = try TestTools.run(["sh", "-c", #"exec "$0" "$1" > "$2""#, Tools.wiresmith, command, path])
        let stderr = output.stderrText
        #expect(
            stderr
                == (warns
                    ? "Warning: writing to world accessible file.\n"
                        + "Consider setting the umask to 077 and trying again.\n" : ""))
        #expect(try String(contentsOfFile: path, encoding: .utf8).utf8.count == 45)
    }

    static let wgPresent = Tools.shouldRun(["wg", "bash"], needsRoot: false)

    /// 1,000 random 32-byte private keys (not clamped first, so that wg's clamping is compared too):
    /// WireKey.publicKey and, for the first 100, the built `wiresmith pubkey`, each equal `wg pubkey`.
    @Test(.enabled(if: wgPresent)) func publicKeysEqualWgPubkey() throws {
        if let missing = Tools.missing(["wg", "bash"], needsRoot: false) {
            Issue.record("WIRESMITH_REQUIRE_LAB=1 but wg cannot be compared: \(missing)")
            return
        }
        var rng = SeededRandom(seed: 25519)
        let keys = (0..<1000).map { _ in WireKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })! }
        let loop = #"while read -r k; do printf '%s\n' "$k" | "$0" pubkey || echo FAILED; done"#
        let input = Data(keys.map { $0.base64 + "\n" }.joined().utf8)
        let wg = try Tools.run(["bash", "-c", loop, Tools.which("wg")!], input: input)
        let expected = wg.stdout.split(separator: "\n").map(String.init)
        try #require(expected.count == keys.count, "wg pubkey: \(wg.stderr)")
        var mismatches = 0
        for (key, theirs) in zip(keys, expected) where key.publicKey.base64 != theirs { mismatches += 1 }
        #expect(mismatches == 0)

        let firstHundred = Data(keys.prefix(100).map { $0.base64 + "\n" }.joined().utf8)
        let ours = try Tools.run(["bash", "-c", loop, Tools.wiresmith], input: firstHundred)
        #expect(ours.stdout.split(separator: "\n").map(String.init) == Array(expected.prefix(100)), "\(ours.stderr)")
    }
}
