import Foundation
import Testing
import WireAnalysis
import WireConfig

/// The seed networks: the two-interface hub (healthy and its broken variants), the single-interface hub whose
/// clients route only the hub's /32, the site-to-site pair with LANs, and a full-tunnel gateway.
@Suite struct LintSeedTests {
    typealias Edit = LintFixtures.Edit

    @Test(arguments: ["lint-two-hub", "lint-site-to-site", "lint-gateway", "lint-ipv6-hub"])
    func healthyNetworksAreClean(name: String) throws {
        let report = LintFixtures.lint(try LintFixtures.load(name))
        #expect(report.findings.isEmpty, "\(report.text())")
        #expect(!report.hasErrors)
    }

    /// Each broken seed yields exactly its one fault, at the line to edit, with the fix naming the change.
    @Test(arguments: [
        ("lint-two-hub-missing-subnet", FindingCode.asymmetricAllowedIPs, "alice/wg0.conf:10", "add 10.1.0.0/24"),
        ("lint-two-hub-no-forwarding", .forwardingDisabled, "hub/wg0.conf:2", "sysctl -w net.ipv4.ip_forward=1"),
        (
            "lint-two-hub-swapped-key", .keyMismatch, "alice/wg0.conf:8",
            "PublicKey = wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk="
        ),
    ])
    func brokenTwoHubNamesItsFault(name: String, code: FindingCode, at: String, fix: String) throws {
        let report = LintFixtures.lint(try LintFixtures.load(name))
        #expect(report.findings.map(\.code) == [code], "\(report.text())")
        let f = try #require(report.findings.first)
        #expect(f.severity == .error)
        #expect(f.primaryLocation?.short == at)
        #expect(f.fix.contains(fix))
        #expect(report.hasErrors)
    }

    @Test func swappedKeySaysWhichKeyWasMeantAndWhy() throws {
        let report = LintFixtures.lint(try LintFixtures.load("lint-two-hub-swapped-key"))
        let f = try #require(report.findings(.keyMismatch).first)
        #expect(f.message.contains("hub/wg1's key"))
        #expect(f.message.contains("probably meant to be hub/wg0's key"))
        #expect(f.message.contains("lists alice/wg0 as a peer"))
        #expect(f.interfaces.contains(Network.InterfaceID(host: "hub", interface: "wg0")))
    }

    @Test func singleHubClientsCannotReachEachOther() throws {
        let report = LintFixtures.lint(try LintFixtures.load("lint-single-hub-32"))
        #expect(report.findings.map(\.code) == [.clientToClientBlocked, .clientToClientBlocked])
        #expect(report.findings.map(\.primaryHost) == ["alice", "bob"])
        #expect(report.findings.allSatisfy { $0.fix.contains("AllowedIPs = 10.0.0.0/24") })
        #expect(!report.hasErrors)
    }

    /// A config that does not parse is reported, and the rest of the network is still analysed.
    @Test func invalidConfigDoesNotStopTheRest() throws {
        let report = LintFixtures.lint(
            try LintFixtures.load(
                "lint-two-hub",
                [
                    Edit("bob/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = often"),
                    Edit("alice/wg0.conf", "192.0.2.1:51820", "192.0.2.1:51829"),
                ]))
        #expect(Set(report.findings.map(\.code)) == [.configInvalid, .endpointPortMismatch], "\(report.text())")
        #expect(report.findings(.configInvalid).first?.primaryLocation?.short == "bob/wg0.conf:11")
    }

    @Test func unusableInputThrows() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("wiresmith-empty-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: NetworkLoader.LoadError.self) { try NetworkLoader().load(directory: empty.path) }
        #expect(throws: NetworkLoader.LoadError.self) { try NetworkLoader().load(directory: empty.path + "/nope") }
    }
}
