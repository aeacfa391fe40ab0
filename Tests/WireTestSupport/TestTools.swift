import Foundation
import WireProcess

/// What every test target shares to run programs: the built binaries, the tools on this machine, and whether CI
/// demands them (`WIRESMITH_REQUIRE_LAB=1`: then a missing tool or binary is a failure, never a skip).
public enum TestTools {
    /// True when CI demands labs and live oracles (`WIRESMITH_REQUIRE_LAB=1`).
    public static var labRequired: Bool { ProcessInfo.processInfo.environment["WIRESMITH_REQUIRE_LAB"] == "1" }

    /// The package root, found from this file's path (Tests/WireTestSupport/TestTools.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built executable `name` (wiresmith, wiresmithd), or nil when it is not built. Looked for, in order: the
    /// path in `WIRESMITH_BIN` (for `wiresmith`) or `WIRESMITHD_BIN`, next to the running test binary (the
    /// build directory `swift test` uses, whatever the triple), then .build/debug and .build/release.
    public static func builtBinary(_ name: String) -> String? {
        let variable = name.uppercased().replacingOccurrences(of: "-", with: "_") + "_BIN"
        if let path = ProcessInfo.processInfo.environment[variable] { return path }
        var directories: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // The runner is .build/TRIPLE/debug/wiresmithPackageTests.xctest (a file on Linux, a bundle elsewhere).
        for up in [1, 4] {
            var dir = runner
            for _ in 0..<up { dir.deleteLastPathComponent() }
            directories.append(dir)
        }
        directories += ["debug", "release"].map { packageRoot.appendingPathComponent(".build/\($0)") }
        for dir in directories {
            let path = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The full path of a program in `Command.defaultSearchPath`, or nil.
    public static func which(_ tool: String) -> String? { Command.which(tool) }

    /// Why a test cannot run here (not root, a tool or a built binary missing), or nil when it can.
    public static func missing(_ tools: [String], needsRoot: Bool = false, binaries: [String] = []) -> String? {
        if needsRoot && getuid() != 0 { return "not running as root" }
        let absent = tools.filter { which($0) == nil }
        if !absent.isEmpty { return "missing tools: \(absent.joined(separator: ", "))" }
        let unbuilt = binaries.filter { builtBinary($0) == nil }
        if !unbuilt.isEmpty { return "not built: \(unbuilt.joined(separator: ", ")) (run `swift build --build-tests`)" }
        return nil
    }

    /// Whether a test that needs `tools` should run: when it can, and also when CI requires it (to fail loudly).
    public static func shouldRun(_ tools: [String], needsRoot: Bool = false, binaries: [String] = []) -> Bool {
        labRequired || missing(tools, needsRoot: needsRoot, binaries: binaries) == nil
    }

    /// Runs a program to completion through WireProcess (`Command`), feeding `input` on stdin; a program name is
    /// looked up in `Command.defaultSearchPath`, and "wiresmith"/"wiresmithd" mean the built binaries.
    @discardableResult
    public static func run(
        _ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:],
        workingDirectory: String? = nil, mergesOutput: Bool = false, timeout: Duration = .seconds(600)
    ) throws(CommandError) -> CommandOutput {
        var arguments = arguments
        if ["wiresmith", "wiresmithd"].contains(arguments[0]), let built = builtBinary(arguments[0]) {
            arguments[0] = built
        }
        return try Command(
            arguments, environment: environment, workingDirectory: workingDirectory, input: input, timeout: timeout,
            mergesOutput: mergesOutput
        ).run()
    }
}
