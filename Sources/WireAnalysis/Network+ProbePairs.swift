import WireConfig

extension Network {
    /// One pair the lab probes: a host, and an address another host holds.
    public struct ProbePair: Sendable {
        /// The host the probe is sent from.
        public var from: String
        /// The host holding `address`.
        public var to: String
        /// A tunnel or LAN address of `to`.
        public var address: IPAddress
    }

    /// The pairs `lab check` probes and lint's intent check judges: every host to every tunnel and LAN address of
    /// every other host, in the families the host has a tunnel address of; an address the host holds itself (a
    /// reused tunnel address) is left out, as its own stack would answer it. In host order, then the other host's
    /// interfaces' addresses, then its LANs.
    public func probePairs() -> [ProbePair] {
        var out: [ProbePair] = []
        forEachProbePair { out.append($0) }
        return out
    }

    /// Calls `body` with each of `probePairs()` in turn, without holding them all (they are quadratic in hosts).
    public func forEachProbePair(_ body: (ProbePair) throws -> Void) rethrows {
        for h in hosts {
            let own = Set(h.interfaces.flatMap { $0.config.interface.addresses.map(\.address) })
            let families = Set(own.map(IPFamily.init))
            for g in hosts where g.name != h.name {
                let targets =
                    g.interfaces.flatMap { $0.config.interface.addresses.map(\.address) }
                    + g.facts.lans.map(\.hostAddress)
                for a in targets where families.contains(IPFamily(a)) && !own.contains(a) {
                    try body(ProbePair(from: h.name, to: g.name, address: a))
                }
            }
        }
    }
}
