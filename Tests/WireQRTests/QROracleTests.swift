import Foundation
import Testing
import WireQR
import WireTestSupport

/// The QR encoder held against two independent programs: `qrencode` (libqrencode) must draw the same modules for the
/// same version, level and mask, and `zbarimg` (ZBar) must decode our PNGs back to the exact bytes.
@Suite(.enabled(if: TestTools.shouldRun(["qrencode", "zbarimg"])))
struct QROracleTests {
    /// qrencode's symbol for `data`: its modules (row-major), read from `-t ASCII` ("##" a dark module).
    static func qrencode(_ data: [UInt8], level: QRErrorCorrectionLevel, version: Int) throws -> [[Bool]] {
        let file = NSTemporaryDirectory() + "wiresmith-qr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: file, contents: Data(data))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try TestTools.run([
            "qrencode", "-8", "-l", "\(level)", "-v", "\(version)", "-m", "0", "-t", "ASCII", "-r", file, "-o", "-",
        ]).check()
        return out.stdoutText.split(separator: "\n").map { line in
            stride(from: 0, to: line.count, by: 2).map { line[line.index(line.startIndex, offsetBy: $0)] == "#" }
        }
    }

    /// Printable bytes, different for every seed.
    static func text(_ count: Int, seed: Int) -> [UInt8] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(32 + (state >> 33) % 95)
        }
    }

    /// Every version 1-40 at every level, full and half full: qrencode's mask pinned (read from its format
    /// information), our modules must be identical. How often our own mask choice agrees is printed.
    @Test func modulesMatchQrencodeForEveryVersionAndLevel() throws {
        var agreed = 0
        var compared = 0
        var total = 0
        for version in QRVersion.all {
            for level in QRErrorCorrectionLevel.allCases {
                for fill in [1, 2] {
                    let count = max(1, version.byteCapacity(level) / fill)
                    let data = Self.text(count, seed: version.number * 10 + level.rawValue * 2 + fill)
                    let theirs = try Self.qrencode(data, level: level, version: version.number)
                    #expect(theirs.count == version.size, "version \(version) \(level): qrencode drew \(theirs.count)")
                    guard theirs.count == version.size else { continue }
                    let format = try #require(QRCode.formatInformation { theirs[$1][$0] })
                    #expect(format.level == level)
                    let ours = try QRCode(bytes: data, levels: [level], version: version, mask: format.mask)
                    var differing = 0
                    for y in 0..<version.size {
                        for x in 0..<version.size where ours[x, y] != theirs[y][x] { differing += 1 }
                    }
                    compared += 1
                    #expect(differing == 0, "version \(version) \(level) mask \(format.mask): \(differing) modules")
                    // Our own choice of mask (7.8.3), compared once per version and level.
                    guard fill == 1 else { continue }
                    let auto = try QRCode(bytes: data, levels: [level], version: version)
                    total += 1
                    if auto.mask == format.mask { agreed += 1 }
                }
            }
        }
        print(
            "QR: \(compared) symbols identical to qrencode's; our own mask choice equals qrencode's in "
                + "\(agreed) of \(total)"
        )
    }

    /// A wg-quick client config with `peers` peers, the shape `wiresmith plan` writes.
    static func config(peers: Int, seed: Int) -> [UInt8] {
        func key(_ n: Int) -> String { Data(text(32, seed: seed * 1000 + n)).base64EncodedString() }
        var s = "[Interface]\nPrivateKey = \(key(0))\nAddress = 10.0.0.\(seed % 250 + 2)/32, fd00::\(seed)/128\n"
        s += "DNS = 10.0.0.1\nMTU = 1420\n"
        for p in 0..<peers {
            s += "\n[Peer]\n# peer \(p)\nPublicKey = \(key(p + 1))\nPresharedKey = \(key(p + 500))\n"
            s += "AllowedIPs = 10.\(p % 250).0.0/24, fd00:\(p)::/64\nEndpoint = 203.0.113.\(p % 250):\(51820 + p)\n"
            s += "PersistentKeepalive = 25\n"
        }
        return Array(s.utf8)
    }

    /// zbarimg decodes the PNG of every generated config byte for byte, from a one-peer config to the largest that
    /// fits version 40.
    @Test func zbarDecodesPNGsByteForByte() throws {
        var sizes: [(Int, Int)] = []
        var samples: [[UInt8]] = (0..<14).map {
            Self.config(peers: [0, 1, 1, 2, 3, 4, 5, 6, 8, 10][$0 % 10], seed: $0)
        }
        // The largest: a config padded with a comment to version 40-L's capacity exactly.
        var largest = Self.config(peers: 8, seed: 99)
        largest += Array(("# " + String(repeating: "x", count: 2953 - largest.count - 3) + "\n").utf8)
        #expect(largest.count == 2953)
        samples.append(largest)
        for data in samples {
            let code = try QRCode(bytes: data)
            let file = NSTemporaryDirectory() + "wiresmith-qr-\(UUID().uuidString).png"
            _ = FileManager.default.createFile(atPath: file, contents: Data(QRImageRenderer.png(code, scale: 4)))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let out = try TestTools.run(["zbarimg", "-q", "--raw", "-Sbinary", file])
            #expect(out.succeeded, "zbarimg: \(out.stderrText)")
            #expect(out.stdout == data, "\(data.count) bytes, version \(code.version) \(code.level)")
            sizes.append((data.count, code.version.number))
        }
        print(
            "QR: zbarimg decoded \(sizes.count) configs: "
                + sizes.map { "\($0.0) B -> v\($0.1)" }.joined(separator: ", "))
    }
}
