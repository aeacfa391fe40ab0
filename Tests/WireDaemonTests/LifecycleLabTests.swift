import Foundation
import Testing

/// wireguard-go's process contract: the parent returns once the socket accepts connections; the daemon exits,
/// leaving no socket, on SIGTERM, when its interface is deleted, and when its socket file is removed.
@Suite(.serialized, .enabled(if: DaemonLabEnvironment.shouldRun))
struct LifecycleLabTests {
    var wiresmithd: String { DaemonLabEnvironment.wiresmithd ?? "wiresmithd" }

    func daemonPIDs(_ lab: DaemonLab) -> [Int32] {
        run(["ip", "netns", "pids", lab.ns(.a)]).output.split(separator: "\n").compactMap { Int32($0) }
    }

    @Test func socketIsReadyOnReturnAndPrivate() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.start(.a)
        let path = "/var/run/wireguard/\(lab.interface(.a)).sock"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let dir = try FileManager.default.attributesOfItem(atPath: "/var/run/wireguard")
        #expect((dir[.posixPermissions] as? Int) == 0o755)
        #expect(run(["wg", "show", lab.interface(.a)]).ok)
        #expect(run(lab.inNS(.a, ["ip", "link", "show", lab.interface(.a)])).ok)
        // A second daemon for the same interface refuses, and leaves the first one's socket alone.
        #expect(!run(lab.inNS(.a, [wiresmithd, lab.interface(.a)])).ok)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: ["signal", "delete-link", "remove-socket"])
    func exitsCleanly(on cause: String) throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.start(.a)
        let path = "/var/run/wireguard/\(lab.interface(.a)).sock"
        let pids = daemonPIDs(lab)
        #expect(pids.count == 1)
        switch cause {
        case "signal": for pid in pids { kill(pid, SIGTERM) }
        case "delete-link": try lab.sh(lab.inNS(.a, ["ip", "link", "del", lab.interface(.a)]))
        default: unlink(path)
        }
        #expect(lab.eventually(10) { daemonPIDs(lab).isEmpty })
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!run(lab.inNS(.a, ["ip", "link", "show", lab.interface(.a)])).ok)
    }

    @Test func badUAPIInputGetsAnErrnoAndTheDaemonLives() throws {
        try DaemonLabEnvironment.require()
        let lab = try DaemonLab(a: wiresmithd, b: "wireguard-go")
        defer { lab.close() }
        try lab.start(.a)
        let path = "/var/run/wireguard/\(lab.interface(.a)).sock"
        let bad = run(["sh", "-c", "printf 'set=1\\nlisten_port=99999\\n\\n' | ncat -U \(path)"])
        #expect(bad.output == "errno=-22\n\n")
        let garbage = run(["sh", "-c", "head -c 5000 /dev/urandom | ncat -U \(path)"])
        _ = garbage
        let get = run(["sh", "-c", "printf 'get=1\\n\\n' | ncat -U \(path)"])
        #expect(get.output.hasSuffix("errno=0\n\n"))
        #expect(daemonPIDs(lab).count == 1)
    }
}
