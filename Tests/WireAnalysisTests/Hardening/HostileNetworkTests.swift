import Foundation
import Testing
import WireConfig

@testable import WireAnalysis

/// Issue 14: hostile network directories and facts files get located sentences, never a crash, a hang, a read
/// outside the directory or an echoed key.
@Suite struct HostileNetworkTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../../examples"
    ).standardizedFileURL

    /// A private copy of examples/`name`, removed after `body`.
    static func withCopy(_ name: String, _ body: (String) throws -> Void) throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("ws-harden-\(UUID().uuidString)")
        try fm.createDirectory(at: base, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: base) }
        let dir = base.appendingPathComponent(name).path
        try fm.copyItem(atPath: examples.appendingPathComponent(name).path, toPath: dir)
        try body(dir)
    }

    static func facts(_ yaml: String) -> (HostFacts, [ConfigDiagnostic]) {
        HostFactsReader.parse(yaml, file: "h/host.yaml")
    }

    // MARK: YAML

    /// The 381-byte bomb shape: nine levels of aliases, the last used as a mapping key (40 s before).
    @Test func anAliasBombIsRefusedBeforeComposing() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        yaml += "? *a9\n: 1\n"
        let (_, d) = Self.facts(yaml)
        #expect(d.map(\.kind) == [.yamlAlias])
        #expect(d.first?.location.line == 1)
    }

    @Test(arguments: [
        "names: [\"*.example.com\", '&x']", "names:\n  - a*b\n  - x&y", "uplink: eth0 # *not an alias",
        "names:\n  - |\n    *literal\n    &text\n",
    ])
    func starsAndAmpersandsInsideValuesAreNotAliases(yaml: String) {
        let (_, d) = Self.facts(yaml)
        #expect(!d.contains { $0.kind == .yamlAlias }, "\(d)")
    }

    @Test func nestingPastTheLimitIsRefused() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let (_, d) = Self.facts("names: \(deep)\n")
        #expect(d.map(\.kind) == [.tooLarge])
    }

    @Test func aYAMLErrorNamesItsRealLine() {
        let (_, d) = Self.facts("behind_nat: true\nuplink: eth0\nlans: [ { name: x\n")
        #expect(d.count == 1)
        #expect((d.first?.location.line ?? 1) > 1, "\(d)")
    }

    // MARK: Address arithmetic never traps

    @Test(arguments: ["255.255.255.255/32", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"])
    func anAllOnesLANPrefixIsALocatedError(prefix: String) {
        let (f, d) = Self.facts("lans:\n  - { name: x, prefix: \(prefix), interface: eth1 }\n")
        #expect(f.lans.isEmpty)
        #expect(d.first?.location.line == 2)
        // The value type itself never traps either.
        let lan = LAN(name: "x", prefix: IPPrefix(prefix)!, interface: "eth1")
        #expect(lan.hostAddress == IPPrefix(prefix)!.address)
    }

    @Test func aLANAddressOutsideItsPrefixIsAnError() {
        let (f, d) = Self.facts("lans:\n  - { prefix: 10.0.0.0/24, address: 255.255.255.255 }\n")
        #expect(f.lans.isEmpty)
        #expect(d.first?.message.contains("not inside") == true)
    }

    @Test func checkedOffsetsStopAtTheEnd() {
        #expect(IPPrefix("255.255.255.254/31")!.address(after: 1) == IPAddress("255.255.255.255"))
        #expect(IPPrefix("255.255.255.254/31")!.address(after: 2) == nil)
        #expect(IPPrefix("255.255.255.255/32")!.firstHostAddress == nil)
        #expect(IPPrefix("::/0")!.address(after: UInt128.max) == IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
    }

    // MARK: The network directory

    @Test func aSymlinkOutOfTheDirectoryIsNotFollowed() throws {
        try Self.withCopy("site-to-site") { dir in
            try FileManager.default.createSymbolicLink(atPath: dir + "/etc", withDestinationPath: "/etc")
            try FileManager.default.createSymbolicLink(
                atPath: dir + "/siteA/wg1.conf", withDestinationPath: "/etc/passwd")
            let network = try NetworkLoader().load(directory: dir)
            let refused = network.diagnostics.filter { $0.message.contains("symbolic link") }
            #expect(refused.count == 2)
            #expect(refused.allSatisfy { $0.message.contains("/etc") })
            #expect(network.hosts.map(\.name) == ["siteA", "siteB"])
            #expect(network.allInterfaces.count == 2)
        }
    }

    @Test func aFIFOOrADirectoryAsAConfigIsASentenceNotAHang() throws {
        try Self.withCopy("site-to-site") { dir in
            #expect(mkfifo(dir + "/siteA/wg1.conf", 0o600) == 0)
            try FileManager.default.createDirectory(atPath: dir + "/siteB/wg1.conf", withIntermediateDirectories: false)
            let network = try NetworkLoader().load(directory: dir)
            let messages = network.diagnostics.map(\.message)
            #expect(messages.contains { $0.contains("FIFO") })
            #expect(messages.contains { $0.contains("is a directory") })
            #expect(!messages.contains { $0.contains("NSCocoaErrorDomain") || $0.contains("permission") })
        }
    }

    @Test func aNonUTF8CommentKeepsTheInterfaceAndABOMIsAnError() throws {
        try Self.withCopy("site-to-site") { dir in
            let a = dir + "/siteA/wg0.conf"
            var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: a)))
            bytes += Array("# caf".utf8) + [0xE9, 0x0A]
            try Data(bytes).write(to: URL(fileURLWithPath: a))
            let b = dir + "/siteB/wg0.conf"
            try Data([0xEF, 0xBB, 0xBF] + Array(Data(contentsOf: URL(fileURLWithPath: b)))).write(
                to: URL(fileURLWithPath: b))
            let network = try NetworkLoader().load(directory: dir)
            let siteA = try #require(network.host("siteA")?.interfaces.first)
            #expect(siteA.diagnostics.filter { $0.severity == .error }.isEmpty)
            #expect(siteA.config.interface.privateKey != nil)
            let siteB = try #require(network.host("siteB")?.interfaces.first)
            #expect(siteB.diagnostics.map(\.kind).contains(.byteOrderMark))
        }
    }

    @Test(arguments: ["abcdefghijklmnop", "a b", "wg\u{e9}"])
    func interfaceNamesWgQuickRefusesAreErrors(name: String) throws {
        try Self.withCopy("site-to-site") { dir in
            try FileManager.default.moveItem(atPath: dir + "/siteA/wg0.conf", toPath: dir + "/siteA/\(name).conf")
            let network = try NetworkLoader().load(directory: dir)
            let iface = try #require(network.host("siteA")?.interfaces.first)
            #expect(iface.diagnostics.first?.kind == .invalidInterfaceName)
        }
    }

    // MARK: Keys never reach lint's output

    @Test(arguments: [true, false]) func keysInWrongPlacesAndHooksNeverReachLintOutput(wrongPlaces: Bool) throws {
        try Self.withCopy("site-to-site") { dir in
            let key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
            let a = dir + "/siteA/wg0.conf"
            var text = try String(contentsOfFile: a, encoding: .utf8)
            // Keys where values belong make the config invalid, which hides hook findings: one case each.
            let added =
                wrongPlaces
                ? "MTU = \(key)\nDNS = \(key)\nListenPort = \(key.prefix(20))\n"
                : "PostUp = ping -c1 10.9.9.9; wg set %i private-key <(echo \(key))\n"
            text = text.replacingOccurrences(of: "[Interface]\n", with: "[Interface]\n" + added)
            try text.write(toFile: a, atomically: true, encoding: .utf8)
            let network = try NetworkLoader().load(directory: dir)
            let report = Linter().lint(network)
            var out = report.json() + report.text { s, _ in s }
            for host in network.hosts {
                for other in network.hosts where other.name != host.name {
                    if let r = try? Tracer(network: network).trace(from: host.name, to: other.name) {
                        out += "\(r)"
                    }
                }
            }
            let pieces = (0...(key.count - 8)).map { String(Array(key)[$0..<($0 + 8)]) }
            #expect(pieces.allSatisfy { !out.contains($0) })
            #expect(out.contains(wrongPlaces ? "not shown" : "postup-may-fail"))
        }
    }
}
