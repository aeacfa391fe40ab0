// Sessions and tunnels hold transport keys: they print indices, counters and roles only, and their mirrors have
// no key-bearing children, so neither string interpolation nor `dump` can leak a key into a log.

extension Keypair: CustomStringConvertible, CustomReflectable {
    /// Indices, role, age origin and send counter; never the keys.
    public var description: String {
        "Keypair(local \(localIndex), remote \(remoteIndex), \(isInitiator ? "initiator" : "responder"), "
            + "created \(createdAt), sent \(sendCounter))"
    }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension Tunnel: CustomStringConvertible, CustomReflectable {
    /// The peer index, endpoint and which session slots are filled; never keys or handshake state.
    public var description: String {
        let slots = [("previous", keypairs.previous), ("current", keypairs.current), ("next", keypairs.next)]
            .filter { $0.1 != nil }.map(\.0).joined(separator: ",")
        return "Tunnel(peer \(peerIndex), endpoint \(endpoint.map { "\($0)" } ?? "none"), sessions [\(slots)], "
            + "staged \(staged.count))"
    }
    /// Timers, statistics and the endpoint only.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "peerIndex": peerIndex, "endpoint": endpoint as Any, "timers": timers,
                "statistics": statistics, "staged": staged.count,
            ])
    }
}
