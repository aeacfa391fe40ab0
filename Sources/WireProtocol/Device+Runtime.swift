/// What a running daemon changes on a live device (the cross-platform UAPI `set=1`, wireguard.com/xplatform):
/// a peer's endpoint, preshared key and keepalive, its AllowedIPs, and the initiation router's peer list, with the
/// device's index table kept in step. Additive: the rest of `Device` is unchanged.
extension Device {
    /// The router that identifies initiators; a daemon registers and unregisters peers' public keys on it.
    public var initiationRouter: any InitiationRouter {
        get { router }
        set { router = newValue }
    }

    /// Runs `body` on the tunnel of `peer` in place, then brings the index table up to date; nil when there is
    /// no such peer.
    @discardableResult
    public mutating func updateTunnel<R>(_ peer: UInt32, _ body: (inout Tunnel) -> R) -> R? {
        guard let slot = tunnels.index(forKey: peer) else { return nil }
        let result = body(&tunnels.values[slot])
        syncIndices(slot)
        return result
    }

    /// Routes `address`/`prefixLength` to `peer` (a prefix held by another peer moves, wg(8) `allowed-ips`).
    public mutating func insertAllowedIP(_ address: IPAddress, prefixLength: Int, peer: UInt32) throws {
        try allowedIPs.insert(address, prefixLength: prefixLength, peer: peer)
    }

    /// Removes every prefix routed to `peer` (UAPI `replace_allowed_ips=true`).
    public mutating func removeAllowedIPs(of peer: UInt32) {
        allowedIPs.removeAll(of: peer)
    }
}

extension Tunnel {
    /// Replaces the preshared key used by the next handshake (UAPI `preshared_key`); sessions already derived keep
    /// theirs. Does nothing for handshakes other than `NoiseTunnelHandshake`.
    public mutating func setPresharedKey(_ key: [UInt8]) {
        guard var noise = handshake as? NoiseTunnelHandshake else { return }
        noise.peer.presharedKey = key
        handshake = noise
    }
}
