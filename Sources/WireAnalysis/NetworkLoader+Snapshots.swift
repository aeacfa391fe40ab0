import Foundation
import WireConfig

/// Turns a `wiresmith doctor --snapshot` file into a host of the network. WireDoctor's `SnapshotHosts` is the
/// implementation (WireAnalysis never reads a live host's formats); the loader only recognises the file.
public protocol SnapshotReading: Sendable {
    /// The host the snapshot describes, named `host`, its settings located as `file: JSON-PATH`; nil and the
    /// reasons when the file cannot be used (a newer schema, bad JSON).
    func host(named host: String, file: String, bytes: [UInt8]) -> (Host?, [ConfigDiagnostic])
    /// What a config's PresharedKey is compared as when snapshots are in the network: snapshots hold only a keyed
    /// hash of each PSK, so configs' keys are hashed the same way (equal PSKs, equal hashes).
    func presharedKeyHash(_ psk: WireKey, between ours: WireKey, and theirs: WireKey) -> WireKey
}

extension NetworkLoader {
    /// The schema a doctor snapshot names at its top level (`"schema": "wiresmith-snapshot/1"`), or nil when the
    /// bytes are not one (any other JSON file in a network directory is not a host and is left alone).
    public static func snapshotSchema(_ bytes: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let schema = object["schema"] as? String, schema.hasPrefix("wiresmith-snapshot/")
        else { return nil }
        return schema
    }

    /// Adds the hosts of the snapshot files among `files` (host name, path) to `network`: a `*.json` that is not a
    /// snapshot is skipped; a host that is also given as configs keeps its configs (the snapshot is reported).
    /// With snapshots present, every config PSK is compared as the snapshots' keyed hash.
    func adding(snapshots files: [(host: String, path: String)], to network: Network) -> Network {
        var hosts = network.hosts
        var diagnostics = network.diagnostics
        var added = 0
        for (name, path) in files {
            let bytes: [UInt8]
            do throws(InputFile.ReadError) {
                bytes = try InputFile.read(path, limit: InputLimits.configBytes)
            } catch {
                diagnostics.append(
                    .init(.error, .unreadable, at: .init(file: path, line: 1), key: nil, error.description))
                continue
            }
            guard Self.snapshotSchema(bytes) != nil else { continue }
            guard let snapshots else {
                diagnostics.append(
                    .init(
                        .error, .invalidValue, at: .init(file: path, line: 1), key: nil,
                        "a doctor snapshot: only `wiresmith lint`, `trace` and `graph` read snapshots as hosts"))
                continue
            }
            let existing = hosts.firstIndex { $0.name == name }
            if let existing, !hosts[existing].interfaces.isEmpty {
                diagnostics.append(
                    .init(
                        .error, .invalidValue, at: .init(file: path, line: 1), key: nil,
                        "\(name) is given both as configs and as this snapshot; the configs are analysed, the snapshot"
                            + " is not (move one of them out of the directory)"))
                continue
            }
            let (read, diags) = snapshots.host(named: name, file: path, bytes: bytes)
            diagnostics += diags
            guard var host = read else { continue }
            if let existing {
                host.facts = host.facts.stated(over: hosts[existing].facts)
                hosts[existing] = host
            } else {
                hosts.append(host)
            }
            added += 1
        }
        guard added > 0, let snapshots else {
            return Network(hosts: hosts, diagnostics: diagnostics, intent: network.intent)
        }
        hosts = Self.acrossSnapshots(hosts)
        for h in hosts.indices {
            for i in hosts[h].interfaces.indices where hosts[h].interfaces[i].config.interface.origin?.path == nil {
                guard let ours = hosts[h].interfaces[i].publicKey else { continue }
                var config = hosts[h].interfaces[i].config
                for p in config.peers.indices {
                    guard let psk = config.peers[p].presharedKey else { continue }
                    config.peers[p].presharedKey = snapshots.presharedKeyHash(
                        psk, between: ours, and: config.peers[p].publicKey)
                }
                hosts[h].interfaces[i].config = config
            }
        }
        return Network(hosts: hosts, diagnostics: diagnostics, intent: network.intent)
    }
}

extension NetworkLoader {
    /// `hosts` (snapshots among them) with what one snapshot shows about another host applied: a private uplink
    /// reached directly (`reachedDirectly`), a LAN's router seen from a machine on it (`lanGatewaysSeen`). The
    /// loader applies it to every directory holding snapshots; callers building a network from snapshots
    /// themselves apply it too.
    public static func acrossSnapshots(_ hosts: [Host]) -> [Host] {
        lanGatewaysSeen(reachedDirectly(hosts))
    }

    /// `hosts` with `behindNAT` cleared where another host's evidence overturns the guess: a host taken as behind
    /// NAT only because its uplink has private addresses (`HostFacts.behindNATInferred`) is reached directly when
    /// another host's `[Peer]` for one of its interfaces has an Endpoint at one of its own addresses (a configured
    /// one, or the source wg saw its packets come from: no translation on the way, as for a hub on an RFC 1918
    /// network its clients share). An Endpoint at another address says nothing: a port forward or the peer's own
    /// NAT may stand between.
    static func reachedDirectly(_ hosts: [Host]) -> [Host] {
        var owner: [WireKey: Int] = [:]
        for (h, host) in hosts.enumerated() where host.facts.behindNATInferred {
            for i in host.interfaces { if let k = i.publicKey { owner[k] = h } }
        }
        guard !owner.isEmpty else { return hosts }
        var out = hosts
        for (h, host) in hosts.enumerated() {
            for i in host.interfaces {
                for peer in i.config.peers {
                    guard let o = owner[peer.publicKey], o != h, case .address(let a)? = peer.endpoint?.host,
                        hosts[o].facts.publicAddresses.contains(a)
                    else { continue }
                    out[o].facts.behindNAT = false
                    out[o].facts.behindNATInferred = false
                }
            }
        }
        return out
    }
}

extension HostFacts {
    /// These facts (a snapshot's, as seen running) with what a host.yaml beside the snapshot states on top: what
    /// a snapshot cannot see (`behind_nat`, `public_addresses`, `names`, `lans`, `uplink`).
    func stated(over file: HostFacts) -> HostFacts {
        var f = self
        if let nat = file.behindNAT {
            f.behindNAT = nat
            f.behindNATInferred = false
        }
        if let timeout = file.natUDPTimeout { f.natUDPTimeout = timeout }
        if !file.publicAddresses.isEmpty { f.publicAddresses = file.publicAddresses }
        if !file.names.isEmpty { f.names = file.names }
        if !file.lans.isEmpty { f.lans = file.lans }
        if let uplink = file.uplink { f.uplink = uplink }
        return f
    }
}
