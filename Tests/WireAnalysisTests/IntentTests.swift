import Foundation
import Testing
import WireConfig

@testable import WireAnalysis

/// intent.yaml (docs/intent.md): parsed with located errors, printed back to the same value, and queried.
@Suite struct IntentTests {
    static let text = """
        version: 1
        default: reach
        groups:
          wg0-clients: [clients of hub/wg0]
          wg1-clients: [clients of hub/wg1]
          admins: [alice, 10.9.0.7, 10.9.1.0/24]
        rules:
          - allow: [admins, hub]
          - isolate: [wg0-clients, wg1-clients]
          - deny: { from: bob, to: "fd00::1" }
        """

    @Test func parsesGroupsRulesAndDefault() {
        let (intent, diags) = IntentReader.parse(Self.text, file: "intent.yaml")
        #expect(diags.isEmpty, "\(diags)")
        #expect(intent.groups.map(\.name) == ["wg0-clients", "wg1-clients", "admins"])
        #expect(intent.group("wg0-clients")?.members == [.clientsOf(host: "hub", name: "wg0")])
        #expect(
            intent.group("admins")?.members == [
                .host("alice"), .prefix(IPPrefix("10.9.0.7/32")!), .prefix(IPPrefix("10.9.1.0/24")!),
            ])
        #expect(intent.rules.count == 3)
        #expect(
            intent.rules[0].expectation == .mustReach && intent.rules[0].from == .group("admins")
                && intent.rules[0].bothWays)
        #expect(intent.rules[1].keyword == "isolate" && intent.rules[1].expectation == .mustNotReach)
        #expect(intent.rules[2].bothWays == false && intent.rules[2].to == .prefix(IPPrefix("fd00::1/128")!))
        #expect(intent.rules[1].location?.line == 9)
    }

    @Test func printsWhatItReads() {
        let (intent, _) = IntentReader.parse(Self.text, file: "intent.yaml")
        let printed = IntentPrinter.print(intent)
        let (again, diags) = IntentReader.parse(printed, file: "intent.yaml")
        #expect(diags.isEmpty, "\(diags)\n\(printed)")
        func strip(_ i: Intent) -> Intent {
            var i = i
            i.groups = i.groups.map { IntentGroup(name: $0.name, members: $0.members) }
            i.rules = i.rules.map {
                var r = $0
                r.location = nil
                return r
            }
            return i
        }
        #expect(strip(again) == strip(intent), "\(printed)")
    }

    @Test(
        "errors name line, column and field",
        arguments: [
            ("rules:\n  - deny: [a]\n", 2, "rules.deny"),
            ("rules:\n  - permit: [a, b]\n", 2, "rules"),
            ("groups:\n  g: [\"clients of hub\"]\n", 2, "groups.g"),
            ("colour: blue\n", 1, "colour"),
            ("default: maybe\n", 1, "default"),
            ("rules: [\n", 2, nil),
        ] as [(String, Int, String?)])
    func locatedErrors(text: String, line: Int, key: String?) {
        let (_, diags) = IntentReader.parse(text, file: "net/intent.yaml")
        #expect(diags.count >= 1)
        #expect(diags.first?.location.file == "net/intent.yaml")
        #expect(diags.first?.location.line == line, "\(diags)")
        #expect(diags.first?.key == key, "\(diags)")
    }

    @Test func queryOnTheTwoInterfaceHub() throws {
        let (intent, _) = IntentReader.parse(
            "groups:\n  a: [clients of hub/wg0]\n  b: [clients of hub/wg1]\nrules:\n  - isolate: [a, b]\n",
            file: "intent.yaml")
        var network = try NetworkLoader().load(directory: TraceNetworks.root.appendingPathComponent("trace-hub").path)
        #expect(network.intent.isStated == false)
        #expect(network.expectation(from: "alice", to: "10.1.0.2")?.kind == .mustReach)
        network.intent = intent
        let e = network.expectation(from: "alice", to: "10.1.0.2")
        #expect(e?.kind == .mustNotReach)
        #expect(e?.rule?.keyword == "isolate")
        #expect(network.expectation(from: "bob", to: "alice")?.kind == .mustNotReach)
        #expect(network.expectation(from: "alice", to: "10.0.0.1")?.kind == .mustReach)
        #expect(network.expectation(from: "hub", to: "alice")?.kind == .mustReach)
        #expect(network.expectation(from: "nobody", to: "alice") == nil)
        #expect(intent.diagnostics(in: network).isEmpty)
    }

    @Test func unknownNamesAreErrors() throws {
        let network = try NetworkLoader().load(directory: TraceNetworks.root.appendingPathComponent("trace-hub").path)
        let (intent, _) = IntentReader.parse("rules:\n  - deny: [carol, hub/wg7]\n", file: "intent.yaml")
        let d = intent.diagnostics(in: network)
        #expect(d.count == 2)
        #expect(d.allSatisfy { $0.location.line == 2 && $0.severity == .error })
    }
}
