import Foundation
import Testing

@testable import WireConfig

/// Issue 14, files: `lint --fix` writes keys only to files born 0600 in the target's directory, writes through a
/// symbolic link (and keeps it), and puts earlier files back when a later one fails; errors are sentences.
@Suite struct ConfigFileWriteTests {
    static let config =
        "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.1/24\n"

    static func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ws-harden-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    @Test func theWrittenFileIs0600AndNoTemporaryFileStays() throws {
        try Self.withDirectory { dir in
            let path = dir + "/wg0.conf"
            try Self.config.write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o644)
            let old = umask(0)
            defer { umask(old) }
            var editor = try ConfigEditor(contentsOf: path)
            try editor.addInterfaceLine(.postUp, "true")
            #expect(try editor.write(to: path) == .replaced)
            #expect(Self.mode(path) == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["wg0.conf"])
        }
    }

    @Test func aSymlinkedConfigIsWrittenThroughAndTheLinkKept() throws {
        try Self.withDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: false)
            try Self.config.write(toFile: dir + "/real/wg0.conf", atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/wg0.conf", withDestinationPath: "real/wg0.conf")
            var editor = try ConfigEditor(contentsOf: dir + "/wg0.conf")
            try editor.addInterfaceLine(.postUp, "true")
            let outcome = try editor.write(to: dir + "/wg0.conf")
            #expect(outcome == .wroteThroughLink(target: dir + "/real/wg0.conf"))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/wg0.conf") == "real/wg0.conf")
            #expect(try String(contentsOfFile: dir + "/real/wg0.conf", encoding: .utf8).contains("PostUp = true"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/real") == ["wg0.conf"])
        }
    }

    @Test func aFailingLaterFileRollsBackTheEarlierOnes() throws {
        try Self.withDirectory { dir in
            let a = dir + "/a.conf"
            let b = dir + "/b.conf"
            try Self.config.write(toFile: a, atomically: false, encoding: .utf8)
            try Self.config.write(toFile: b, atomically: false, encoding: .utf8)
            let edits: [ConfigEdit] = [
                .addInterfaceLine(file: a, key: .postUp, value: "echo a"),
                .addInterfaceLine(file: b, key: .postUp, value: "echo b"),
            ]
            #expect {
                try ConfigEdit.apply(edits) { (editor, file) throws(ConfigEditor.WriteError) in
                    if file == b { throw ConfigEditor.WriteError(path: file, reason: "the disk is full") }
                    try editor.write(to: file)
                }
            } throws: { error in
                let text = "\(error)"
                return text.contains("b.conf was not written: the disk is full")
                    && text.contains("Restored to their old text: \(a)") && !text.contains("NSCocoaErrorDomain")
            }
            #expect(try String(contentsOfFile: a, encoding: .utf8) == Self.config)
            #expect(try String(contentsOfFile: b, encoding: .utf8) == Self.config)
        }
    }

    @Test func unreadableAndNonUTF8FilesAreSentences() throws {
        try Self.withDirectory { dir in
            #expect {
                try ConfigEdit.apply([.addInterfaceLine(file: dir, key: .postUp, value: "x")])
            } throws: { "\($0)".contains("is a directory") && "\($0)".contains("no file was changed") }
            try Data([0x5B, 0xFF, 0x5D, 0x0A]).write(to: URL(fileURLWithPath: dir + "/x.conf"))
            #expect {
                try ConfigEdit.apply([.addInterfaceLine(file: dir + "/x.conf", key: .postUp, value: "x")])
            } throws: { "\($0)".contains("not UTF-8") }
        }
    }
}
