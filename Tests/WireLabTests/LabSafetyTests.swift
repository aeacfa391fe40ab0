import Foundation
import Testing
import WireAnalysis
import WireConfig
import WireTestSupport

@testable import WireLab

/// Issue 14, lab safety: ids are validated everywhere, `down --all` removes only what a run directory proves a lab
/// made, and two claims of one id at the same moment give one winner. Runs against a temporary state root, never
/// the machine's /run/wiresmith-lab (other labs run at the same time), and touches only namespaces it creates.
@Suite(.serialized) struct LabSafetyTests {
    /// A fresh, private state root for one test.
    static func withRunRoot(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ws-harden-runs-\(UUID())").path
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(root)
    }

    @Test(arguments: ["", "../../x", "..", "/tmp", "ABCD", "a/b", "123456789", "a b", "x\n"])
    func invalidIDsAreRefusedBeforeAnythingIsTouched(id: String) throws {
        try Self.withRunRoot { root in
            // Something an unchecked id would reach: a sibling directory and another run's state.
            let victim = (root as NSString).appendingPathComponent("victim")
            try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: root + "/ab12", withIntermediateDirectories: false)
            let options = LabOptions(runRoot: root + "/runs")
            try FileManager.default.createDirectory(atPath: root + "/runs/ab12", withIntermediateDirectories: true)
            #expect(throws: LabError.self) { try Lab.down(id: id, options: options) }
            #expect(throws: LabError.self) { try Lab.plan(id: id, options: options) }
            #expect(LabState.load(id: id, runRoot: options.runRoot) == nil)
            #expect(FileManager.default.fileExists(atPath: victim))
            #expect(FileManager.default.fileExists(atPath: root + "/runs/ab12"))
            #expect("\(LabError.invalidID(id))".contains("not a lab id"))
        }
    }

    @Test func theCLIRefusesAnIDThatLeavesTheStateDirectory() throws {
        let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ws-harden-keep-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for id in ["../../..\(dir)", ""] {
            let p = try TestTools.run([binary, "lab", "down", "--id", id])
            let message = p.stderrText
            #expect(p.status == 2)
            #expect(message.contains("not a lab id"), "\(message)")
            #expect(FileManager.default.fileExists(atPath: dir))
        }
    }

    /// Sixteen threads claim one id at once: exactly one wins, every other one hears that the id is taken.
    @Test func concurrentClaimsOfOneIDHaveOneWinner() throws {
        try Self.withRunRoot { root in
            let results = Mutex16()
            DispatchQueue.concurrentPerform(iterations: 16) { i in
                do throws(LabError) {
                    try LabState.claim(id: "race1", runRoot: root)
                    results.set(i, "won")
                } catch {
                    if case .idTaken = error { results.set(i, "taken") } else { results.set(i, "\(error)") }
                }
            }
            let all = results.values()
            #expect(all.filter { $0 == "won" }.count == 1)
            #expect(all.filter { $0 == "taken" }.count == 15, "\(all)")
        }
    }

    /// Look-alike namespaces (`ws<4 hex>-...`, and one with a real run's prefix but not in its plan) and look-alike
    /// directories survive `down --all`; the run's own namespace and directory go.
    @Test(.enabled(if: LabEnvironment.shouldRun)) func downAllLeavesLookAlikesAlone() throws {
        try LabEnvironment.require()
        try Self.withRunRoot { root in
            let shell = Shell(searchPath: LabOptions().searchPath)
            let hex = String(format: "%04x", Int.random(in: 0..<0xffff))
            let run = "t" + String(format: "%05x", Int.random(in: 0..<0xfffff))
            let lookAlike = "ws\(hex)-h-lookalike"
            let samePrefix = "\(LabPlan.prefix(id: run))h-notinplan"
            let own = "\(LabPlan.prefix(id: run))internet"
            for ns in [lookAlike, samePrefix, own] { shell.run(["ip", "netns", "add", ns]) }
            defer { for ns in [lookAlike, samePrefix, own] { shell.run(["ip", "netns", "delete", ns]) } }
            // The run's state names only `own`.
            let plan = LabPlan(
                id: run, directory: "/nonexistent", implementation: "wireguard-go", internetNamespace: own, hosts: [],
                hostsFile: "", runDirectory: "\(root)/\(run)")
            try FileManager.default.createDirectory(atPath: plan.runDirectory, withIntermediateDirectories: false)
            try LabState.save(plan)
            // Look-alike directories: not ids, or outside the state root.
            for d in ["\(root)/NOTANID", "\(root)/\(hex)-x", "\(root)/../ws-harden-lookalike-\(hex)"] {
                try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            }
            defer { try? FileManager.default.removeItem(atPath: "\(root)/../ws-harden-lookalike-\(hex)") }

            let lines = try Lab.downAll(options: LabOptions(runRoot: root))
            let left = Set(
                shell.run(["ip", "netns", "list"]).output.split(separator: "\n").map {
                    String($0.split(separator: " ")[0])
                })
            #expect(left.contains(lookAlike) && left.contains(samePrefix), "\(lines)")
            #expect(!left.contains(own))
            #expect(!FileManager.default.fileExists(atPath: plan.runDirectory))
            for d in ["\(root)/NOTANID", "\(root)/\(hex)-x", "\(root)/../ws-harden-lookalike-\(hex)"] {
                #expect(FileManager.default.fileExists(atPath: d))
            }
            // With no run directory at all, `down --id` of the look-alike's id removes nothing.
            _ = try Lab.down(id: hex, options: LabOptions(runRoot: root))
            #expect(
                shell.run(["ip", "netns", "list"]).output.contains(lookAlike))
        }
    }

    @Test func hostsThatShareANamespaceNameAreRefusedNamingBoth() {
        let network = Network(hosts: [
            Host(name: "a b", interfaces: [], facts: HostFacts(publicAddresses: [IPAddress("192.0.2.1")!])),
            Host(name: "a_b", interfaces: [], facts: HostFacts(publicAddresses: [IPAddress("192.0.2.2")!])),
        ])
        #expect {
            try LabPlanner(id: "t1").plan(network: network, directory: "/d")
        } throws: { error in
            "\(error)".contains("`a b`") && "\(error)".contains("`a_b`")
        }
    }

    @Test(arguments: ["255.255.255.255/32", "10.0.0.0/31", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"])
    func aLANWithNoRoomIsAPlanningErrorNotATrap(prefix: String) {
        let p = IPPrefix(prefix)!
        let lan = LAN(name: "x", prefix: p, interface: "eth1", address: p.address(after: 1) ?? p.address)
        let network = Network(hosts: [
            Host(name: "h", interfaces: [], facts: HostFacts(publicAddresses: [IPAddress("192.0.2.1")!], lans: [lan]))
        ])
        #expect(throws: LabError.self) { try LabPlanner(id: "t1").plan(network: network, directory: "/d") }
    }

    @Test func addressRangesCoveredByTheNetworkEndWithAnErrorNotAHang() {
        var pool = AddressPool(avoiding: [IPPrefix("0.0.0.0/0")!, IPPrefix("::/0")!])
        #expect(pool.nextPublicV4() == nil)
        #expect(pool.nextPrivateV4() == nil)
        #expect(pool.nextPublicV6() == nil)
        #expect(pool.nextPrivateV6() == nil)
    }
}

/// Sixteen result slots filled from concurrent threads.
final class Mutex16: @unchecked Sendable {
    private let lock = NSLock()
    private var slots = [String](repeating: "", count: 16)
    func set(_ i: Int, _ v: String) { lock.withLock { slots[i] = v } }
    func values() -> [String] { lock.withLock { slots } }
}
