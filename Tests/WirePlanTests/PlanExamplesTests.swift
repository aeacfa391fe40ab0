import Foundation
import Testing
import WireAnalysis
import WireConfig
import WireNet
import WirePlan
import WireTestSupport

/// Every example topology (examples/plan/) planned, then judged by lint and trace as oracles: lint finds no error,
/// and trace delivers every pair the intent allows (in every phase) and drops every pair it denies (in every phase).
@Suite struct PlanExamplesTests {
    static let examples = ["hub-and-spoke", "two-interfaces", "mesh", "full-tunnel", "site-to-site", "isolation"]

    static func plan(_ name: String) throws -> (dir: String, network: Network) {
        let topo = try TopologyReader.read(path: TestTools.packageRoot.path + "/examples/plan/\(name).yaml")
        let dir = NSTemporaryDirectory() + "wiresmith-plan-\(name)-\(UUID().uuidString.prefix(8))/out"
        let writer = PlanWriter(output: dir)
        try writer.commit(try writer.plan(topo))
        return (dir, try NetworkLoader().load(directory: dir))
    }

    @Test(arguments: examples) func lintsClean(_ name: String) throws {
        let (dir, network) = try Self.plan(name)
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let report = Linter().lint(network)
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(name): \(errors.map { "\($0.code) \($0.message)" })")
    }

    @Test(arguments: examples) func traceMeetsTheIntent(_ name: String) throws {
        let (dir, network) = try Self.plan(name)
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let tracer = Tracer(network: network)
        var pairs = 0
        var denied = 0
        for a in network.hosts {
            for b in network.hosts where b.name != a.name {
                var targets = b.interfaces.flatMap { $0.config.interface.addresses.map(\.address.description) }
                for lan in b.facts.lans {
                    targets.append(lan.hostAddress.description)
                    let machine = lan.prefix.address.withLeftAligned(
                        lan.prefix.address.leftAligned + (UInt128(50) << UInt128(128 - lan.prefix.address.bitWidth)))
                    targets.append(machine.description)
                }
                for t in targets {
                    // A source of the target's family: trace picks the host's address of that family.
                    let family = IPAddress(t)!.isIPv4
                    guard
                        a.interfaces.contains(where: {
                            $0.config.interface.addresses.contains { $0.address.isIPv4 == family }
                        })
                    else { continue }
                    let r = try tracer.trace(from: a.name, to: t)
                    pairs += 1
                    if r.intent.expect == .mustNotReach { denied += 1 }
                    let why = "\(name): \(a.name) -> \(t) (\(b.name)) expected \(r.intent.expect) (\(r.intent.rule))"
                    #expect(r.intent.met, "\(why), got \(r.verdict) \(r.condition)")
                }
            }
        }
        #expect(pairs > 0)
        if name == "isolation" { #expect(denied > 0) }
    }

    @Test func filesArePrivateAndKeysKept() throws {
        let (dir, _) = try Self.plan("hub-and-spoke")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/alice/wg0.conf")
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let before = try String(contentsOfFile: dir + "/alice/wg0.conf", encoding: .utf8)
        let topo = try TopologyReader.read(path: TestTools.packageRoot.path + "/examples/plan/hub-and-spoke.yaml")
        let writer = PlanWriter(output: dir)
        let again = try writer.plan(topo)
        #expect(again["alice/wg0.conf"] == before)
        #expect(PlanDiff.render(old: writer.current(), new: again).isEmpty)
    }
}
