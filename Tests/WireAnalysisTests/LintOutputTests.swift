import Foundation
import Testing
import WireAnalysis
import WireConfig

/// The report's two forms: the human text grouped by host, and the documented JSON.
@Suite struct LintOutputTests {
    typealias Edit = LintFixtures.Edit

    static func broken() throws -> LintReport {
        LintFixtures.lint(
            try LintFixtures.load(
                "lint-two-hub",
                [
                    Edit("hub/wg0.conf", "PostUp = sysctl -w net.ipv4.ip_forward=1\n", ""),
                    Edit("alice/wg0.conf", "Address = 10.0.0.2/32", "Address = 10.0.0.2/32\nMTU = 1500"),
                    Edit(
                        "hub/wg0.conf", "",
                        "\n[Peer]\nPublicKey = wssOtGNCxU4jx5pW6O2BIEfmD+pqPHtz5eO/+td4IF4=\n"
                            + "AllowedIPs = 172.31.0.5/32\n"),
                ]))
    }

    @Test func textGroupsByHostWithCodeSeverityLocationAndFix() throws {
        let report = try Self.broken()
        let lines = report.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "alice")
        #expect(lines[1].hasPrefix("  mtu-too-large warning "))
        #expect(lines[1].contains("alice/wg0.conf:5 MTU 1500"))
        #expect(lines[2].hasPrefix("    fix: set MTU = 1440"))
        #expect(lines.contains("hub"))
        #expect(lines.contains { $0.hasPrefix("  forwarding-disabled error ") && $0.contains("hub/wg0.conf:2") })
        #expect(lines.contains { $0.hasPrefix("  unknown-peer info ") })
        #expect(lines.dropLast().last == "1 error, 1 warning, 1 info on 2 hosts")
    }

    @Test func paintColoursWithoutChangingText() throws {
        let report = try Self.broken()
        let painted = report.text { s, tone in tone == .error ? "<\(s)>" : s }
        #expect(painted.contains("<forwarding-disabled> <error>"))
        #expect(
            painted.replacingOccurrences(of: "<", with: "").replacingOccurrences(of: ">", with: "")
                == report.text())
    }

    @Test func severityFilterKeepsAtLeastTheMinimum() throws {
        let report = try Self.broken()
        #expect(report.filtered(minimum: .warning).findings.map(\.code) == [.mtuTooLarge, .forwardingDisabled])
        #expect(report.filtered(minimum: .error).findings.map(\.code) == [.forwardingDisabled])
        #expect(report.filtered(minimum: .info).findings.count == 3)
    }

    @Test func jsonFollowsTheDocumentedSchema() throws {
        let report = try Self.broken()
        let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8))
        let root = try #require(object as? [String: Any])
        #expect(Set(root.keys) == ["schema", "summary", "findings"])
        #expect(root["schema"] as? String == "wiresmith-lint/1")
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(summary == ["errors": 1, "warnings": 1, "infos": 1])
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(findings.count == 3)
        let fwd = try #require(findings.first { $0["code"] as? String == "forwarding-disabled" })
        #expect(Set(fwd.keys) == ["code", "severity", "hosts", "interfaces", "locations", "message", "fix", "edits"])
        #expect((fwd["edits"] as? [String])?.first?.contains("PostUp = sysctl -w net.ipv4.ip_forward=1") == true)
        // A fix that is not an edit has no `edits` key.
        #expect(findings.contains { $0["edits"] == nil })
        #expect(fwd["severity"] as? String == "error")
        #expect((fwd["hosts"] as? [String])?.first == "hub")
        #expect((fwd["interfaces"] as? [String])?.contains("hub/wg0") == true)
        let loc = try #require((fwd["locations"] as? [[String: Any]])?.first)
        #expect((loc["file"] as? String)?.hasSuffix("hub/wg0.conf") == true)
        #expect(loc["line"] as? Int == 2)
    }

    @Test func cleanReportSaysSo() throws {
        let report = LintFixtures.lint(try LintFixtures.load("lint-two-hub"))
        #expect(report.text() == "no findings\n")
        #expect(report.json().contains("\"findings\" : [\n\n  ]") || report.json().contains("\"findings\" : []"))
    }

    /// Private keys never reach a report: findings print public keys only (and never a PresharedKey).
    @Test func reportsNeverHoldPrivateOrPresharedKeys() throws {
        let psk = "uDvEjbHX6nz4lANmr0HBiV29mySGerzVCu6pNUuWdGo="
        let network = try LintFixtures.load(
            "lint-two-hub",
            [
                Edit(
                    "bob/wg0.conf", "KESczRnD0VlivlMxtQage9qV7C/WM98xGxcvENnzcGQ=",
                    "qK28qzAiIdkydSvmZOmeuJVl/RLg8NMsypt2bK0kynk="),
                Edit("alice/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = 25\nPresharedKey = \(psk)"),
                Edit(
                    "alice/wg0.conf", "PublicKey = wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk=",
                    "PublicKey = AS40mhftfg7QSPLoZessWjmDf+QiW3zT5nmLlbbgfAk="),
            ])
        let report = LintFixtures.lint(network)
        #expect(!report.findings.isEmpty)
        let secrets = network.allInterfaces.compactMap { $0.config.interface.privateKey?.base64 } + [psk]
        for out in [report.text(), report.json()] {
            for s in secrets { #expect(!out.contains(s)) }
        }
    }

    /// docs/lint.md documents every code with its severity.
    @Test func docsListEveryCode() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/lint.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for code in FindingCode.allCases {
            #expect(text.contains("### `\(code.rawValue)`"), "docs/lint.md lacks \(code.rawValue)")
        }
    }
}
