import Foundation
import Testing
import WireTestSupport

@testable import WireLab

extension NamespaceLabs {
    /// The main job, run as the README runs it: `wiresmith demo` must show the failure, name both causes with their
    /// files and lines, name them again from the running hosts (doctor, snapshots), apply the fixes, prove them, and
    /// leave nothing behind.
    @Suite struct DemoTests {
        @Test func demoDiagnosesFixesAndProvesTheTwoInterfaceHub() throws {
            try LabEnvironment.require()
            let binary = try #require(LabEnvironment.binary, "build the wiresmith executable first")
            let runsBefore = Set(Lab.runningIDs())
            let p = try TestTools.run(
                [binary, "demo", "--no-color"], workingDirectory: LabEnvironment.packageRoot.path, mergesOutput: true)
            let text = p.stdoutText
            #expect(p.status == 0, "\(text)")
            // The failure, shown before anything is fixed.
            #expect(text.contains("0 received"))
            #expect(text.contains("no answer: alice cannot reach bob"))
            // Both causes, each with its file and line.
            #expect(text.contains("asymmetric-allowedips  two-hub-broken/alice/wg0.conf:10"))
            #expect(text.contains("forwarding-disabled  two-hub-broken/hub/wg0.conf"))
            #expect(text.contains("trace alice -> bob: dropped at hop 1"))
            #expect(text.contains("trace bob -> alice: dropped at hop 2"))
            // The same causes from the running hosts alone: doctor on the hub and on alice, then every host's
            // snapshot linted together, each cause named by its code and where it was seen.
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            func shown(_ code: String, _ place: String) -> Bool {
                lines.contains { $0.hasPrefix(code + " ") && $0.contains(place) }
            }
            #expect(text.contains("hub$ wiresmith doctor\n"))
            #expect(shown("forwarding-disabled", "wg0, wg1  (seen: /proc/sys/net/ipv4/ip_forward: 0)"))
            #expect(shown("keepalive-missing", "wg0  (seen: wg show all dump: peer 0P4rMJzj"))
            #expect(text.contains("alice$ wiresmith doctor\n"))
            #expect(shown("asymmetric-allowedips", "alice.json: wireguard[0].peers[0].allowedIPs"))
            #expect(shown("forwarding-disabled", "hub.json: sysctl[\"net.ipv4.ip_forward\"]"))
            #expect(shown("keepalive-missing", "carol.json: wireguard[0].peers[0].endpoint"))
            #expect(
                text.contains(
                    "✔ the same causes lint found from the configs: asymmetric-allowedips, forwarding-disabled, "
                        + "keepalive-missing"))
            // The fix, as edits, and its proof.
            #expect(text.contains("+ AllowedIPs = 10.0.0.0/24, 10.1.0.0/24"))
            #expect(text.contains("+ PostUp = sysctl -w net.ipv4.ip_forward=1"))
            #expect(text.contains("lint: no errors left"))
            #expect(text.contains("3 received"))
            #expect(text.contains("bob answers alice"))
            // The client behind NAT without keepalive, measured in time, then fixed by keepalive.
            #expect(text.contains("keepalive-missing  two-hub-broken/carol/wg0.conf:9"))
            #expect(text.contains("✘ cold: hub pings carol right after up, before carol has sent anything: no"))
            #expect(text.contains("✔ warm: hub pings carol after carol has sent: answered"))
            #expect(text.contains("✘ idle: hub pings carol after the NAT mappings no keepalive refreshes expired"))
            #expect(text.contains("+ PersistentKeepalive = 25"))
            #expect(text.contains("✔ idle: hub pings carol after the NAT mappings no keepalive refreshes expired"))
            #expect(!text.contains("DISAGREES"))
            #expect(text.contains("45/45 as intended; 45/45 as trace predicted"))
            #expect(text.contains("(lab check exit 0)"))
            // What the demo says about the network is what the example holds.
            #expect(
                text.contains(
                    "wg0 (UDP 51820, 10.0.0.0/24) with alice and carol, wg1 (UDP 51821, 10.1.0.0/24) with bob"))
            #expect(text.contains("Behind NAT (host.yaml): carol."))
            // Torn down: its own run is gone (other labs on this machine may come and go meanwhile), and the
            // example itself was not edited.
            let own = text.split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "lab "), line.contains(": removed") else { return nil }
                return String(line[r.upperBound...].prefix { $0 != ":" })
            }.first
            let id = try #require(own, "the demo never said which lab it removed")
            #expect(!runsBefore.contains(id) && !Lab.runningIDs().contains(id))
            let original = try String(
                contentsOfFile: LabEnvironment.example("two-hub-broken/alice/wg0.conf"),
                encoding: .utf8)
            #expect(original.contains("AllowedIPs = 10.0.0.0/24\n"))
        }
    }
}
