import Foundation
import Testing
import WireAnalysis
import WirePlan
import WireTestSupport

/// `graph`: the DOT of each planned example, a trace's drop drawn, and one SVG rendered by Graphviz.
@Suite struct GraphTests {
    @Test(arguments: PlanExamplesTests.examples) func drawsEveryHostAndTunnel(_ name: String) throws {
        let (dir, network) = try PlanExamplesTests.plan(name)
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let dot = NetworkGraph(network: network, findings: Linter().lint(network).findings).dot()
        #expect(dot.hasPrefix("digraph wiresmith {\n") && dot.hasSuffix("}\n"))
        for host in network.hosts {
            #expect(dot.contains("subgraph \"cluster_\(host.name)\""))
            for lan in host.facts.lans { #expect(dot.contains("LAN \(lan.name)\\n\(lan.prefix)")) }
        }
        // One tunnel edge per peered pair: a hub with n clients has n, a mesh of n has n(n-1)/2.
        let tunnels = dot.split(separator: "\n").filter { $0.contains("[dir=none, label=") }.count
        let expected = [
            "hub-and-spoke": 2, "two-interfaces": 2, "mesh": 3, "full-tunnel": 2, "site-to-site": 2,
            "isolation": 4,
        ][name]
        #expect(tunnels == expected)
        let isolated = dot.split(separator: "\n").filter { $0.contains("label=\"isolated\"") }.count
        #expect(isolated == (name == "isolation" ? 5 : 0))
        #expect(dot.contains("behind NAT"))
    }

    @Test func drawsTheDroppingHopOfATrace() throws {
        let network = try NetworkLoader().load(directory: TestTools.packageRoot.path + "/examples/two-hub-broken")
        let result = try Tracer(network: network).trace(from: "alice", to: "bob")
        #expect(!result.verdict.delivered)
        let dot = NetworkGraph(network: network, findings: Linter().lint(network).findings, trace: result).dot()
        #expect(dot.contains("\"trace-drop\" [shape=octagon, color=red"))
        #expect(dot.contains("xlabel=\"asymmetric-allowedips"))
    }

    @Test func rendersSVG() throws {
        guard TestTools.which("dot") != nil || TestTools.labRequired else { return }
        let (dir, _) = try PlanExamplesTests.plan("isolation")
        let base = (dir as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: base) }
        let r = try TestTools.run([
            "wiresmith", "graph", dir, "--trace", "alice", "10.0.0.3", "--format", "svg", "--output", base + "/g.svg",
        ])
        #expect(r.status == 0, "\(r.stderrText)")
        let svg = try String(contentsOfFile: base + "/g.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("cluster_hub"))
    }

    @Test func diffShowsOnlyWhatChanges() throws {
        let (dir, _) = try PlanExamplesTests.plan("hub-and-spoke")
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        var topo = try TopologyReader.read(path: TestTools.packageRoot.path + "/examples/plan/hub-and-spoke.yaml")
        topo.mtu = 1380
        let writer = PlanWriter(output: dir)
        let diff = PlanDiff.render(old: writer.current(), new: try writer.plan(topo))
        #expect(diff.contains("- MTU = 1420\n+ MTU = 1380\n"))
        #expect(!diff.contains("PrivateKey") && !diff.contains("PublicKey"))
        #expect(diff.components(separatedBy: "*** ").count - 1 == 3)
    }
}
