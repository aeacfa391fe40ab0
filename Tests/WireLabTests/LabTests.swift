import Foundation
import Testing
import WireAnalysis
import WireConfig
import WireProcess
import WireTestSupport

@testable import WireLab

/// Real labs: namespaces, wg-quick, wireguard-go. Root only; one lab at a time (every suite inside is serial);
/// every test removes its run, pass or fail.
@Suite(.serialized, .enabled(if: LabEnvironment.shouldRun)) struct NamespaceLabs {}

extension NamespaceLabs {
    @Suite struct LabTests {
        @Test func twoInterfaceHubCarriesAliceToBobAndLeavesNothing() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let socketsBefore = LabEnvironment.realSockets()
            var options = LabOptions()
            options.id = id
            defer { _ = try? Lab.down(id: id) }
            var lines: [String] = []
            let plan = try Lab.up(directory: LabEnvironment.network("two-hub"), options: options) { lines.append($0) }
            #expect(lines.contains { $0.hasPrefix("hub: wg1 up") })
            let pids = LabEnvironment.processes(id: id)
            #expect(pids.count >= 3 + 3)  // a holder per host, a wireguard-go per interface
            let ping = try Lab.run(plan, node: "alice", command: ["ping", "-c", "1", "-W", "2", "10.1.0.2"])
            #expect(ping.succeeded && ping.output.contains("1 received"))
            #expect(throws: LabError.self) { try Lab.run(plan, node: "carol", command: ["true"]) }
            // Two hosts may both have a wg0: each lists only its own.
            let shell = Shell(searchPath: LabOptions().searchPath)
            for (host, expected) in [("alice", "wg0"), ("bob", "wg0"), ("hub", "wg0 wg1")] {
                let hostPlan = try #require(plan.host(host))
                let enter = try #require(LabState.enter(plan, host: hostPlan))
                let listed = shell.run(enter + ["wg", "show", "interfaces"]).output.split(separator: " ")
                #expect(listed.map { $0.trimmed }.sorted().joined(separator: " ") == expected)
            }
            let matrix = try Lab.check(plan, options: options)
            let aliceToBob = try #require(matrix.result(from: "alice", to: "10.1.0.2"))
            #expect(aliceToBob.answered)
            #expect(matrix.passed, "\(matrix.rendered())")
            #expect(matrix.results.count == (3 * 4 - 4) * 3)  // every pair in each of cold, warm, idle
            #expect(matrix.status == .passed && matrix.interfaces.allSatisfy(\.up))
            // The internet router answers the test address trace documents (docs/trace-json.md).
            let internet = try Lab.run(plan, node: "alice", command: ["ping", "-c", "1", "-W", "2", "203.0.113.254"])
            #expect(internet.succeeded)
            // The hub's name resolved inside alice's private /etc/hosts; DNS = went to alice's private resolv.conf.
            let hostsFile = try String(contentsOfFile: "\(plan.runDirectory)/hosts/alice/resolv.conf", encoding: .utf8)
            #expect(hostsFile.contains("nameserver 10.0.0.1"))
            // Other labs and daemons on this machine may add sockets of their own meanwhile: only this lab's
            // interface names count.
            let ours = Set(plan.hosts.flatMap { $0.interfaces.map { "\($0.name).sock" } })
            #expect(LabEnvironment.realSockets().subtracting(socketsBefore).intersection(ours).isEmpty)

            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id, pids: pids) == [])
            #expect(!((try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "").contains("10.0.0.1 "))
        }

        @Test func aKilledLabUpIsRemovedByLabDown() throws {
            try LabEnvironment.require()
            let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
            let id = LabEnvironment.freshID()
            defer { _ = try? Lab.down(id: id) }
            let p = try Command([binary, "lab", "up", LabEnvironment.network("two-hub"), "--id", id]).start()
            // Kill it once the last host's namespace exists: mid-build, with holders and NAT routers already made.
            let shell = Shell(searchPath: LabOptions().searchPath)
            var seen = false
            for _ in 0..<1000 where !seen {
                seen = shell.run(["ip", "netns", "list"]).output.contains("\(LabPlan.prefix(id: id))h-hub")
                if !seen { usleep(5_000) }
            }
            p.send(SIGKILL)
            _ = p.wait(timeout: nil)
            #expect(seen, "lab up never got as far as the hub")
            let pids = LabEnvironment.processes(id: id)
            #expect(!LabEnvironment.leftovers(id: id).isEmpty)  // the killed run did leave things behind
            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id, pids: pids) == [])
        }

        @Test func missingWgQuickIsExitTwoAndBuildsNothing() throws {
            try LabEnvironment.require()
            let bin = FileManager.default.temporaryDirectory.appendingPathComponent("wsl-path-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: bin) }
            let real = Shell(searchPath: LabOptions().searchPath)
            for tool in Lab.requiredTools(implementation: "wireguard-go") where tool != "wg-quick" {
                try FileManager.default.createSymbolicLink(
                    atPath: bin.appendingPathComponent(tool).path,
                    withDestinationPath: try #require(real.which(tool)))
            }
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id, searchPath: bin.path)
            #expect {
                _ = try Lab.up(directory: LabEnvironment.network("two-hub"), options: options)
            } throws: { e in
                guard case LabError.missingTools(let tools) = e else { return false }
                return tools == ["wg-quick"] && "\(e)".contains("missing tools: wg-quick")
            }
            #expect(LabEnvironment.leftovers(id: id) == [])
        }

        @Test func aConfigWithErrorsIsShownDownWithFileAndLineAndTheRestIsBuilt() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("broken-config"), options: LabOptions(id: id))
            let hub = try #require(plan.host("hub")?.interfaces.first)
            #expect(hub.failure?.contains("broken-config/hub/wg0.conf:8") == true, "\(hub.failure ?? "up")")
            #expect(plan.host("alice")?.interfaces.first?.failure == nil)
            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id) == [])
        }

        /// A PostUp that fails makes wg-quick remove the interface: that interface is down, the rest is built, and
        /// the check says so (exit 1), naming the file and line.
        @Test func anInterfaceWhosePostUpFailsIsDownAndTheRestIsChecked() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("refused-postup"), options: options)
            let alice = try #require(plan.host("alice")?.interfaces.first)
            #expect(alice.failure?.contains("refused-postup/alice/wg0.conf:5") == true, "\(alice.failure ?? "up")")
            #expect(alice.failure?.contains("no-such-device") == true)
            #expect(LabState.load(id: id)?.host("alice")?.interfaces.first?.failure == alice.failure)
            let matrix = try Lab.check(plan, options: options, phases: [.cold])
            #expect(matrix.interfaces.map(\.up) == [false, true])  // alice/wg0, hub/wg0
            #expect(matrix.status == .intentNotMet)
            #expect(matrix.rendered().contains("interface alice/wg0 is down: wg-quick up refused it at"))
            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id) == [])
        }

        /// An Endpoint name with a typo resolves nowhere, as in life (it used to reach the hub): that client's
        /// interface does not come up, the other client's does.
        @Test func anEndpointNameWithATypoDoesNotResolve() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("typo-endpoint"), options: options)
            #expect(plan.host("alice")?.interfaces.first?.failure?.contains("hub.lab.tset") == true)
            #expect(plan.host("bob")?.interfaces.first?.failure == nil)
            #expect(!plan.hostsFile.contains("tset"))
            let matrix = try Lab.check(
                plan, options: options, verdicts: TraceVerdicts.provider(for: plan), phases: [.cold])
            #expect(matrix.result(from: "bob", to: "10.8.0.1")?.answered == true)
            #expect(matrix.result(from: "hub", to: "10.8.0.2")?.answered == false)
            #expect(matrix.disagreements.isEmpty, "\(matrix.rendered())")
        }

        /// Two clients with the same tunnel address: a client's ping to "the other's" address never leaves it, and
        /// must not count as reaching the other.
        @Test func aReusedAddressIsNotCountedAsReachingTheOther() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("reused-address"), options: options)
            let matrix = try Lab.check(plan, options: options, phases: [.cold])
            let aliceToBob = try #require(
                matrix.results.first { $0.source == "alice" && $0.target.host == "bob" })
            #expect(!aliceToBob.answered && aliceToBob.sent == 0)
            #expect(aliceToBob.note?.contains("own address") == true)
            #expect(matrix.status == .intentNotMet)
        }

        /// An interface deleted under a running lab is reported as down by the check, not a crash.
        @Test func aDeletedInterfaceIsReportedNotACrash() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("two-hub"), options: options)
            let bob = try Lab.run(plan, node: "bob", command: ["ip", "link", "del", "wg0"])
            #expect(bob.succeeded, "\(bob.output)")
            let matrix = try Lab.check(plan, options: options, phases: [.cold])
            let state = try #require(matrix.interfaces.first { $0.host == "bob" && $0.name == "wg0" })
            #expect(!state.up && state.reason?.contains("wg0") == true)
            #expect(matrix.result(from: "alice", to: "10.1.0.2")?.answered == false)
            #expect(matrix.result(from: "alice", to: "10.0.0.1")?.answered == true)
            #expect(matrix.status == .intentNotMet)
        }

        /// The exit status means what README, docs/lab.md and --help say: 1 on a broken network (each failing pair
        /// listed with trace's why), 0 on its healthy twin; --json says the same.
        @Test(arguments: [("two-hub-broken", Int32(1)), ("two-hub", Int32(0))])
        func checkExitStatusOnABrokenNetworkAndItsHealthyTwin(example: String, status: Int32) throws {
            try LabEnvironment.require()
            let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
            let id = LabEnvironment.freshID()
            defer { _ = try? Lab.down(id: id) }
            let p = try TestTools.run(
                [binary, "lab", "check", LabEnvironment.example(example), "--json", "--id", id])
            #expect(p.status == status)
            let matrix = try JSONDecoder().decode(ReachabilityMatrix.self, from: Data(p.stdout))
            #expect(matrix.labID == id && matrix.status.rawValue == status && matrix.disagreements.isEmpty)
            #expect(matrix.phases == [.cold, .warm, .idle])
            #expect(matrix.result(from: "alice", to: "10.0.0.1")?.answered == true)
            for phase in LabPhase.allCases {
                let aliceToBob = try #require(matrix.result(from: "alice", to: "10.1.0.2", in: phase))
                #expect(aliceToBob.answered == (status == 0))
                #expect(aliceToBob.failsIntent == (status != 0))
                if status != 0 { #expect(aliceToBob.verdict?.explanation.contains("AllowedIPs") == true) }
            }
            #expect(LabEnvironment.leftovers(id: id) == [])  // check DIR tears its lab down
        }

        /// The demo's flow: the broken hub up, alice cannot reach bob; the fix written; reload; alice reaches bob.
        @Test func reloadAppliesAFixToARunningLab() throws {
            try LabEnvironment.require()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wsl-fix-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            // The configs hold private keys: a 0700 folder, files 0600.
            try FileManager.default.copyItem(atPath: LabEnvironment.example("two-hub-broken"), toPath: dir.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
            for f in ["alice/wg0.conf", "bob/wg0.conf", "carol/wg0.conf", "hub/wg0.conf", "hub/wg1.conf"] {
                try FileManager.default.setAttributes(
                    [.posixPermissions: 0o600],
                    ofItemAtPath: dir.appendingPathComponent(f).path)
            }
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            var plan = try Lab.up(directory: dir.path, options: options)
            let before = try Lab.check(plan, options: options, verdicts: TraceVerdicts.provider(for: plan))
            #expect(before.result(from: "alice", to: "10.1.0.2")?.answered == false)
            #expect(before.disagreements.isEmpty)

            // The fixes lint proposes, applied as edits (what `lint --fix` and the demo do).
            let findings = Linter().lint(try NetworkLoader().load(directory: dir.path)).findings
            let edits = findings.flatMap(\.edits)
            #expect(
                Set(findings.filter { !$0.edits.isEmpty }.map(\.code)) == [.asymmetricAllowedIPs, .forwardingDisabled])
            let changed = try ConfigEdit.apply(edits)
            #expect(changed.count == 2)  // alice/wg0.conf and hub/wg0.conf
            var lines: [String] = []
            plan = try Lab.reload(plan, options: options) { lines.append($0) }
            #expect(lines.count == 2)  // alice/wg0 and hub/wg0; bob/wg0 and hub/wg1 are unchanged

            let after = try Lab.check(plan, options: options, verdicts: TraceVerdicts.provider(for: plan))
            #expect(after.result(from: "alice", to: "10.1.0.2")?.answered == true)
            #expect(after.disagreements.isEmpty, "\(after.rendered())")
            // Only carol (behind NAT, no keepalive) is left unreachable, right after up and once idle.
            #expect(!after.failures.isEmpty && after.failures.allSatisfy { $0.target.host == "carol" })
            #expect(after.failures.allSatisfy { $0.phase != .warm })
            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id) == [])
        }

        /// A NATed laptop without keepalive spoke during the first check; the second must not profit from that.
        @Test func aSecondCheckMeasuresTheSameAsTheFirst() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.example("nat-client-no-keepalive"), options: options)
            let first = try Lab.check(plan, options: options)
            let second = try Lab.check(plan, options: options)
            #expect(first.result(from: "gw", to: "10.20.0.2")?.answered == false)
            #expect(first.result(from: "laptop", to: "10.20.0.1")?.answered == true)
            #expect(first.results.map(\.answered) == second.results.map(\.answered))
        }

        /// The classic client behind NAT without keepalive, measured in time: the gateway cannot reach it right after
        /// up, can once it has sent, cannot once its mapping expired; it always reaches the gateway. Trace agrees.
        @Test func aNATClientWithoutKeepaliveIsReachableOnlyWhileItsMappingLives() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.example("nat-client-no-keepalive"), options: options)
            let m = try Lab.check(plan, options: options, verdicts: TraceVerdicts.provider(for: plan))
            #expect(
                m.results(from: "gw", to: try #require(m.targets.first { $0.host == "laptop" })).map(\.answered)
                    == [false, true, false])
            #expect(
                LabPhase.allCases.allSatisfy { m.result(from: "laptop", to: "10.20.0.1", in: $0)?.answered == true })
            #expect(m.disagreements.isEmpty, "\(m.rendered())")
            #expect(m.status == .intentNotMet)
        }

        /// A PostUp `ping` on the client counts as sending: right after up the gateway reaches it (the check's
        /// session reset runs that ping again rather than undoing it); after the mapping expired it does not.
        @Test func aPostUpPingCountsAsSending() throws {
            try LabEnvironment.require()
            let id = LabEnvironment.freshID()
            let options = LabOptions(id: id)
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(directory: LabEnvironment.network("postup-ping"), options: options)
            let m = try Lab.check(plan, options: options, verdicts: TraceVerdicts.provider(for: plan))
            let laptop = try #require(m.targets.first { $0.host == "laptop" })
            #expect(m.results(from: "gw", to: laptop).map(\.answered) == [true, true, false], "\(m.rendered())")
            #expect(m.disagreements.isEmpty, "\(m.rendered())")
        }

        @Test func notRootIsExitTwoWithAClearMessage() throws {
            try LabEnvironment.require()
            let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
            let p = try TestTools.run([
                "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", binary, "lab", "up",
                LabEnvironment.network("two-hub"), "--id", "tnoroot",
            ])
            #expect(p.status == 2)
            #expect(p.stderrText.contains("the lab needs root"))
            #expect(LabEnvironment.leftovers(id: "tnoroot") == [])
        }
    }
}

extension NamespaceLabs {
    /// Every example network brought up and probed: the lab and trace must agree on every pair. A disagreement is a
    /// bug in one of them.
    @Suite struct LabAgreesWithTraceTests {
        static let examples: [String] = {
            let dir = LabEnvironment.packageRoot.appendingPathComponent("examples").path
            // A network is a directory with WireGuard configs in it (examples/plan holds plan YAML, not a network).
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { name in
                let files = FileManager.default.enumerator(atPath: "\(dir)/\(name)")?.allObjects as? [String] ?? []
                return files.contains { $0.hasSuffix(".conf") }
            }.sorted()
        }()

        /// What the demo rests on, beyond agreement: the healthy hub carries alice to bob, the broken one does not.
        static let aliceToBob: [String: Bool] = [
            "two-hub": true, "two-hub-broken": false,
            "two-hub-missing-subnet": false, "two-hub-no-forwarding": false,
        ]

        @Test func thereAreExamples() {
            #expect(LabAgreesWithTraceTests.examples.count >= 6)
        }

        @Test(arguments: LabAgreesWithTraceTests.examples)
        func labAndTraceAgree(example: String) throws {
            try LabEnvironment.require()
            let dir = LabEnvironment.example(example)
            let network = try Lab.load(directory: dir)
            let id = LabEnvironment.freshID()
            defer { _ = try? Lab.down(id: id) }
            let plan = try Lab.up(network: network, directory: dir, options: LabOptions(id: id))
            let matrix = try Lab.check(
                plan, options: LabOptions(id: id),
                verdicts: TraceVerdicts.provider(for: network))
            #expect(!matrix.results.isEmpty)
            #expect(matrix.results.allSatisfy { $0.verdict != nil }, "trace gave no verdict on some probe")
            #expect(matrix.disagreements.isEmpty, "\(matrix.rendered())")
            if let expected = LabAgreesWithTraceTests.aliceToBob[example] {
                let bob = try #require(plan.host("bob")?.interfaces.first?.addresses.first)
                #expect(matrix.result(from: "alice", to: bob)?.answered == expected)
            }
            try Lab.down(id: id)
            #expect(LabEnvironment.leftovers(id: id) == [])
        }
    }
}
