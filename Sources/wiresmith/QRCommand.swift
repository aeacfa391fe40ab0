import ArgumentParser
import Foundation
import WireConfig
import WireQR

/// `wiresmith qr FILE`: a config as a QR code for the WireGuard mobile apps, on the terminal or as a PNG.
struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Show a wg-quick config as a QR code for the WireGuard mobile apps (terminal or PNG).",
        discussion: """
            The phone apps (Android, iOS) add a tunnel from a scanned config: "+", then "Scan from QR code". The \
            code carries FILE's bytes exactly, in byte mode, at the smallest QR version that holds them (level L, \
            raised to M when that fits the same version); the largest config a QR code holds is 2953 bytes. The \
            file is checked first, and every error is printed as FILE:LINE:COL: key: what is wrong.

            The code holds the config's private key: a warning says so on stderr. Drawn on the terminal only when \
            standard output is one (a pipe or a CI log would keep the key), unless --force; --png writes an image \
            instead, mode 0600, whole or not at all. The terminal form is white on black half blocks with a \
            four-module quiet zone, like `qrencode -t ansiutf8`; widen the terminal if it wraps.

            Examples:
              wiresmith qr net/alice/wg0.conf
              wiresmith qr net/alice/wg0.conf --png alice.png
              wiresmith plan office.yaml --out net --qr alice     (plan, then show it)

            Exit status: 0 shown or written; 2 the file cannot be read, has errors, does not fit a QR code, or the \
            PNG cannot be written; 64 bad command line, or stdout not a terminal without --force or --png.
            """
    )

    @Argument(help: "The wg-quick config to show (`-` for standard input).")
    var file: String

    @OptionGroup var output: QRCodeOptions

    func run() throws {
        try output.preflight(command: "qr")
        let bytes: [UInt8]
        do {
            bytes =
                file == "-"
                ? try InputFile.readStandardInput(limit: InputLimits.configBytes)
                : try InputFile.read(file, limit: InputLimits.configBytes)
        } catch {
            ConfigFile.printError("wiresmith qr: \(error)")
            throw ExitCode(2)
        }
        let parsed = ConfigParser(dialect: .wgQuick).parse(InputFile.text(bytes), file: file)
        for diagnostic in parsed.diagnostics { ConfigFile.printError(diagnostic.description) }
        guard parsed.isValid else { throw ExitCode(2) }
        guard let code = QRCodeOptions.encode(bytes, source: file, command: "qr") else { throw ExitCode(2) }
        try output.emit(code, source: file, hasPrivateKey: parsed.config.interface.privateKey != nil, command: "qr")
    }
}
