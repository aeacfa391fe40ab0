import ArgumentParser
import Foundation
import WireConfig
import WireQR

/// Where a config's QR code goes, shared by `wiresmith qr` and `wiresmith plan --qr`: the terminal, drawn with half
/// blocks, or a PNG file (mode 0600, written atomically). Either way stderr warns that the code holds a private key.
struct QRCodeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the QR code as a PNG image to FILE (mode 0600) instead of drawing it.", valueName: "FILE"))
    var png: String?

    @Flag(help: "Draw the QR code even when standard output is not a terminal (a log or a pipe would keep the key).")
    var force = false

    /// Fails before anything is written when the code would be drawn into something that is not a terminal.
    func preflight(command: String, isTTY: Bool = isatty(STDOUT_FILENO) != 0) throws {
        guard png == nil, !isTTY, !force else { return }
        ConfigFile.printError(
            "wiresmith \(command): standard output is not a terminal, and the QR code holds a private key that a "
                + "log or a file would keep; use --png FILE for an image, or --force to print it anyway")
        throw ExitCode(64)
    }

    /// The QR code of `bytes` (the config read from `source`), or nil after printing why it cannot be made.
    static func encode(_ bytes: [UInt8], source: String, command: String) -> QRCode? {
        do {
            return try QRCode(bytes: bytes)
        } catch {
            ConfigFile.printError(
                "wiresmith \(command): \(source): \(error); a phone can import the file itself instead (the apps' "
                    + "\"import from file\"), or fewer peers and no comments make it smaller")
            return nil
        }
    }

    /// Draws `code` or writes its PNG; warns on stderr when the config holds a private key.
    func emit(_ code: QRCode, source: String, hasPrivateKey: Bool, command: String) throws {
        if hasPrivateKey {
            ConfigFile.printError(
                "wiresmith \(command): warning: this QR code holds the private key of \(source); whoever sees or "
                    + "photographs it can act as that peer. Show it only to the phone that imports it.")
        }
        guard let png else {
            FileHandle.standardOutput.write(Data(QRTerminalRenderer.render(code).utf8))
            return
        }
        do {
            try Self.writePrivately(QRImageRenderer.png(code), to: png)
        } catch {
            ConfigFile.printError("wiresmith \(command): \(png): \(error)")
            throw ExitCode(2)
        }
        print("wrote \(png): QR version \(code.version), level \(code.level), \(code.size)x\(code.size) modules")
    }

    /// A file's failure to be written, with the call and errno.
    struct WriteError: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
    }

    /// Writes `bytes` to a new 0600 file beside `path`, then renames it over `path`: a reader sees the old file or
    /// the whole new one, and the image is never readable by others, whatever the umask.
    static func writePrivately(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary =
            (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(call: "open(\(temporary))", errno: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let e = errno
                close(fd)
                unlink(temporary)
                throw WriteError(call: "write(\(temporary))", errno: e)
            }
            written += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let e = errno
            unlink(temporary)
            throw WriteError(call: "fsync/close(\(temporary))", errno: e)
        }
        guard rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw WriteError(call: "rename(\(temporary), \(path))", errno: e)
        }
    }
}
