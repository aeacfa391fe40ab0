import Foundation
import Testing
import WireAnalysis
import WireConfig
import WirePlan
import WireTestSupport

/// `rotate`: the hub and two clients of a planned network get new keys; every config is updated, the network still
/// lints clean and meets its intent, the untouched host keeps its key, and the rollout puts spokes before the hub.
@Suite struct RotationTests {
    @Test func rotatesHubAndTwoClients() throws {
        let (dir, before) = try PlanExamplesTests.plan("isolation")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let rotation = try Rotation(network: before, hosts: ["hub", "alice", "guest1"])
        try rotation.write()
        let after = try NetworkLoader().load(directory: dir)
        func key(_ h: String, _ i: String) -> WireKey? { after.host(h)?.interface(i)?.publicKey }
        func old(_ h: String, _ i: String) -> WireKey? { before.host(h)?.interface(i)?.publicKey }
        for (h, i) in [("hub", "wg0"), ("hub", "wg1"), ("alice", "wg0"), ("guest1", "wg1")] {
            #expect(key(h, i) != old(h, i))
        }
        #expect(key("bob", "wg0") == old("bob", "wg0"))
        #expect(Linter().lint(after).findings.filter { $0.severity == .error }.isEmpty)
        let tracer = Tracer(network: after)
        for (a, b) in [("alice", "10.0.0.3"), ("bob", "10.0.0.2"), ("guest1", "10.1.0.1"), ("alice", "10.1.0.2")] {
            #expect(try tracer.trace(from: a, to: b).intent.met, "\(a) -> \(b)")
        }
        let steps = rotation.rollout()
        let hubStep = try #require(steps.firstIndex { $0.hasPrefix("# hub/") })
        let aliceStep = try #require(steps.firstIndex { $0.hasPrefix("# alice/") })
        #expect(aliceStep < hubStep)
        // Keepalive is turned on only when the AllowedIPs move (step 3), never when a peer first learns the new key:
        // it would send an initiation to a key the host does not hold yet, and the retry comes 5 s later.
        for c in rotation.changes {
            #expect(c.learnCommands().allSatisfy { !$0.command.contains("persistent-keepalive") })
            let kept = zip(c.peers, c.moveCommands()).filter { $0.0.keepalive != nil }
            #expect(kept.allSatisfy { $0.1.command.contains("persistent-keepalive") })
        }
        #expect(rotation.changes.contains { c in c.peers.contains { $0.keepalive != nil } })
        // No private key anywhere in the rollout.
        let privates = [("hub", "wg0"), ("alice", "wg0")].compactMap {
            after.host($0.0)?.interface($0.1)?.config.interface.privateKey?.base64
        }
        #expect(privates.count == 2 && !privates.contains { p in steps.contains { $0.contains(p) } })
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/hub/wg0.conf")
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    /// `rotate --json`: the rollout as data, spokes before the hub, public keys only, the files it names 0600.
    @Test(.enabled(if: TestTools.builtBinary("wiresmith") != nil)) func rotateJSON() throws {
        let (dir, _) = try PlanExamplesTests.plan("isolation")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let run = try TestTools.run(["wiresmith", "rotate", dir, "hub", "alice", "--json"])
        #expect(run.status == 0, "\(run.stderrText)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        #expect(object["schema"] as? String == "wiresmith-rotate/1")
        let rollout = try #require(object["rollout"] as? [[String: Any]])
        #expect(rollout.map { $0["interface"] as? String } == ["alice/wg0", "hub/wg0", "hub/wg1"])
        let after = try NetworkLoader().load(directory: dir)
        for step in rollout {
            let name = try #require(step["interface"] as? String).split(separator: "/").map(String.init)
            let key = after.host(name[0])?.interface(name[1])?.config.interface.privateKey
            #expect(step["newPublicKey"] as? String == key?.publicKey.base64)
            #expect(!run.stdoutText.contains(try #require(key?.base64)))
            let move = try #require(step["move"] as? [[String: Any]])
            #expect(move.allSatisfy { ($0["command"] as? [String])?.last == "remove" })
        }
        let updated = try #require(object["updated"] as? [String])
        #expect(updated.count == 6)
        for file in updated {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let unknown = try TestTools.run(["wiresmith", "rotate", dir, "mallory", "--json"])
        #expect(unknown.status == 2 && unknown.stdoutText.contains("no host `mallory`"))
    }

    @Test func unknownHostWritesNothing() throws {
        let (dir, network) = try PlanExamplesTests.plan("hub-and-spoke")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        #expect(throws: RotationError.self) { try Rotation(network: network, hosts: ["alice", "mallory"]) }
    }
}
