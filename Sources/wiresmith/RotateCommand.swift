import ArgumentParser
import Foundation
import WireAnalysis
import WirePlan

/// `wiresmith rotate DIR HOST...`: new keys for those hosts, every config naming them updated, the rollout printed.
///
/// Exit status: 0 rotated, 2 when the directory cannot be loaded, a host is unknown or a file cannot be written
/// (nothing is written then). Private keys are never printed (docs/plan.md, "rotate").
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Give hosts new keys, update every config that names them, and print a live rollout order.",
        discussion: """
            Only PrivateKey lines of the hosts' interfaces and PublicKey lines naming their old keys change. The \
            rollout lists spokes first and hubs last, each step a `wg set` that applies it without restarting an \
            interface: every peer learns the new key (no AllowedIPs, no keepalive yet), the host switches its \
            private key, each peer waits to see the host's handshake under the new key, then moves its AllowedIPs \
            and keepalive to the new key and drops the old one. Measured in a lab, an intended pair then loses at \
            most a probe or two (20 ms apart) per step; skipping the wait can cost a peer 5 s (docs/plan.md).

            Example:
              wiresmith rotate net hub alice     (new keys for hub and alice; the rollout is printed)

            Exit status: 0 rotated, 2 unusable input.
            """
    )

    @Argument(help: "The network directory.")
    var directory: String

    @Argument(help: "The hosts whose interfaces get new keys.")
    var hosts: [String]

    @Flag(
        help: ArgumentHelp(
            "Print what was updated and the rollout as JSON (schema wiresmith-rotate/1).",
            discussion: """
                {schema, updated: [FILE], rollout: [{interface, oldPublicKey, newPublicKey, learn: [{host, \
                command}], setPrivateKey: {host, interface}, waitForHandshake: [{host, command}], move: [{host, \
                command}]}]}, commands as argument arrays; on failure {schema, error} and exit 2.
                """))
    var json = false

    func run() throws {
        do {
            let network = try NetworkLoader().load(directory: directory)
            let rotation = try Rotation(network: network, hosts: hosts)
            try rotation.write()
            if json {
                print(Self.json(rotation))
                return
            }
            for f in rotation.files.keys.sorted() { print("updated \(f)") }
            print("rollout (spokes first, hubs last):")
            var n = 0
            for s in rotation.rollout() {
                if s.hasPrefix("#") {
                    print(s)
                } else {
                    n += 1
                    print("  \(n). \(s)")
                }
            }
        } catch {
            if json {
                print(Self.encode(["schema": "wiresmith-rotate/1", "error": "\(error)"]))
            } else {
                FileHandle.standardError.write(Data("wiresmith rotate: \(error)\n".utf8))
            }
            throw ExitCode(2)
        }
    }

    /// The rotation as wiresmith-rotate/1 JSON. Public keys only: private keys never leave the files.
    static func json(_ rotation: Rotation) -> String {
        func commands(_ list: [(host: String, command: [String])]) -> [[String: Any]] {
            list.map { ["host": $0.host, "command": $0.command] }
        }
        let steps: [[String: Any]] = rotation.ordered.map { c in
            [
                "interface": c.interface.description, "oldPublicKey": c.oldPublic.base64,
                "newPublicKey": c.newPublic.base64, "learn": commands(c.learnCommands()),
                "setPrivateKey": ["host": c.interface.host, "interface": c.interface.interface],
                "waitForHandshake": commands(c.handshakeChecks()), "move": commands(c.moveCommands()),
            ]
        }
        return encode([
            "schema": "wiresmith-rotate/1", "updated": rotation.files.keys.sorted(), "rollout": steps,
        ])
    }

    static func encode(_ object: [String: Any]) -> String {
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
