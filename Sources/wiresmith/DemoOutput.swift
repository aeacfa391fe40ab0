import Foundation

/// How the demo speaks: numbered steps, indented detail, colour when the terminal wants it.
struct DemoOutput {
    let color: Bool
    /// A path prefix removed from everything printed (the demo's private scratch folder).
    var strip: String = ""

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s }

    private func emit(_ s: String) {
        print(strip.isEmpty ? s : s.replacingOccurrences(of: strip, with: ""))
        fflush(nil)  // every line shows at once, also when stdout is a pipe
    }

    func title(_ s: String) { emit(paint(s, "1")) }
    func say(_ s: String) { emit(s) }
    /// How many numbered steps the demo has.
    static let steps = 9
    func step(_ n: Int, _ s: String) { emit("\n" + paint("[\(n)/\(DemoOutput.steps)] \(s)", "1;36")) }
    func progress(_ s: String) { emit(paint("      \(s)", "2")) }
    func detail(_ s: String) { emit("      \(s)") }
    func command(_ cmd: String, _ result: String) { emit("      \(cmd)\n        \(result)") }
    func good(_ s: String) { emit("      " + paint("✔ \(s)", "32")) }
    func bad(_ s: String) { emit("      " + paint("✘ \(s)", "31")) }
    func fail(_ s: String) {
        let text = strip.isEmpty ? s : s.replacingOccurrences(of: strip, with: "")
        FileHandle.standardError.write(Data((paint("wiresmith demo: \(text)", "31") + "\n").utf8))
    }
    func finding(code: String, where location: String, message: String, fix: String) {
        emit("      " + paint(code, "31") + "  \(location)")
        emit("        \(message)")
        emit("        " + paint("fix: ", "32") + fix)
    }
    func trace(_ label: String, _ summary: String, delivered: Bool) {
        emit("      " + (delivered ? paint("✔", "32") : paint("✘", "31")) + " \(label): \(summary)")
    }
    func removed(_ s: String) { emit("        " + paint("- \(s)", "31")) }
    func added(_ s: String) { emit("        " + paint("+ \(s)", "32")) }
}
