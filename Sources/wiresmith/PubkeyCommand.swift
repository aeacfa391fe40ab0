import ArgumentParser
import Foundation

/// `wiresmith pubkey`: the public key of the private key on stdin, as `wg pubkey` prints it.
struct PubkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubkey",
        abstract: "Read a private key in base64 on stdin and print its public key, as `wg pubkey` does.",
        discussion: """
            The input is 44 characters of base64 (32 bytes), optionally followed by spaces or newlines only.
            Exit status: 0 printed; 1 the input is not a key; 64 bad command line.
            """
    )

    func run() throws {
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        switch KeyIO.parseKey(stdin: input) {
        case .success(let key):
            KeyIO.printKey(key.publicKey)
        case .failure(let problem):
            FileHandle.standardError.write(Data("wiresmith pubkey: \(problem)\n".utf8))
            throw ExitCode(1)
        }
    }
}
