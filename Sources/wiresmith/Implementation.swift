import Foundation

/// Which program `--impl` names: a path, a command on PATH, or `wiresmithd` built next to this `wiresmith`.
///
/// `--impl wiresmithd` must work from a build directory (`swift run wiresmith lab up --impl wiresmithd`) where
/// wiresmithd is not installed: when the name is not on PATH but a program of that name sits beside the running
/// executable, its absolute path is used, and wg-quick starts it through WG_QUICK_USERSPACE_IMPLEMENTATION.
enum Implementation {
    static func resolve(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String {
        guard !name.contains("/") else { return name }
        for dir in (path ?? "").split(separator: ":") where !dir.isEmpty {
            if FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return name }
        }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name).path
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let beside = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        }
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : name
    }
}
