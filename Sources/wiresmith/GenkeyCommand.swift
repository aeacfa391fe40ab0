import ArgumentParser
import WireConfig

/// `wiresmith genkey`: a new private key, as `wg genkey` prints it.
struct GenkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genkey",
        abstract: "Print a new random private key in base64 (Curve25519-clamped), as `wg genkey` does.",
        discussion: """
            Like wg, warns on stderr when stdout is a file others can read: set `umask 077` first.
            Exit status: 0 printed; 64 bad command line.
            """
    )

    func run() throws {
        KeyIO.warnIfStdoutWorldAccessible()
        KeyIO.printKey(.generatePrivate())
    }
}
