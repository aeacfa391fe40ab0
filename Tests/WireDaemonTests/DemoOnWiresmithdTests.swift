import Foundation
import Testing
import WireTestSupport

/// The README's main job, `wiresmith demo`, with `--impl wiresmithd`: diagnosed, fixed and proven on our daemon.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct DemoOnWiresmithdTests {
    @Test func demoRunsOnWiresmithd() throws {
        try DaemonLabEnvironment.require()
        let wiresmith = try #require(TestTools.builtBinary("wiresmith"), "wiresmith is not built")
        let demo = run([wiresmith, "demo", "--impl", "wiresmithd"], timeout: 300)
        #expect(demo.ok, "\(demo.output.suffix(2000))")
        #expect(demo.output.contains("wiresmithd"))
        #expect(demo.output.contains("as intended and as trace predicted"))
    }
}
