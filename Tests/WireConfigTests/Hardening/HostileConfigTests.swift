import Foundation
import Testing

@testable import WireConfig

/// Issue 14: hostile configs get a located error, never a crash, a hang or an echoed key (docs/limits.md).
@Suite struct HostileConfigTests {
    static let key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let header = "[Interface]\nPrivateKey = \(key)\n"

    /// Every 8-character piece of the key: none may appear in any message.
    static func leaks(_ text: String, secret: String = key) -> [String] {
        let chars = Array(secret)
        return (0...(chars.count - 8)).map { String(chars[$0..<($0 + 8)]) }.filter { text.contains($0) }
    }

    static func messages(_ text: String) -> String {
        ConfigParser().parse(text, file: "t.conf").diagnostics.map(\.description).joined(separator: "\n")
    }

    // MARK: Secrets

    @Test(arguments: [
        "Address = \(key)", "DNS = 1.1.1.1 \(key)", "MTU = \(key)", "ListenPort = \(key)", "FwMark = \(key)",
        "Table = \(key)", "\(key) = 1", "PostUpp\(key) = x",
    ])
    func aKeyInAnInterfaceSettingIsNotEchoed(line: String) {
        let all = Self.messages(Self.header + line + "\n")
        #expect(!all.isEmpty || line.hasPrefix("DNS"))
        #expect(Self.leaks(all).isEmpty, "\(all)")
    }

    @Test(arguments: [
        "AllowedIPs = 10.0.0.0/8, \(key)", "PersistentKeepalive = \(key)", "Endpoint = \(key)",
        "Endpoint = \(key):51820", "Endpoint = [\(key)]:1", "Endpoint = 1.2.3.4:\(key)", "Foo = \(key)",
    ])
    func aKeyInAPeerSettingIsNotEchoed(line: String) {
        let text = Self.header + "[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n\(line)\n"
        let all = Self.messages(text)
        #expect(!all.isEmpty)
        #expect(Self.leaks(all).isEmpty, "\(all)")
    }

    @Test func aKeyWrappedOverTwoLinesLeaksNeitherHalf() {
        let first = String(Self.key.prefix(22))
        let second = String(Self.key.dropFirst(22))
        let all = Self.messages("[Interface]\nPrivateKey = \(first)\n\(second)\n")
        #expect(all.contains("t.conf:3:1"))
        #expect(!all.contains(second) && Self.leaks(all).isEmpty, "\(all)")
    }

    /// Found by FuzzConfig (.build-fuzz/findings/crash-766a3de9...): a key glued to a section header was echoed.
    @Test(arguments: ["[Interface]\(key)", "[Peer] \(key)", "[Interfaces]\(key)", "[\(key)]"])
    func aKeyAfterASectionHeaderIsNotEchoed(header: String) {
        let all = Self.messages(header + "\nAddress = 10.0.0.1/24\n")
        #expect(all.contains("unknown section"))
        #expect(Self.leaks(all).isEmpty, "\(all)")
    }

    @Test func ordinaryMistakesAreStillShown() {
        let all = Self.messages(
            "[Interface]\nAddress = 10.0.0.300/24\nMTU = 70\nListenPrt = 5\n[Peer]\nEndpoint = vpn.example.com\n")
        #expect(all.contains("`10.0.0.300/24`"))
        #expect(all.contains("`70`"))
        #expect(all.contains("ListenPrt"))
    }

    @Test func hookLinesAreScrubbedOfKeys() {
        let line = "wg set %i peer X preshared-key <(echo \(Self.key)) && ip6tables -A FORWARD -i wg0 -j ACCEPT"
        let scrubbed = Redaction.scrubbed(line)
        #expect(Self.leaks(scrubbed).isEmpty)
        #expect(scrubbed.contains("ip6tables -A FORWARD -i wg0 -j ACCEPT") && scrubbed.contains("[key redacted]"))
    }

    // MARK: Truth about what wg and wg-quick refuse (checked against wg setconf and wg-quick, see the note)

    @Test func aByteOrderMarkIsAnError() {
        let r = ConfigParser().parse("\u{FEFF}" + Self.header, file: "t.conf")
        #expect(r.errors.map(\.kind) == [.byteOrderMark])
        #expect(r.config.interface.privateKey != nil)
    }

    @Test func aNonUTF8ByteInACommentKeepsTheInterface() throws {
        var bytes = Array((Self.header + "Address = 10.0.0.1/24 # caf").utf8)
        bytes += [0xE9, 0xFF, 0x0A]
        let r = ConfigParser().parse(InputFile.text(bytes), file: "t.conf")
        #expect(r.isValid)
        #expect(r.config.interface.addresses == [IPPrefix("10.0.0.1/24")!])
    }

    @Test(arguments: [("nosuchtable", false), ("main", true), ("1234", true), ("off", true), ("4294967296", false)])
    func tableNamesIpRouteKnows(value: String, accepted: Bool) {
        let r = ConfigParser().parse(Self.header + "Table = \(value)\n", file: "t.conf")
        #expect(r.isValid == accepted)
    }

    // MARK: Limits and linear time

    @Test func aFileOverTheSizeLimitIsRefusedWhole() {
        let text = Self.header + String(repeating: "#", count: InputLimits.configBytes)
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.errors.map(\.kind) == [.tooLarge])
        #expect(r.config.interface.privateKey == nil)
    }

    @Test func linesPastTheLimitAreNotRead() {
        let text = Self.header + String(repeating: "\n", count: InputLimits.configLines)
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.errors.map(\.kind) == [.tooLarge])
        #expect(r.errors.first?.location.line == InputLimits.configLines + 1)
    }

    @Test func peersPastTheLimitAreNotRead() {
        var text = Self.header
        for i in 0...InputLimits.configPeers {
            let key = WireKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: i >> ($0 % 2 * 8)) })!
            text += "[Peer]\nPublicKey = \(key.base64)\n"
        }
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.errors.contains { $0.kind == .tooLarge })
    }

    @Test func aLineWithTooManyEntriesIsRefused() {
        let entries = Array(repeating: "10.0.0.1/32", count: InputLimits.entriesPerLine + 1).joined(separator: ",")
        let r = ConfigParser().parse(Self.header + "Address = \(entries)\n", file: "t.conf")
        #expect(r.errors.map(\.kind) == [.tooLarge])
    }

    /// Entries of every line count together: a config may not list more than `configEntries` in all.
    @Test func entriesPastTheFileLimitAreNotRead() {
        let line = "DNS = " + Array(repeating: "a", count: InputLimits.entriesPerLine).joined(separator: ",") + "\n"
        let lines = InputLimits.configEntries / InputLimits.entriesPerLine
        let text = Self.header + String(repeating: line, count: lines) + "DNS = b\nAddress = 10.0.0.1/24\n"
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.errors.map(\.kind) == [.tooLarge])
        #expect(r.errors.first?.location.line == lines + 3)
        #expect(r.config.interface.dns.count == InputLimits.configEntries)
        #expect(r.config.interface.addresses.isEmpty)
    }

    /// The limits fit the largest network's hub (`networkHosts` hosts): every other host a peer, each with two
    /// AllowedIPs, a PresharedKey, an Endpoint, a keepalive and a comment.
    @Test func theLargestNetworksHubFitsTheLimits() {
        let peers = InputLimits.networkHosts - 1
        let section =
            "# client123456\n[Peer]\nPublicKey = \(Self.key)\nPresharedKey = \(Self.key)\n"
            + "AllowedIPs = 10.64.123.234/32, fd00::12:3456/128\nEndpoint = 203.0.113.200:51820\n"
            + "PersistentKeepalive = 25\n\n"
        #expect(peers <= InputLimits.configPeers)
        #expect(peers * section.utf8.count + 200 <= InputLimits.configBytes)
        #expect(peers * 8 + 10 <= InputLimits.configLines)
        #expect(peers * 2 + 10 <= InputLimits.configEntries)
    }

    /// 50,000 Address lines, each repeating one address (quadratic before: 100,000 took 4 s): every distinct
    /// address once, in file order.
    @Test func manyAddressLinesKeepEachAddressOnce() {
        var text = Self.header
        for i in 0..<50_000 { text += "Address = 10.\(i >> 8 & 255).\(i & 255).1/32, 10.0.0.1/32\n" }
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.isValid)
        #expect(r.config.interface.addresses.count == 50_000)
        #expect(r.config.interface.addresses.first == IPPrefix("10.0.0.1/32"))
    }

    /// A repeated AllowedIPs entry moves to the end (as wg re-inserts it); many repeats cost no scan.
    @Test func repeatedAllowedIPsMoveToTheEnd() {
        let peer = "[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
        var text = Self.header + peer
        for _ in 0..<20_000 { text += "AllowedIPs = 10.0.0.0/24, 10.0.1.0/24\n" }
        text += "AllowedIPs = 10.0.0.0/24\n"
        let r = ConfigParser().parse(text, file: "t.conf")
        #expect(r.config.peers.first?.allowedIPs == [IPPrefix("10.0.1.0/24")!, IPPrefix("10.0.0.0/24")!])
    }

    /// Two peers listing the same 20,000 prefixes: the later takes them all (linear since the fix).
    @Test func overlappingPeersHandOverEveryPrefix() {
        let list = (0..<20_000).map { "10.\($0 >> 8).\($0 & 255).0/24" }.joined(separator: ",")
        var text = Self.header
        for seed in [UInt8(1), 2] {
            let key = WireKey(bytes: [UInt8](repeating: seed, count: 32))!
            text += "[Peer]\nPublicKey = \(key.base64)\nAllowedIPs = \(list)\n"
        }
        let device = ConfigParser().parse(text, file: "t.conf").config.asSetByWg
        #expect(device.peers.map(\.allowedIPs.count) == [0, 20_000])
    }

    // MARK: Files

    @Test func fifosDevicesAndDirectoriesAreRefusedWithASentence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ws-harden-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir + "/x.conf", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo.conf", 0o600) == 0)
        #expect(throws: InputFile.ReadError.notRegular(path: dir + "/fifo.conf", kind: "a FIFO (named pipe)")) {
            try InputFile.read(dir + "/fifo.conf", limit: 100)
        }
        #expect(throws: InputFile.ReadError.notRegular(path: "/dev/zero", kind: "a character device")) {
            try InputFile.read("/dev/zero", limit: 100)
        }
        #expect(throws: InputFile.ReadError.isDirectory(path: dir + "/x.conf")) {
            try InputFile.read(dir + "/x.conf", limit: 100)
        }
        try Data(count: 101).write(to: URL(fileURLWithPath: dir + "/big.conf"))
        #expect(throws: InputFile.ReadError.tooLarge(path: dir + "/big.conf", limit: 100)) {
            try InputFile.read(dir + "/big.conf", limit: 100)
        }
        // A directory listing said "regular file" (no stat of the path first), but the entry is something else
        // by now: the open descriptor is checked, with the same sentences, and nothing is read.
        #expect(throws: InputFile.ReadError.notRegular(path: dir + "/fifo.conf", kind: "a FIFO (named pipe)")) {
            try InputFile.read(dir + "/fifo.conf", limit: 100, listedRegular: true)
        }
        #expect(throws: InputFile.ReadError.notRegular(path: "/dev/zero", kind: "a character device")) {
            try InputFile.read("/dev/zero", limit: 100, listedRegular: true)
        }
        #expect(throws: InputFile.ReadError.isDirectory(path: dir + "/x.conf")) {
            try InputFile.read(dir + "/x.conf", limit: 100, listedRegular: true)
        }
        #expect(throws: InputFile.ReadError.tooLarge(path: dir + "/big.conf", limit: 100)) {
            try InputFile.read(dir + "/big.conf", limit: 100, listedRegular: true)
        }
        #expect(throws: InputFile.ReadError.notFound(path: dir + "/gone.conf")) {
            try InputFile.read(dir + "/gone.conf", limit: 100, listedRegular: true)
        }
        #expect(try InputFile.read(dir + "/big.conf", limit: 101, listedRegular: true).count == 101)
    }

    @Test func privateFilesAreBorn0600WhateverTheUmask() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ws-harden-\(UUID())").path
        defer { unlink(path) }
        let old = umask(0)
        defer { umask(old) }
        try PrivateFile.create(path, bytes: Array("secret".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: PrivateFile.WriteError.self) { try PrivateFile.create(path, bytes: []) }
    }
}
