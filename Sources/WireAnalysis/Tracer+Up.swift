import WireConfig

/// Why an interface never comes up: the setting at fault, where it is written, and the fix.
public struct InterfaceDown: Hashable, Sendable {
    /// One sentence: what fails and what wg-quick then does.
    public var reason: String
    /// The setting at fault (`ListenPort`, `Endpoint`, `PostUp`, `PreUp`, `PrivateKey`, ...).
    public var setting: String
    /// Where it is written.
    public var location: SourceLocation
    /// What to change.
    public var fix: String
}

/// Interfaces that never come up (wg-quick(8) removes an interface when `wg setconf` or a hook fails: it runs
/// under `set -e` with a trap that deletes the interface), and the trace steps that say so.
///
/// Found without tracing: a ListenPort another interface of the host took first (`bind: address already in
/// use`), an Endpoint name nothing resolves (wg resolves names at set time; only names a host.yaml lists in `names`
/// resolve here). Found by tracing: a PreUp/PostUp `ping` that gets no answer at up - the hosts others dial come
/// up first, then the ones behind NAT, each host's interfaces in name order, so a ping to an interface that is not
/// up yet fails (the classic `PostUp = ping -c1 HUB` run before the hub is up). A line holding `||` handles its
/// failure and never takes the interface down.
extension Tracer {
    /// The causes found without tracing, by interface.
    static func staticDown(_ network: Network) -> [Network.InterfaceID: InterfaceDown] {
        var out: [Network.InterfaceID: InterfaceDown] = [:]
        var names = Set<String>()
        for h in network.hosts { for n in h.facts.names { names.insert(n.lowercased()) } }
        let known = network.hosts.flatMap(\.facts.names).sorted()
        for host in network.hosts {
            var ports: [UInt16: TunnelInterface] = [:]
            for iface in host.interfaces where iface.isValid {
                let id = Network.InterfaceID(host: host.name, interface: iface.name)
                if let seen = host.facts.downInterfaces[iface.name] {
                    out[id] = InterfaceDown(
                        reason:
                            "its link is down on the running host (\(seen.fileLine) is false), so it carries nothing",
                        setting: "link", location: seen,
                        fix: "on \(host.name): ip link set dev \(iface.name) up (or wg-quick up \(iface.name)), "
                            + "and find what took it down")
                    continue
                }
                if let port = iface.config.interface.listenPort, port != 0 {
                    if let first = ports[port] {
                        let loc = iface.location(of: .listenPort)
                        out[id] = InterfaceDown(
                            reason: "ListenPort \(port) is taken by \(first.qualifiedName), which comes up first: "
                                + "`wg setconf` fails (address already in use) and wg-quick removes "
                                + "\(iface.qualifiedName)",
                            setting: "ListenPort", location: loc,
                            fix: "give \(iface.qualifiedName) a ListenPort of its own at \(loc.fileLine) and "
                                + "update its peers' Endpoints")
                        continue
                    }
                    ports[port] = iface
                }
                for peer in iface.config.peers {
                    guard let ep = peer.endpoint, case .name(let n) = ep.host, !names.contains(n.lowercased()) else {
                        continue
                    }
                    let loc = peer.origin?.location(of: .endpoint) ?? iface.location(of: .publicKey)
                    out[id] = InterfaceDown(
                        reason: "Endpoint name \(n) resolves nowhere (no host.yaml lists it in `names`): `wg setconf` "
                            + "fails and wg-quick removes \(iface.qualifiedName)",
                        setting: "Endpoint", location: loc,
                        fix: "correct the name at \(loc.fileLine)"
                            + (known.isEmpty
                                ? ", or list it in the `names` of its host's host.yaml"
                                : " (names the network knows: \(known.joined(separator: ", ")))"))
                    break
                }
            }
        }
        return out
    }

    /// The interfaces whose PreUp/PostUp `ping` gets no answer at up, judged with this tracer.
    func failingHooks() -> [Network.InterfaceID: InterfaceDown] {
        var out: [Network.InterfaceID: InterfaceDown] = [:]
        for (h, host) in network.hosts.enumerated() {
            for send in facts[h].sentAtUp where !send.handled {
                guard let i = host.interfaces.firstIndex(where: { $0.name == send.interface }) else { continue }
                let me = IfaceRef(host: h, iface: i)
                let id = Network.InterfaceID(host: host.name, interface: send.interface)
                guard out[id] == nil else { continue }
                var why: String?
                if let owner = configuredOwners[send.target], owner.host != h, !comesUpBefore(owner, me) {
                    why = "\(iface(owner).qualifiedName) is not up yet when it runs"
                } else if send.hook == .preUp, tables[h].lookup(send.target)?.device == send.interface {
                    why = "PreUp runs before \(send.interface) exists, and the route to \(send.target) is through it"
                } else if let r = try? trace(from: host.name, to: send.target.description, phases: [.cold]),
                    r.phase(.cold)?.delivered != true
                {
                    why = r.phase(.cold).map { "no answer: \($0.verdict.summary)" } ?? "no answer"
                }
                guard let why else { continue }
                let key = send.hook == .preUp ? "PreUp" : "PostUp"
                out[id] = InterfaceDown(
                    reason: "\(key) `\(send.command)` fails (\(why)): wg-quick runs hooks under `set -e` and "
                        + "removes \(host.name)/\(send.interface)",
                    setting: key, location: send.location,
                    fix: "append `|| true` to the \(key) at \(send.location.fileLine), or use "
                        + "PersistentKeepalive instead of a ping at up")
            }
        }
        return out
    }

    /// True when `a` comes up before `b`: hosts others dial first, then hosts behind NAT; hosts by name; a host's
    /// interfaces in name order (the lab's order, docs/lab.md).
    func comesUpBefore(_ a: IfaceRef, _ b: IfaceRef) -> Bool {
        func key(_ r: IfaceRef) -> (Int, String, String) {
            (behindNAT(r.host) ? 1 : 0, network.hosts[r.host].name, iface(r).name)
        }
        return key(a) < key(b)
    }

    /// Why an interface that does not come up does not: its down cause, or its first config error.
    func downCause(_ r: IfaceRef) -> InterfaceDown {
        let i = iface(r)
        if let d = down[Network.InterfaceID(host: i.host, interface: i.name)] { return d }
        let err = i.diagnostics.first { $0.severity == .error }
        return InterfaceDown(
            reason: "wg-quick refuses \(i.file)"
                + (err.map {
                    ": \($0.location.fileLine): \($0.key.map { "\($0): " } ?? "")\($0.message)"
                }
                    ?? ""),
            setting: err?.key ?? "config", location: err?.location ?? SourceLocation(file: i.file, line: 1),
            fix: "correct the setting at \(err.map { "\($0.location.fileLine)" } ?? i.file) so "
                + "wg-quick can bring \(i.qualifiedName) up")
    }

    /// The failed `up` step for an interface that never comes up.
    func upStep(_ r: IfaceRef, _ what: String) -> TraceStep {
        let d = downCause(r)
        return TraceStep(
            .up, ok: false, "\(iface(r).qualifiedName) never comes up (\(what)): \(d.reason)", setting: d.setting,
            location: d.location, fix: d.fix)
    }

    /// The interface of host `h` that holds `address` but does not come up, if any.
    func downInterface(of h: Int, holding address: IPAddress) -> IfaceRef? {
        for (i, iface) in network.hosts[h].interfaces.enumerated() where !iface.isValid {
            if iface.config.interface.addresses.contains(where: { $0.address == address }) {
                return IfaceRef(host: h, iface: i)
            }
        }
        return nil
    }

    /// The interface of host `h` that does not come up and would have routed `destination` (by Address or
    /// AllowedIPs), if any.
    func downInterface(of h: Int, routing destination: IPAddress) -> IfaceRef? {
        for (i, iface) in network.hosts[h].interfaces.enumerated() where !iface.isValid {
            let c = iface.config
            if c.interface.addresses.contains(where: { $0.network.contains(destination) })
                || c.peers.contains(where: { $0.allowedIPs.contains { $0.contains(destination) } })
            {
                return IfaceRef(host: h, iface: i)
            }
        }
        return nil
    }
}

extension Network {
    /// The network with each interface in `down` marked invalid (an error diagnostic at the setting at fault), so
    /// that routes, addresses and hooks of theirs do not count, as for a config wg-quick refuses.
    func markingDown(_ down: [InterfaceID: InterfaceDown]) -> Network {
        guard !down.isEmpty else { return self }
        var copy = self
        for h in copy.hosts.indices {
            for i in copy.hosts[h].interfaces.indices {
                let id = InterfaceID(host: copy.hosts[h].name, interface: copy.hosts[h].interfaces[i].name)
                guard let d = down[id] else { continue }
                copy.hosts[h].interfaces[i].diagnostics.append(
                    ConfigDiagnostic(.error, .invalidValue, at: d.location, key: d.setting, d.reason))
            }
        }
        return copy
    }
}
