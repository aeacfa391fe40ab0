import Foundation
import Testing
import WireAnalysis
import WireLab

/// `wiresmith lab --impl wiresmithd`: every example network built with wiresmithd as wg-quick's userspace
/// implementation. The lab must agree with trace on every probe, as WireLabTests requires of wireguard-go, so both
/// implementations give the same matrix.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct LabOnWiresmithdTests {
    static let examples: [String] = {
        let dir = DaemonLabEnvironment.packageRoot.appendingPathComponent("examples").path
        let fm = FileManager.default
        // A network is a directory with configs in it or in host directories (examples/plan holds YAML plans).
        return ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { name in
            let entries = (try? fm.contentsOfDirectory(atPath: "\(dir)/\(name)")) ?? []
            return entries.contains { entry in
                var isDir: ObjCBool = false
                return entry.hasSuffix(".conf")
                    || (fm.fileExists(atPath: "\(dir)/\(name)/\(entry)", isDirectory: &isDir) && isDir.boolValue)
            }
        }.sorted()
    }()

    @Test(arguments: LabOnWiresmithdTests.examples)
    func exampleAgreesWithTrace(example: String) throws {
        try DaemonLabEnvironment.require()
        let wiresmithd = try #require(DaemonLabEnvironment.wiresmithd)
        let dir = DaemonLabEnvironment.packageRoot.appendingPathComponent("examples/\(example)").path
        let network = try Lab.load(directory: dir)
        let id = "d" + String(format: "%03x", Int.random(in: 0..<0x1000))
        let options = LabOptions(implementation: wiresmithd, id: id)
        defer { _ = try? Lab.down(id: id) }
        let plan = try Lab.up(network: network, directory: dir, options: options)
        let matrix = try Lab.check(plan, options: options, verdicts: TraceVerdicts.provider(for: network))
        #expect(!matrix.results.isEmpty)
        #expect(matrix.disagreements.isEmpty, "\(matrix.rendered())")
        try Lab.down(id: id)
    }
}
