import ArgumentParser
import Foundation
import WireConfig

/// `wiresmith showconf FILE`: what `wg showconf` prints after `wg setconf` of FILE (wg-quick keys stripped).
struct ShowconfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showconf",
        abstract: "Print a config exactly as `wg showconf` would show it after `wg setconf` of the file.",
        discussion: """
            FILE may be a wg(8) or a wg-quick(8) config; wg-quick's own keys (Address, DNS, MTU, Table, PreUp, \
            PostUp, PreDown, PostDown, SaveConfig) are left out, as `wg-quick strip` leaves them out. Duplicate \
            [Peer] sections are merged and an AllowedIPs prefix listed by two peers goes to the later one, as a \
            WireGuard device applies them; Endpoint names are resolved on this host, as wg resolves them. Without a \
            ListenPort, wg would show the random port it picked; this prints no ListenPort line. Peers print in file \
            order (the kernel's order; wireguard-go prints them in no fixed order).

            Every problem of the file goes to stderr as FILE:LINE:COL: key: what is wrong (warnings too). What wg \
            rejects is rejected; where wg would silently reinterpret (a port over 65535, an unbracketed IPv6 \
            Endpoint, `127.1`-style hosts, a second PublicKey in one [Peer]), this is an error too. A peer with the \
            interface's own key is left out, as wg leaves it out, with a warning.

            Exit status: 0 printed; 1 the file cannot be read, has errors, or an Endpoint name does not resolve; \
            64 bad command line.
            """
    )

    @Argument(help: "The config file to read (`-` for standard input).")
    var file: String

    func run() throws {
        let text: String
        do {
            text = try ConfigFile.read(file)
        } catch {
            ConfigFile.printError(error.description)
            throw ExitCode(1)
        }
        let result = ConfigParser(dialect: .wgQuick).parse(text, file: file)
        // Names are resolved even when the file has errors, so that one run reports every problem.
        var diagnostics = result.diagnostics
        var output: String?
        do {
            output = try ConfigPrinter.showconf(result.config, resolver: .system)
        } catch {
            diagnostics += error.diagnostics
        }
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        for diagnostic in diagnostics { ConfigFile.printError(diagnostic.description) }
        guard result.isValid, let output else { throw ExitCode(1) }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// Reading config files and writing messages, shared by the config subcommands.
enum ConfigFile {
    /// The whole file as text, read as wg-quick reads bytes; `-` reads standard input. At most
    /// `InputLimits.configBytes` are read: a larger input (`- < /dev/zero`) stops there with an error.
    static func read(_ path: String) throws(InputFile.ReadError) -> String {
        let bytes =
            path == "-"
            ? try InputFile.readStandardInput(limit: InputLimits.configBytes)
            : try InputFile.read(path, limit: InputLimits.configBytes)
        return InputFile.text(bytes)
    }

    /// One line to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
