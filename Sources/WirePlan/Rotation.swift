import Foundation
import WireAnalysis
import WireConfig

/// New keys for some hosts of a network directory, every config that names them updated, and the order to roll the
/// change out live (docs/plan.md, "rotate").
///
/// Only the key lines change: the rotated interface's `PrivateKey` and, in every other config, the `PublicKey` of a
/// [Peer] that named the old key; comments and layout stay. Every file's new text is computed before any is written,
/// and each is written atomically with mode 0600, so a failure before writing leaves the directory as it was.
public struct Rotation {
    /// One rotated interface.
    public struct Change: Sendable {
        public var interface: Network.InterfaceID
        public var oldPublic: WireKey
        public var newPrivate: WireKey
        public var newPublic: WireKey { newPrivate.publicKey }
        /// The interfaces that have a [Peer] for it, with the AllowedIPs, Endpoint and keepalive they give it.
        public var peers: [(id: Network.InterfaceID, allowed: [String], endpoint: String?, keepalive: Int?)]
    }

    public var changes: [Change]
    /// New text by file path.
    public var files: [String: String]

    /// Plans the rotation of every interface of `hosts`; throws when a host is unknown or has no key.
    public init(network: Network, hosts: [String]) throws(RotationError) {
        var changes: [Change] = []
        var texts: [String: String] = [:]
        func text(_ path: String) throws(RotationError) -> String {
            if let t = texts[path] { return t }
            guard let d = FileManager.default.contents(atPath: path), let t = String(data: d, encoding: .utf8) else {
                throw .unreadable(path)
            }
            return t
        }
        for name in hosts {
            guard let host = network.host(name) else { throw .unknownHost(name) }
            for i in host.interfaces {
                guard let old = i.publicKey else { throw .noKey(i.qualifiedName) }
                let new = WireKey.generatePrivate()
                var change = Change(
                    interface: .init(host: name, interface: i.name), oldPublic: old, newPrivate: new, peers: [])
                texts[i.file] = Self.replace(in: try text(i.file), key: "privatekey", old: nil, new: new.base64)
                for h in network.hosts {
                    for j in h.interfaces where j.qualifiedName != i.qualifiedName {
                        guard let p = j.config.peers.first(where: { $0.publicKey == old }) else { continue }
                        change.peers.append(
                            (
                                .init(host: h.name, interface: j.name), p.allowedIPs.map(\.description),
                                p.endpoint?.description, p.persistentKeepalive.map { Int($0) }
                            ))
                        texts[j.file] = Self.replace(
                            in: try text(j.file), key: "publickey", old: old.base64, new: new.publicKey.base64)
                    }
                }
                changes.append(change)
            }
        }
        self.changes = changes
        self.files = texts
    }

    /// Replaces the value of every `KEY = OLD` line (any `KEY` line when `old` is nil), keeping the rest.
    static func replace(in text: String, key: String, old: String?, new: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == key else {
                return String(line)
            }
            let value = parts[1].split(separator: "#", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if let old, value != old { return String(line) }
            return "\(parts[0].trimmingCharacters(in: .whitespaces)) = \(new)"
        }.joined(separator: "\n")
    }

    /// Writes every changed file atomically, mode 0600.
    public func write() throws {
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let tmp = path + ".rotate-\(UUID().uuidString.prefix(8))"
            guard
                FileManager.default.createFile(
                    atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw RotationError.unwritable(path) }
            guard rename(tmp, path) == 0 else {
                try? FileManager.default.removeItem(atPath: tmp)
                throw RotationError.unwritable(path)
            }
        }
    }

    /// The changes in rollout order: interfaces with fewest peers (spokes) first, hubs last.
    public var ordered: [Change] {
        changes.sorted { ($0.peers.count, $0.interface) < ($1.peers.count, $1.interface) }
    }

    /// The rollout: for each change in `ordered`, every peer learns the new key (`learnCommands`: no AllowedIPs yet,
    /// so nothing is routed to it), the host switches to its new private key, every peer with traffic sees the host's
    /// handshake with the new key (`handshakeChecks`), then every peer moves the AllowedIPs to the new key and drops
    /// the old one in one `wg set` (`moveCommands`). Between the last two steps the host's
    /// packets are refused by the peers not yet moved; each step is one command, so the gap is that long. Only the
    /// private key is set live (not `wg syncconf`), so a host whose peer is rotated in the same run keeps talking to
    /// that peer's old key until the peer's own turn.
    public func rollout() -> [String] {
        var steps: [String] = []
        for c in ordered {
            let me = c.interface
            steps.append("# \(me): \(c.oldPublic.shortBase64) -> \(c.newPublic.base64)")
            for (host, command) in c.learnCommands() {
                steps.append("on \(host): " + command.joined(separator: " "))
            }
            steps.append(
                "on \(me.host): install the new \(me.interface).conf, then wg set \(me.interface) private-key "
                    + "<(wg-quick strip \(me.interface) | sed -n 's/^PrivateKey = //p')")
            for (host, command) in c.handshakeChecks() {
                steps.append(
                    "on \(host): wait until `" + command.joined(separator: " ") + "` lists \(c.newPublic.base64) "
                        + "with a time (a second at most: with no traffic there is no handshake, and none to cross)")
            }
            for (p, move) in zip(c.peers, c.moveCommands()) {
                steps.append(
                    "on \(move.host): " + move.command.joined(separator: " ")
                        + "; install the new \(p.id.interface).conf")
            }
        }
        return steps
    }
}

extension Rotation.Change {
    /// Step 1, on every peer: `wg set IFACE peer NEW [endpoint E]`. No AllowedIPs, and no persistent keepalive yet:
    /// turning keepalive on makes the peer send a handshake initiation at once, to a key the host does not hold
    /// until step 2; that initiation is dropped, and the peer's next try comes a Rekey-Timeout (5 s) later, which
    /// measured as a 5-second outage of that peer in the hub's step (docs/plan.md).
    public func learnCommands() -> [(host: String, command: [String])] {
        peers.map { p in
            var command = ["wg", "set", p.id.interface, "peer", newPublic.base64]
            if let e = p.endpoint { command += ["endpoint", e] }
            return (p.id.host, command)
        }
    }

    /// Between steps 2 and 3, on every peer: `wg show IFACE latest-handshakes`, until it lists the new key with a
    /// non-zero time. The host, whose sessions its key change ended, starts a handshake as soon as it has a packet
    /// for that peer; if the peer moved its AllowedIPs (or turned keepalive on) before that handshake completed, it
    /// would start one too, the two initiations would cross, each side would end up a responder unable to send,
    /// and the next try would come a Rekey-Timeout (5 s) later (measured: docs/plan.md). A peer with no traffic
    /// gets no handshake here and can move at once: nobody is starting one.
    public func handshakeChecks() -> [(host: String, command: [String])] {
        peers.map { p in (p.id.host, ["wg", "show", p.id.interface, "latest-handshakes"]) }
    }

    /// Whether `output` of a `handshakeChecks` command lists the new key with a handshake.
    public func handshakeDone(_ output: String) -> Bool {
        output.split(separator: "\n").contains { line in
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            return fields.count == 2 && fields[0] == newPublic.base64 && (Int(fields[1]) ?? 0) > 0
        }
    }

    /// Step 3, on every peer: `wg set IFACE peer NEW allowed-ips A [persistent-keepalive K] peer OLD remove`.
    public func moveCommands() -> [(host: String, command: [String])] {
        peers.map { p in
            var command = ["wg", "set", p.id.interface, "peer", newPublic.base64, "allowed-ips"]
            command.append(p.allowed.joined(separator: ","))
            if let k = p.keepalive { command += ["persistent-keepalive", String(k)] }
            command += ["peer", oldPublic.base64, "remove"]
            return (p.id.host, command)
        }
    }
}

/// Why a rotation cannot be planned or written.
public enum RotationError: Error, CustomStringConvertible, Sendable {
    case unknownHost(String)
    case noKey(String)
    case unreadable(String)
    case unwritable(String)

    public var description: String {
        switch self {
        case .unknownHost(let h): return "no host `\(h)` in the network"
        case .noKey(let i): return "\(i) has no valid PrivateKey to rotate"
        case .unreadable(let p): return "cannot read \(p)"
        case .unwritable(let p): return "cannot write \(p)"
        }
    }
}
