import ArgumentParser
import Foundation
import WireAnalysis
import WireConfig
import WireLab

/// `wiresmith demo`: the main job, live. A hub with two WireGuard interfaces and its clients is brought up broken in
/// network namespaces; the client-to-client ping fails; lint and trace name why and where from the configs; doctor
/// on the running hub and client, and every host's snapshot linted together, name the same causes; the fixes lint
/// proposes are applied; the ping answers; a client behind NAT without keepalive is measured in time
/// (cold, warm, idle) and fixed; everything is torn down.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Live demo: a broken two-interface hub in namespaces, diagnosed from its configs, fixed, proven.",
        discussion: """
            Needs root and the tools scripts/install-deps.sh installs (wg, wg-quick, wireguard-go, ip, iptables,
            ping). Nothing outside the lab's own network namespaces is touched, and everything is torn down at the
            end, also on failure or Ctrl-C.

            The network (examples/two-hub-broken): a hub with wg0 (UDP 51820, 10.0.0.0/24) and wg1 (UDP 51821,
            10.1.0.0/24), alice and carol on wg0, bob on wg1. alice's AllowedIPs miss wg1's subnet and the hub never
            turns on IP forwarding, the two mistakes operators most often make with such a hub; carol sits behind
            NAT with no PersistentKeepalive. The demo shows alice failing to reach bob, names both causes from the
            configs, then from the running hosts alone (doctor on the hub and alice, every host's snapshot linted
            together), applies the fixes and proves them; then measures carol in time - the hub cannot reach her
            right after up, can once she has sent, cannot once her NAT mapping expired - and proves that
            PersistentKeepalive fixes it.

            Exit status:
              0  the fault was shown, diagnosed, fixed and the fix proven
              1  a step did not behave as the demo expects (the output says which)
              2  the demo could not run (not root, missing tools, network not found)
            """
    )

    @Option(help: "The broken network to start from (a directory of HOST/IFACE.conf files).")
    var network: String?

    @Option(help: "The client that pings.") var from = "alice"
    @Option(help: "The client it pings.") var to = "bob"

    @Option(help: "The userspace WireGuard implementation wg-quick starts.")
    var impl = "wireguard-go"

    @Flag(help: "Do not colour the output.") var noColor = false

    func run() throws {
        let out = DemoOutput(color: Terminal(disabled: noColor).colour)
        let source: String
        do { source = try locateNetwork() } catch {
            out.fail(error.localizedDescription)
            throw ExitCode(2)
        }
        let cancellation = LabCancellation()
        cancellation.installSignalHandlers()
        let options = LabOptions(implementation: Implementation.resolve(impl), cancellation: cancellation)
        do { try Lab.preflight(options) } catch {
            out.fail("\(error)")
            throw ExitCode(2)
        }
        // Work on a private copy: the configs hold private keys (0700 folder, 0600 files), and the fix edits them.
        let scratch: String
        let work: String
        do { (scratch, work) = try copyNetwork(source) } catch {
            out.fail("cannot copy \(source): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Findings name files inside the private copy; show them as paths of the network instead.
        let shown = DemoOutput(
            color: out.color, strip: URL(fileURLWithPath: work).deletingLastPathComponent().path + "/")
        let steps = DemoSteps(out: shown, options: options, directory: work, from: from, to: to)
        let ok = steps.run(displayedSource: source)
        if !ok { throw ExitCode(1) }
    }

    /// The network directory: `--network`, else examples/two-hub-broken found from the working directory, the
    /// executable's location (.build/<config>/wiresmith) or this source file's checkout.
    func locateNetwork() throws -> String {
        let fm = FileManager.default
        if let network {
            guard fm.fileExists(atPath: network) else { throw DemoError.notFound(network) }
            return network
        }
        let relative = "examples/two-hub-broken"
        var candidates = [relative]
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(exe.deletingLastPathComponent().appendingPathComponent("../../../\(relative)").path)
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../\(relative)").standardizedFileURL.path)
        for c in candidates where fm.fileExists(atPath: c + "/hub/wg0.conf") {
            return c == relative ? c : URL(fileURLWithPath: c).standardizedFileURL.path
        }
        throw DemoError.notFound(relative)
    }

    /// Copies the network into a new private temporary folder; returns the folder and the copy inside it.
    func copyNetwork(_ source: String) throws -> (String, String) {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("wiresmith-demo-\(UUID().uuidString.prefix(8))").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let work = dir + "/" + URL(fileURLWithPath: source).lastPathComponent
        do {
            try fm.copyItem(atPath: source, toPath: work)
            if let e = fm.enumerator(atPath: work) {
                for case let f as String in e where f.hasSuffix(".conf") {
                    try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: work + "/" + f)
                }
            }
        } catch {
            try? fm.removeItem(atPath: dir)
            throw error
        }
        return (dir, work)
    }

    enum DemoError: LocalizedError {
        case notFound(String)
        var errorDescription: String? {
            switch self {
            case .notFound(let p):
                return "\(p): network not found; run from the wiresmith checkout or pass --network DIR"
            }
        }
    }
}
