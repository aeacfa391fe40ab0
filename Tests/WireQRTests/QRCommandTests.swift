import Foundation
import Testing
import WireQR
import WireTestSupport

/// `wiresmith qr` and `wiresmith plan --qr` as a user runs them: the PNG decodes (zbarimg) to the planned config byte
/// for byte and is 0600; the terminal form reads back to the same symbol; a pipe is refused without --force; a
/// config too large, an unknown host and a broken file fail before anything is written.
@Suite(.enabled(if: TestTools.shouldRun(["zbarimg"], binaries: ["wiresmith"])))
struct QRCommandTests {
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "wiresmith-qrcli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let example = TestTools.packageRoot.appendingPathComponent("examples/plan/two-interfaces.yaml").path

    @Test func planQRWritesAPNGThatDecodesToTheConfig() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestTools.run([
            "wiresmith", "plan", Self.example, "--out", dir + "/net", "--qr", "bob", "--png", dir + "/bob.png",
        ])
        #expect(run.status == 0, "\(run.stderrText)")
        #expect(run.stderrText.contains("private key of \(dir)/net/bob/wg1.conf"), "\(run.stderrText)")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/bob.png")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let decoded = try TestTools.run(["zbarimg", "-q", "--raw", "-Sbinary", dir + "/bob.png"])
        let config = try #require(FileManager.default.contents(atPath: dir + "/net/bob/wg1.conf"))
        #expect(decoded.stdout == Array(config))
        #expect(!run.stdoutText.contains("PrivateKey") && !run.stderrText.contains("PrivateKey ="))
    }

    @Test func terminalFormIsRefusedOnAPipeAndReadsBackWithForce() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestTools.run(["wiresmith", "plan", Self.example, "--out", dir + "/net"]).check()
        let file = dir + "/net/alice/wg0.conf"
        let refused = try TestTools.run(["wiresmith", "qr", file])
        #expect(refused.status == 64 && refused.stdout.isEmpty, "\(refused.stderrText)")
        #expect(refused.stderrText.contains("not a terminal"))
        let forced = try TestTools.run(["wiresmith", "qr", file, "--force"])
        #expect(forced.status == 0)
        let code = try QRCode(bytes: Array(try #require(FileManager.default.contents(atPath: file))))
        #expect(forced.stdoutText == QRTerminalRenderer.render(code))
    }

    /// The terminal drawing of every planned example config is byte for byte what `qrencode -8 -t ANSIUTF8 -m 4`
    /// prints for the same file, whenever both chose the same mask (read from qrencode's format information).
    @Test(.enabled(if: TestTools.shouldRun(["qrencode"], binaries: ["wiresmith"])))
    func terminalFormEqualsQrencodeAnsiUTF8() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for example in ["hub-and-spoke", "two-interfaces", "mesh", "full-tunnel", "site-to-site", "isolation"] {
            let yaml = TestTools.packageRoot.appendingPathComponent("examples/plan/\(example).yaml").path
            try TestTools.run(["wiresmith", "plan", yaml, "--out", "\(dir)/\(example)"]).check()
            let fm = FileManager.default
            for host in try fm.contentsOfDirectory(atPath: "\(dir)/\(example)") {
                let hostDir = "\(dir)/\(example)/\(host)"
                for f in (try? fm.contentsOfDirectory(atPath: hostDir)) ?? [] where f.hasSuffix(".conf") {
                    files.append("\(hostDir)/\(f)")
                }
            }
        }
        var same = 0
        for file in files {
            let code = try QRCode(bytes: Array(try #require(FileManager.default.contents(atPath: file))))
            let level = "\(code.level)"
            let ascii = try TestTools.run(["qrencode", "-8", "-l", level, "-m", "0", "-t", "ASCII", "-r", file]).check()
            let rows = ascii.stdoutText.split(separator: "\n").map { Array($0) }
            let theirs = try #require(QRCode.formatInformation { x, y in rows[y][2 * x] == "#" })
            guard theirs.mask == code.mask, rows.count == code.size else { continue }
            let drawn = try TestTools.run(["qrencode", "-8", "-l", level, "-m", "4", "-t", "ANSIUTF8", "-r", file])
            let ours = try TestTools.run(["wiresmith", "qr", file, "--force"])
            #expect(ours.stdout == drawn.stdout, "\(file)")
            same += 1
        }
        #expect(same > 0)
        print("QR: terminal drawing of \(same) of \(files.count) planned configs compared with qrencode -t ANSIUTF8")
    }

    @Test func failuresWriteNothing() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A valid config one comment too large for version 40-L.
        var big = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
        big += "# " + String(repeating: "x", count: 2953 - big.utf8.count - 2) + "\n"
        #expect(big.utf8.count == 2954)
        _ = FileManager.default.createFile(atPath: dir + "/big.conf", contents: Data(big.utf8))
        let tooLarge = try TestTools.run(["wiresmith", "qr", dir + "/big.conf", "--png", dir + "/big.png"])
        #expect(tooLarge.status == 2)
        #expect(
            tooLarge.stderrText.contains("2954 bytes do not fit a QR code: version 40 at level L holds at most 2953"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/big.png"))
        // A broken file: its error with file and line, no image.
        _ = FileManager.default.createFile(
            atPath: dir + "/bad.conf", contents: Data("[Interface]\nListenPort = x\n".utf8))
        let bad = try TestTools.run(["wiresmith", "qr", dir + "/bad.conf", "--png", dir + "/bad.png"])
        #expect(bad.status == 2 && bad.stderrText.contains("\(dir)/bad.conf:2:"), "\(bad.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.png"))
        // An unknown host: nothing planned, no image.
        let unknown = try TestTools.run([
            "wiresmith", "plan", Self.example, "--out", dir + "/net", "--qr", "nobody", "--png", dir + "/n.png",
        ])
        #expect(
            unknown.status == 64 && unknown.stderrText.contains("one of: alice/wg0, bob/wg1"), "\(unknown.stderrText)")
        #expect(
            !FileManager.default.fileExists(atPath: dir + "/net")
                && !FileManager.default.fileExists(atPath: dir + "/n.png"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["bad.conf", "big.conf"], "leftovers: \(names)")
    }
}
