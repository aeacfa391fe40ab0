import Foundation
import Testing
import WireTestSupport

@testable import WireLab

/// Whether namespace labs can run here: root and every tool. CI sets WIRESMITH_REQUIRE_LAB=1 to turn a skip into
/// a failure.
enum LabEnvironment {
    static let required = TestTools.labRequired

    /// Why labs cannot run here, or nil when they can.
    static let unavailable: String? = {
        do { try Lab.preflight(LabOptions()) } catch { return "\(error)" }
        return nil
    }()

    /// Lab tests run when they can, and also when required (to fail loudly).
    static let shouldRun = unavailable == nil || required

    /// Fails the test when labs cannot run (only reached when required).
    static func require() throws {
        if let why = unavailable { try #require(Bool(false), "lab required but unavailable: \(why)") }
    }

    static let packageRoot = TestTools.packageRoot

    static func network(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/WireLabTests/Networks/\(name)").path
    }

    static func example(_ name: String) -> String { packageRoot.appendingPathComponent("examples/\(name)").path }

    /// The built `wiresmith` executable, for the tests that need a separate process (kill, another user).
    static var binary: String? { TestTools.builtBinary("wiresmith") }

    /// A fresh run id for a test, unlikely to collide with a user's labs (they get 4 hex digits).
    static func freshID() -> String { "t" + String(format: "%05x", Int.random(in: 0..<0xfffff)) }

    /// Everything of run `id` still on the machine: namespaces, links, the run directory, and live `pids`.
    static func leftovers(id: String, pids: [Int32] = []) -> [String] {
        let shell = Shell(searchPath: LabOptions().searchPath)
        let prefix = LabPlan.prefix(id: id)
        var left: [String] = []
        left += shell.run(["ip", "netns", "list"]).output.split(separator: "\n")
            .map { String($0.split(separator: " ")[0]) }.filter { $0.hasPrefix(prefix) }.map { "netns \($0)" }
        left += shell.run(["ip", "-o", "link", "show"]).output.split(separator: "\n")
            .filter { $0.contains(" \(prefix)") }.map { "link \($0)" }
        if FileManager.default.fileExists(atPath: "\(Lab.defaultRunRoot)/\(id)") { left.append("run directory") }
        for pid in pids where FileManager.default.fileExists(atPath: "/proc/\(pid)/ns/net") {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if !stat.contains(") Z") { left.append("process \(pid): \(stat.prefix(40))") }
        }
        return left
    }

    /// Every process in the run's namespaces (holders, wireguard-go).
    static func processes(id: String) -> [Int32] {
        let shell = Shell(searchPath: LabOptions().searchPath)
        let prefix = LabPlan.prefix(id: id)
        let spaces = shell.run(["ip", "netns", "list"]).output.split(separator: "\n")
            .map { String($0.split(separator: " ")[0]) }.filter { $0.hasPrefix(prefix) }
        return spaces.flatMap { ns in
            shell.run(["ip", "netns", "pids", ns]).output.split(separator: "\n").compactMap { Int32($0) }
        }
    }

    /// Sockets in the machine's own /var/run/wireguard.
    static func realSockets() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "/var/run/wireguard")) ?? [])
    }
}
