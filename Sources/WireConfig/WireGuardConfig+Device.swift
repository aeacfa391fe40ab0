import WireNet

extension WireGuardConfig {
    /// The configuration a WireGuard device holds after `wg setconf` of this one (wg-quick keys stripped).
    ///
    /// wg sends `replace_peers=true` and, per [Peer] section, `replace_allowed_ips=true` (wireguard-tools
    /// ipc-uapi.h `userspace_set_device`); the kernel and wireguard-go then apply it to one device-wide AllowedIPs
    /// trie. What that means for the model:
    /// - A PrivateKey, ListenPort or FwMark not given (or zero) is cleared; wg-quick's keys are dropped.
    /// - The PrivateKey is stored clamped (RFC 7748 §5), as the kernel and wireguard-go store it.
    /// - Two [Peer] sections with one PublicKey are one peer, at the place of the first: the later section's
    ///   PresharedKey, Endpoint and PersistentKeepalive win where it sets them, and its AllowedIPs replace the
    ///   earlier ones.
    /// - Each prefix belongs to one peer: a later peer listing it takes it from the earlier one, and a prefix inserted
    ///   again moves to the end of its peer's list (allowedips.c `add`, wireguard-go allowedips.go `insert`).
    /// - A peer whose PublicKey is the device's own public key is ignored, as both implementations ignore it.
    public var asSetByWg: WireGuardConfig {
        var device = InterfaceConfig()
        let own = interface.privateKey.flatMap { $0.isZero ? nil : $0 }
        device.privateKey = own?.clamped
        device.listenPort = interface.listenPort == 0 ? nil : interface.listenPort
        device.fwMark = interface.fwMark == 0 ? nil : interface.fwMark
        device.origin = interface.origin
        let ownPublic = own?.publicKey

        var peers: [PeerConfig] = []
        var index: [WireKey: Int] = [:]
        var owner: [IPPrefix: Int] = [:]
        for section in self.peers where section.publicKey != ownPublic {
            let given = section.origin?.keyLines ?? [:]
            let i: Int
            if let existing = index[section.publicKey] {
                i = existing
                var merged = peers[i]
                // Without an origin (a model built in code) every field counts as given.
                if section.origin == nil || given[.presharedKey] != nil { merged.presharedKey = section.presharedKey }
                if section.origin == nil || given[.endpoint] != nil { merged.endpoint = section.endpoint }
                if section.origin == nil || given[.persistentKeepalive] != nil {
                    merged.persistentKeepalive = section.persistentKeepalive
                }
                for prefix in merged.allowedIPs where owner[prefix] == i { owner[prefix] = nil }
                merged.allowedIPs = []
                peers[i] = merged
            } else {
                i = peers.count
                index[section.publicKey] = i
                var fresh = section
                fresh.allowedIPs = []
                peers.append(fresh)
            }
            for prefix in section.allowedIPs.map(\.network) {
                peers[i].allowedIPs.append(prefix)
                owner[prefix] = i
            }
        }
        // A prefix taken by a later peer leaves the earlier one; filtered once here, not removed per prefix, so
        // that many overlapping entries cost linear time.
        for i in peers.indices { peers[i].allowedIPs.removeAll { owner[$0] != i } }
        return WireGuardConfig(interface: device, peers: peers, warnings: warnings)
    }
}
