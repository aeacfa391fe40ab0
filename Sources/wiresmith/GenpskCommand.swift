import ArgumentParser

/// `wiresmith genpsk`: a new preshared key, as `wg genpsk` prints it.
struct GenpskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genpsk",
        abstract: "Print a new random preshared key in base64 (32 random bytes), as `wg genpsk` does.",
        discussion: """
            Like wg, warns on stderr when stdout is a file others can read: set `umask 077` first.
            Exit status: 0 printed; 64 bad command line.
            """
    )

    func run() throws {
        KeyIO.warnIfStdoutWorldAccessible()
        KeyIO.printKey(.generatePreshared())
    }
}
