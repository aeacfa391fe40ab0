import WireConfig

extension LintContext {
    /// Where a relay sends on traffic it receives from a peer: the outgoing interface, an example destination and
    /// a description for messages.
    struct Onward {
        var text: String
        var outInterface: String
        var destination: IPAddress
    }

    /// Where `host` would send traffic for `q` arriving over `link` (a peer's section for one of its interfaces),
    /// other than to itself or back to that peer: another peer (on any of its interfaces), one of its LANs, or the
    /// internet for a default route. Nil when nowhere: the host then relays nothing for this prefix.
    func onward(host: String, from link: PeerLink, prefix q: IPPrefix) -> Onward? {
        let f = facts(host)
        if q.isDefaultRoute {
            let example = IPAddress(q.address.isIPv4 ? "198.51.100.1" : "2001:db8::1")!
            return Onward(
                text: "to the internet (it is \(link.local)'s default route)", outInterface: f.uplink,
                destination: example)
        }
        for r in routes[host]?.overlapping(q, limit: 8) ?? [] {
            let next = links[r.value]
            if next.remote != link.local {
                let narrower = r.prefix.length > q.length ? r.prefix : q
                return Onward(
                    text: "to \(name(of: next)) over \(next.local) (\(r.prefix))",
                    outInterface: next.local.interface, destination: narrower.network.address)
            }
        }
        if let lan = f.lans.first(where: { $0.prefix.overlaps(q) }) {
            let narrower = lan.prefix.length > q.length ? lan.prefix : q
            return Onward(
                text: "to its LAN \(lan.name) \(lan.prefix)", outInterface: lan.interface,
                destination: narrower.network.address)
        }
        return nil
    }
}
