import WireConfig

/// The intent query: what must happen between two parties of the network (docs/intent.md).
extension Network {
    /// What the network's intent says about traffic from `from` to `to`: the first rule whose sides match, else
    /// the default (must reach when the directory has no intent file).
    public func expectation(from: IntentParty, to: IntentParty) -> IntentExpectation {
        for rule in intent.rules {
            if matches(rule.from, from) && matches(rule.to, to) {
                return IntentExpectation(rule.expectation, rule: rule)
            }
            if rule.bothWays && matches(rule.from, to) && matches(rule.to, from) {
                return IntentExpectation(rule.expectation, rule: rule)
            }
        }
        return IntentExpectation(intent.defaultExpectation)
    }

    /// The same for parties written as on the command line: a host name, `HOST/IFACE` (its first address) or a
    /// tunnel/LAN address (its owner). Nil when either names nothing of the network.
    public func expectation(from: String, to: String) -> IntentExpectation? {
        guard let a = party(from), let b = party(to) else { return nil }
        return expectation(from: a, to: b)
    }

    /// A host name, `HOST/IFACE` or an address of the network, as a party.
    public func party(_ text: String) -> IntentParty? {
        if host(text) != nil { return IntentParty(host: text) }
        let parts = text.split(separator: "/")
        if parts.count == 2, let h = host(String(parts[0])), let i = h.interface(String(parts[1])) {
            return IntentParty(host: h.name, address: i.config.interface.addresses.first?.address)
        }
        guard let a = IPAddress(text) else { return nil }
        for h in hosts {
            if h.interfaces.contains(where: { $0.config.interface.addresses.contains { $0.address == a } })
                || h.facts.lans.contains(where: { $0.prefix.contains(a) })
            {
                return IntentParty(host: h.name, address: a)
            }
        }
        return nil
    }

    /// True when `party` is one of the addresses `member` stands for.
    public func matches(_ member: IntentMember, _ party: IntentParty, depth: Int = 0) -> Bool {
        switch member {
        case .host(let h):
            return party.host == h
        case .interface(let h, let i):
            guard party.host == h, let iface = host(h)?.interface(i) else { return false }
            guard let a = party.address else { return true }
            return iface.config.interface.addresses.contains { $0.address == a }
        case .prefix(let p):
            if let a = party.address { return p.contains(a) }
            return host(party.host)?.interfaces.contains { i in
                i.config.interface.addresses.contains { p.contains($0.address) }
            } ?? false
        case .clientsOf(let h, let i):
            guard party.host != h, let hub = host(h)?.interface(i), let hubKey = hub.publicKey,
                let client = host(party.host)
            else { return false }
            return client.interfaces.contains { c in
                if let a = party.address, !c.config.interface.addresses.contains(where: { $0.address == a }) {
                    return false
                }
                let listsHub = c.config.peers.contains { $0.publicKey == hubKey }
                let listedByHub = c.publicKey.map { k in hub.config.peers.contains { $0.publicKey == k } } ?? false
                return listsHub || listedByHub
            }
        case .group(let g):
            guard depth < 8, let group = intent.group(g) else { return false }
            return group.members.contains { matches($0, party, depth: depth + 1) }
        }
    }
}
