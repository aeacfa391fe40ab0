import Foundation

/// Colour for terminal output: on only when stdout is a terminal and NO_COLOR (https://no-color.org) is unset or
/// empty, and never with `--no-color`.
struct Terminal: Sendable {
    /// ANSI SGR styles the CLI uses.
    enum Style: String, Sendable {
        case red = "31"
        case yellow = "33"
        case cyan = "36"
        case bold = "1"
        case dim = "2"
    }

    /// Whether to emit escape codes.
    var colour: Bool

    /// Decides from the environment: a TTY on stdout, NO_COLOR unset or empty, and not disabled by a flag.
    init(
        disabled: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment,
        isTTY: Bool = isatty(STDOUT_FILENO) != 0
    ) {
        colour = !disabled && isTTY && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// `text` in `style` when colour is on, else unchanged.
    func paint(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
