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
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(dir)/\(name)", isDirectory: &isDir) && isDir.boolValue
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
