/// A new private key on a live device, as wireguard-go's `Device.SetPrivateKey` (device/device.go) does it: no
/// rebuild, so the sessions that can still receive keep receiving while every peer moves to the new key.
extension Device {
    /// Moves the device to `identity`, the new interface private key.
    ///
    /// - A peer whose public key is the new public key is removed (its sessions zeroed), as in wireguard-go.
    /// - Every other peer keeps its endpoint, AllowedIPs, counters and timers. Its handshake is moved to the new
    ///   key (static-static DH recomputed, handshake in flight cleared) and `Tunnel.expireCurrentKeypairs` makes
    ///   its sessions unusable for sending: the next packet sent starts a handshake under the new key, while
    ///   packets the peer already encrypted under the old key still decrypt until Reject-After-Time.
    /// - The initiation router opens initiations with the new key from now on.
    ///
    /// Only tunnels whose handshake is `NoiseTunnelHandshake` (and a `NoiseInitiationRouter`) know about keys;
    /// other tunnels just have their sessions expired. Returns the peer indexes removed.
    @discardableResult
    public mutating func setPrivateKey(_ identity: HandshakeIdentity) -> [UInt32] {
        let ownPublicKey = identity.publicKey
        var removed: [UInt32] = []
        for peer in peerOrder {
            guard let noise = tunnels[peer]?.handshake as? NoiseTunnelHandshake,
                noise.peer.remotePublicKey == ownPublicKey
            else { continue }
            removed.append(peer)
        }
        for peer in removed { removePeer(peer) }
        if var noiseRouter = router as? NoiseInitiationRouter {
            noiseRouter.unregister(publicKey: ownPublicKey)
            noiseRouter.setIdentity(identity)
            router = noiseRouter
        }
        for peer in peerOrder {
            updateTunnel(peer) { tunnel in
                if var noise = tunnel.handshake as? NoiseTunnelHandshake {
                    noise.setIdentity(identity)
                    tunnel.handshake = noise
                }
                tunnel.expireCurrentKeypairs()
            }
        }
        return removed
    }
}
