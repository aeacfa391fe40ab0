import Foundation
import Testing
import WireTestSupport

@testable import WireLab

extension NamespaceLabs {
    /// The main job, run as the README runs it: `wiresmith demo` must show the failure, name both causes with their
    /// files and lines, apply the fixes, prove them, and leave nothing behind.
    @Suite struct DemoTests {
        @Test func demoDiagnosesFixesAndProvesTheTwoInterfaceHub() throws {
            try LabEnvironment.require()
            let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
            let runsBefore = Set(Lab.runningIDs())
            let p = try TestTools.run(
                [binary, "demo", "--no-color"], workingDirectory: LabEnvironment.packageRoot.path, mergesOutput: true)
            let text = p.stdoutText
            #expect(p.status == 0, "\(text)")
            // The failure, shown before anything is fixed.
            #expect(text.contains("0 received"))
            #expect(text.contains("no answer: alice cannot reach bob"))
            // Both causes, each with its file and line.
            #expect(text.contains("asymmetric-allowedips  two-hub-broken/alice/wg0.conf:10"))
            #expect(text.contains("forwarding-disabled  two-hub-broken/hub/wg0.conf"))
            #expect(text.contains("trace alice -> bob: dropped at hop 1"))
            #expect(text.contains("trace bob -> alice: dropped at hop 2"))
            // The fix, as edits, and its proof.
            #expect(text.contains("+ AllowedIPs = 10.0.0.0/24, 10.1.0.0/24"))
            #expect(text.contains("+ PostUp = sysctl -w net.ipv4.ip_forward=1"))
            #expect(text.contains("lint: no errors left"))
            #expect(text.contains("3 received"))
            #expect(text.contains("bob answers alice"))
            #expect(text.contains("probes as trace predicted"))
            // Torn down: no run of its own is left, and the example itself was not edited.
            #expect(Set(Lab.runningIDs()).subtracting(runsBefore).isEmpty)
            let original = try String(
                contentsOfFile: LabEnvironment.example("two-hub-broken/alice/wg0.conf"),
                encoding: .utf8)
            #expect(original.contains("AllowedIPs = 10.0.0.0/24\n"))
        }
    }
}
