import Foundation
import WireConfig
import WireNet
import WireProcess

#if canImport(Glibc)
    import Glibc
#endif

/// Samples a running host over a window of a few seconds (issue #17 step 6, `doctor --sample/--probe/--capture`):
/// `wg show all dump` at both ends, pings through the tunnel to the peers while it runs, and with `capture` the UDP
/// datagrams on the listen ports (`tcpdump -w`, parsed by `PacketCapture`). Sends pings; changes nothing.
public struct TrafficSampler: Sendable {
    /// Why a window could not be sampled.
    public enum SampleError: Error, Equatable, Sendable, CustomStringConvertible {
        /// `wg show all dump` failed at the end of the window.
        case dumpFailed(String)
        /// An address given to probe that no peer's AllowedIPs cover: no peer would carry the ping.
        case noPeerFor(String)

        public var description: String {
            switch self {
            case .dumpFailed(let why): return "wg show all dump: \(why)"
            case .noPeerFor(let a): return "--probe-to \(a): no peer's AllowedIPs cover it"
            }
        }
    }

    /// Where commands are looked up.
    public var searchPath: String
    /// The shortest window, in seconds (pings may make it longer).
    public var seconds: Int
    /// Ping each peer's first host AllowedIP (/32 or /128).
    public var probe: Bool
    /// Addresses to ping instead; each goes to the peer whose AllowedIPs cover it (cryptokey routing).
    public var probeTargets: [String]
    /// Capture UDP on the listen ports during the window.
    public var capture: Bool

    /// A sampler.
    public init(
        searchPath: String = Command.defaultSearchPath, seconds: Int = 3, probe: Bool = false,
        probeTargets: [String] = [], capture: Bool = false
    ) {
        self.searchPath = searchPath
        self.seconds = seconds
        self.probe = probe
        self.probeTargets = probeTargets
        self.capture = capture
    }

    /// The LAN machines among `probeTargets` (an address on a non-WireGuard link of this host): for each, the link,
    /// and the WireGuard interfaces with an address of the same family to send the second ping from.
    public func lanTargets(_ snapshot: HostSnapshot) -> [(link: String, address: String, sources: [(String, String)])] {
        let wgNames = Set(snapshot.wireguard.map(\.name))
        var out: [(link: String, address: String, sources: [(String, String)])] = []
        for target in probeTargets {
            guard let address = IPAddress(target) else { continue }
            let link = snapshot.links.first { l in
                !wgNames.contains(l.name)
                    && l.addresses.contains {
                        IPPrefix($0).map { $0.contains(address) && $0.address != address } ?? false
                    }
            }
            guard let link else { continue }
            let sources = snapshot.wireguard.compactMap { wg -> (String, String)? in
                let own = snapshot.link(wg.name)?.addresses.compactMap { IPPrefix($0)?.address }
                    .first { a in
                        a.isIPv6 == address.isIPv6
                            && !(a.isIPv6 && Doctor.linkLocal(IPPrefix(address: a, length: 128) ?? IPPrefix("::/0")!))
                    }
                return own.map { (wg.name, $0.description) }
            }
            out.append((link.name, target, sources))
        }
        return out
    }

    /// The address to ping for each peer (`interface` + key), following `probe` and `probeTargets`.
    public func targets(_ snapshot: HostSnapshot) throws(SampleError) -> [(String, String, String)] {
        var out: [(String, String, String)] = []
        let lan = Set(lanTargets(snapshot).map(\.address))
        for target in probeTargets where !lan.contains(target) {
            guard let address = IPAddress(target) else { throw .noPeerFor(target) }
            var best: (String, String, Int)?
            for wg in snapshot.wireguard {
                for p in wg.peers {
                    for text in p.allowedIPs {
                        guard let prefix = IPPrefix(text), prefix.contains(address) else { continue }
                        if best == nil || prefix.length > best!.2 { best = (wg.name, p.publicKey, prefix.length) }
                    }
                }
            }
            guard let best else { throw .noPeerFor(target) }
            out.append((best.0, best.1, target))
        }
        guard probe && probeTargets.isEmpty else { return out }
        for wg in snapshot.wireguard {
            for p in wg.peers {
                let host = p.allowedIPs.compactMap { IPPrefix($0) }.first {
                    $0.length == ($0.address.isIPv6 ? 128 : 32) && !Doctor.linkLocal($0)
                }
                if let host { out.append((wg.name, p.publicKey, host.address.description)) }
            }
        }
        return out
    }

    /// Samples the window for the interfaces of `snapshot` (only `interface`, and of its peers only those `peer`
    /// matches, when given: what `Doctor.run` will judge); `progress` gets a line for each thing it starts.
    public func sample(
        _ whole: HostSnapshot, interface: String? = nil, peer: String? = nil, progress: (String) -> Void
    ) throws(SampleError) -> TrafficSample {
        var snapshot = whole
        if let interface { snapshot.wireguard = snapshot.wireguard.filter { $0.name == interface } }
        if let peer {
            for i in snapshot.wireguard.indices {
                snapshot.wireguard[i].peers = snapshot.wireguard[i].peers.filter { Doctor.peer($0, matches: peer) }
            }
        }
        let pings = try targets(snapshot)
        let started = Date()
        var capturing: (RunningCommand, String)?
        var captureError: String?
        let ports = Set(snapshot.wireguard.map(\.listenPort).filter { $0 > 0 })
        // The counters first, then the capture: whatever the capture sees arrived after this read.
        let before = (try? dump()) ?? snapshot.wireguard
        // What reaches each WireGuard interface, started before and stopped after the UDP capture, so a packet
        // decrypted from a datagram that capture holds is in this one too.
        var tunnels: [(String, RunningCommand, String)] = []
        if capture {
            if ports.isEmpty {
                captureError = "no listen port to capture on"
            } else {
                for wg in snapshot.wireguard {
                    var ignored: String?
                    if let (running, path) = startCapture(
                        ["-i", wg.name, "-Q", "in", "-s", String(PacketCapture.tunnelSnapshotLength)], error: &ignored)
                    {
                        tunnels.append((wg.name, running, path))
                    }
                }
                progress("capturing UDP port(s) \(ports.sorted().map(String.init).joined(separator: ", ")) (tcpdump)")
                capturing = startCapture(
                    ["-i", "any", "-s", String(PacketCapture.snapshotLength), PacketCapture.filter(ports: ports)],
                    error: &captureError)
            }
        }
        var results: [String: ProbeResult] = [:]
        let lans = lanTargets(snapshot)
        var lanProbes: [LANProbe]?
        if !pings.isEmpty || !lans.isEmpty {
            for (wg, key, address) in pings { progress("probing \(address) through \(wg) (peer \(key.prefix(8))…)") }
            // Every ping at once: the peers' first, then per LAN machine one from this host and one per tunnel.
            var jobs: [(source: String?, address: String)] = pings.map { (nil, $0.2) }
            for lan in lans {
                progress("probing \(lan.address) on \(lan.link), from this host and from each tunnel address")
                jobs.append((nil, lan.address))
                jobs += lan.sources.map { ($0.1, lan.address) }
            }
            let outcomes = Command.runAll(
                jobs.map { source, address in
                    Command(
                        ["ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "5"] + (source.map { ["-I", $0] } ?? [])
                            + [address], searchPath: searchPath, timeout: .seconds(30))
                }
            ).enumerated().map { i, r -> ProbeResult in
                switch r {
                case .success(let out): return Self.pingResult(jobs[i].address, out.stdoutText)
                case .failure(let e): return ProbeResult(address: jobs[i].address, sent: 0, received: 0, error: "\(e)")
                }
            }
            for (i, (wg, key, _)) in pings.enumerated() { results["\(wg) \(key)"] = outcomes[i] }
            var at = pings.count
            if !lans.isEmpty { lanProbes = [] }
            for lan in lans {
                let direct = outcomes[at]
                at += 1
                for (wg, source) in lan.sources {
                    lanProbes!.append(
                        LANProbe(
                            link: lan.link, address: lan.address, direct: direct, interface: wg, source: source,
                            fromTunnel: outcomes[at]))
                    at += 1
                }
            }
        }
        let left = Double(seconds) - Date().timeIntervalSince(started)
        if left > 0 {
            if pings.isEmpty { progress("sampling counters for \(seconds) s") }
            Thread.sleep(forTimeInterval: left)
        }
        let after: [WireGuardState]
        let read = Date().timeIntervalSince1970
        do { after = try dump() } catch { throw .dumpFailed("\(error)") }
        var counts: [String: PacketCapture.Counts]?
        if let (running, path) = capturing {
            // An initiation answered just before the read has its response captured in this grace; a handshake
            // message that arrived just before the read may not be in the counters yet, so those count only up to
            // `responseGrace` before it.
            Thread.sleep(forTimeInterval: Self.responseGrace)
            let bytes = Self.stopCapture(running, path)
            var keys: [Int: [UInt8]] = [:]
            for wg in snapshot.wireguard where wg.listenPort > 0 {
                if let key = (wg.derivedPublicKey ?? wg.publicKey).flatMap({ WireKey(base64: $0) }) {
                    keys[wg.listenPort] = key.bytes
                }
            }
            counts = PacketCapture.count(
                bytes, ports: ports, publicKeys: keys, privateKeys: privateKeys(snapshot),
                handshakesUntil: read - Self.responseGrace)
            if counts == nil { captureError = "tcpdump wrote no readable pcap file" }
        }
        var arrived: [String: [IPAddress]] = [:]
        for (name, running, path) in tunnels {
            let bytes = Self.stopCapture(running, path)
            if counts != nil { arrived[name] = PacketCapture.sources(bytes) }
        }
        let seconds = Date().timeIntervalSince(started)
        var peers: [PeerTraffic] = []
        for wg in snapshot.wireguard {
            let old = before.first { $0.name == wg.name }
            let new = after.first { $0.name == wg.name }
            // The packets seen on the interface, by the peer whose AllowedIPs accept their source.
            let reached: [String: Int]? = arrived[wg.name].map { sources in
                let owners = (new ?? whole.wireguard.first { $0.name == wg.name } ?? wg).peers
                var n: [String: Int] = [:]
                for source in sources {
                    if let owner = Self.owner(of: source, among: owners) { n[owner, default: 0] += 1 }
                }
                return n
            }
            for p in wg.peers {
                let a = old?.peers.first { $0.publicKey == p.publicKey } ?? p
                let b = new?.peers.first { $0.publicKey == p.publicKey } ?? a
                var t = PeerTraffic(
                    interface: wg.name, publicKey: p.publicKey, endpoint: b.endpoint,
                    rxBytes: b.rxBytes &- a.rxBytes, txBytes: b.txBytes &- a.txBytes,
                    handshakeBefore: a.latestHandshake, handshakeAfter: b.latestHandshake,
                    probe: results["\(wg.name) \(p.publicKey)"])
                if let counts, let host = b.endpoint.flatMap(Self.endpointAddress) {
                    t.packetsIn = counts[host]?.inbound ?? 0
                    t.packetsOut = counts[host]?.outbound ?? 0
                    t.dataIn = counts[host]?.inboundData ?? 0
                    t.dataOut = counts[host]?.outboundData ?? 0
                    t.handshakes(counts[host] ?? PacketCapture.Counts())
                }
                if let reached { t.tunnelIn = reached[p.publicKey] ?? 0 }
                peers.append(t)
            }
        }
        return TrafficSample(
            seconds: (seconds * 10).rounded() / 10, captured: counts != nil, captureError: captureError, peers: peers,
            lanProbes: lanProbes, strangers: counts.map { Self.strangers(snapshot, after, $0) })
    }

    /// How long a handshake initiation is given to be processed and answered (WireGuard answers one at once: three
    /// Diffie-Hellman operations, microseconds): the capture runs this long after the final counter read, and
    /// initiations captured less than this before that read are left to the next window.
    static let responseGrace = 0.5

    /// The address of an Endpoint (`IP:PORT`, `[IPv6]:PORT`) in the form `PacketCapture` keys it by.
    static func endpointAddress(_ endpoint: String) -> String? {
        guard let colon = endpoint.lastIndex(of: ":") else { return nil }
        let host = endpoint[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return IPAddress(host)?.description
    }

    /// `ping -q`'s summary line: "3 packets transmitted, 2 received, ...".
    static func pingResult(_ address: String, _ output: String) -> ProbeResult {
        for line in output.split(separator: "\n") where line.contains("packets transmitted") {
            let numbers = line.split(separator: ",").map {
                Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? 0
            }
            if numbers.count >= 2 { return ProbeResult(address: address, sent: numbers[0], received: numbers[1]) }
        }
        return ProbeResult(
            address: address, sent: 0, received: 0, error: output.isEmpty ? "ping printed nothing" : "no statistics")
    }

    /// The captured initiations from addresses that are no endpoint of the receiving interface's peers (at the end
    /// of the window).
    static func strangers(
        _ snapshot: HostSnapshot, _ after: [WireGuardState], _ counts: [String: PacketCapture.Counts]
    ) -> [StrangerInitiations] {
        var out: [StrangerInitiations] = []
        for wg in snapshot.wireguard where wg.listenPort > 0 {
            let peers = (after.first { $0.name == wg.name } ?? wg).peers
            let known = Set(peers.compactMap { $0.endpoint.flatMap(endpointAddress) })
            for (address, c) in counts.sorted(by: { $0.key < $1.key })
            where c.initiationPorts.contains(wg.listenPort) && !known.contains(address) {
                out.append(
                    StrangerInitiations(
                        interface: wg.name, address: address, initiations: c.inboundInitiations,
                        forAnotherKey: c.inboundInitiationsForAnotherKey, keys: c.initiatorKeys.keys.sorted(),
                        answered: c.outboundResponses + c.outboundCookieReplies))
            }
        }
        return out
    }

    /// Each listen port's private key (`wg show all private-key`), to open captured initiations with: held in
    /// memory for `PacketCapture.count` only, never stored, printed or put in a snapshot. Empty when unreadable.
    private func privateKeys(_ snapshot: HostSnapshot) -> [Int: [UInt8]] {
        guard
            let out = try? Command(
                ["wg", "show", "all", "private-key"], searchPath: searchPath, timeout: .seconds(20)
            ).run().check().stdoutText
        else { return [:] }
        var keys: [Int: [UInt8]] = [:]
        for line in out.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let wg = snapshot.wireguard.first(where: { $0.name == fields[0] }),
                wg.listenPort > 0, let key = WireKey(base64: String(fields[1]))
            else { continue }
            keys[wg.listenPort] = key.bytes
        }
        return keys
    }

    private func dump() throws -> [WireGuardState] {
        try WireGuardDump.parse(
            try Command(["wg", "show", "all", "dump"], searchPath: searchPath, timeout: .seconds(20)).run().check()
                .stdoutText)
    }

    /// The peer whose AllowedIPs hold the longest prefix covering `address`: the one WireGuard accepts a packet
    /// from that source from (whitepaper §2), nil when none does.
    static func owner(of address: IPAddress, among peers: [PeerState]) -> String? {
        var best: (String, Int)?
        for p in peers {
            for prefix in p.allowedIPs.compactMap({ IPPrefix($0) }) where prefix.contains(address) {
                if best == nil || prefix.length > best!.1 { best = (p.publicKey, prefix.length) }
            }
        }
        return best?.0
    }

    /// Stops a capture `startCapture` started and returns what it wrote, the file removed (empty when unreadable).
    private static func stopCapture(_ running: RunningCommand, _ path: String) -> [UInt8] {
        running.send(SIGINT)
        _ = try? running.finish()
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
        unlink(path)
        return bytes
    }

    /// Starts `tcpdump -n -U -w FILE` with `arguments` (interface, snap length, filter) writing to a fresh file and
    /// waits until it has written the file header (it is capturing).
    private func startCapture(_ arguments: [String], error why: inout String?) -> (RunningCommand, String)? {
        let path = "/tmp/wiresmith-capture-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pcap"
        let command = Command(
            ["tcpdump", "-n", "-U", "-Z", "root", "-w", path] + arguments,
            searchPath: searchPath, timeout: .seconds(seconds + 600))
        let running: RunningCommand
        do { running = try command.start() } catch {
            why = "\(error)"
            return nil
        }
        for _ in 0..<400 {
            var info = stat()
            if stat(path, &info) == 0, info.st_size >= 24 { return (running, path) }
            if let status = running.wait(timeout: .milliseconds(50)) {
                let out = try? running.finish()
                unlink(path)
                why = "tcpdump exited \(status): \(out?.stderrText ?? "")"
                return nil
            }
        }
        running.send(SIGINT)
        _ = try? running.finish()
        unlink(path)
        why = "tcpdump did not start capturing in 20 s"
        return nil
    }
}
