import Foundation
import Testing
import WireLab
import WireTestSupport

/// A running lab for one doctor test: the network up under a fresh id, every listed host's handshakes seen, and the
/// built `wiresmith` to run inside it. The test calls `down()` in a `defer`; a failing `up` leaves nothing behind.
struct DoctorLab {
    let plan: LabPlan
    let binary: String

    /// Brings `directory` (examples/two-hub when nil) up and waits for `hosts`' handshakes. Fails the test when the
    /// lab cannot run on this machine or the executable is not built.
    static func up(_ directory: String? = nil, waitingFor hosts: [String] = ["hub", "alice", "bob"]) throws
        -> DoctorLab
    {
        if let why = DoctorLabEnvironment.unavailable {
            try #require(Bool(false), "lab required but unavailable: \(why)")
        }
        let binary = try #require(TestTools.builtBinary("wiresmith"), "build the wiresmith executable first")
        let id = "d" + String(format: "%05x", Int.random(in: 0..<0xfffff))
        let directory = directory ?? TestTools.packageRoot.appendingPathComponent("examples/two-hub").path
        do {
            let plan = try Lab.up(directory: directory, options: LabOptions(id: id))
            for host in hosts { try DoctorLabTests.waitForHandshakes(plan, host) }
            return DoctorLab(plan: plan, binary: binary)
        } catch {
            _ = try? Lab.down(id: id)
            throw error
        }
    }

    /// Removes the lab (everything its run directory proves it made).
    func down() { _ = try? Lab.down(id: plan.id) }
}
