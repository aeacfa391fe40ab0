import Foundation
import Testing
import WirePlan
import WireTestSupport

/// Bad topologies: each problem named with its line and column, and nothing written.
@Suite struct TopologyErrorTests {
    static func problems(_ text: String) -> [String] {
        do {
            _ = try TopologyReader.parse(text, file: "t.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func unknownHostInPolicy() {
        let p = Self.problems(
            """
            hosts:
              hub: { public: 192.0.2.1 }
              a: {}
            networks:
              wg0: { hub: hub, subnets: [10.0.0.0/24], members: [a] }
            intent:
              rules:
                - isolate: [a, mallory]
            """)
        #expect(p == ["t.yaml:8:7: intent: unknown host `mallory` in `mallory` (not under hosts:)"])
    }

    @Test func overlappingSubnets() {
        let p = Self.problems(
            """
            hosts:
              hub: { public: 192.0.2.1, lans: [10.0.0.128/25] }
              a: {}
            networks:
              wg0: { hub: hub, subnets: [10.0.0.0/24], members: [a] }
            """)
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("t.yaml:5:30: networks.wg0.subnets: 10.0.0.0/24 overlaps 10.0.0.128/25") == true)
    }

    @Test func twoInterfacesOnOnePort() {
        let p = Self.problems(
            """
            hosts:
              hub: { public: 192.0.2.1 }
              a: {}
            networks:
              wg0: { hub: hub, port: 51820, subnets: [10.0.0.0/24], members: [a] }
              wg1: { hub: hub, port: 51820, subnets: [10.1.0.0/24], members: [a] }
            """)
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("t.yaml:6:26: networks.wg1.port: `hub` already listens on 51820 for wg0") == true)
    }

    @Test func pairThatCanNeverMeet() {
        let p = Self.problems(
            """
            hosts:
              a: { behind_nat: true }
              b: { behind_nat: true }
            networks:
              wg0: { subnets: [10.0.0.0/24], members: [a, b] }
            """)
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("t.yaml:5:47: networks.wg0: `a` and `b` can never meet") == true)
    }

    @Test func unknownHostInNetwork() {
        let p = Self.problems(
            """
            hosts:
              hub: { public: 192.0.2.1 }
            networks:
              wg0: { hub: hub, subnets: [10.0.0.0/24], members: [ghost] }
            """)
        #expect(p == ["t.yaml:4:54: networks.wg0.members: unknown host `ghost` (not under hosts:)"])
    }

    /// The CLI with a bad topology: exit 2, the problem on stderr, the output directory untouched and no staging
    /// directory left beside it.
    @Test func nothingWrittenOnError() throws {
        let base = NSTemporaryDirectory() + "wiresmith-plan-bad-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/out", withIntermediateDirectories: true)
        try "keep\n".write(toFile: base + "/out/marker", atomically: true, encoding: .utf8)
        let bad = """
            hosts: { a: { behind_nat: true }, b: { behind_nat: true } }
            networks: { wg0: { subnets: [10.0.0.0/24], members: [a, b] } }

            """
        try bad.write(toFile: base + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try TestTools.run(["wiresmith", "plan", base + "/bad.yaml", "--out", base + "/out"])
        #expect(r.status == 2)
        #expect(r.stderrText.contains("bad.yaml:2:"), "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out") == ["marker"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).sorted() == ["bad.yaml", "out"])
    }
}
