/// The stable code of every finding `wiresmith lint` reports; docs/lint.md describes each.
///
/// Codes never change meaning once released: scripts and `--json` consumers branch on them.
public enum FindingCode: String, Hashable, Sendable, CaseIterable {
    /// A config error wg-quick refuses the file for.
    case configInvalid = "config-invalid"
    /// A malformed or unknown host.yaml field.
    case factsInvalid = "facts-invalid"
    /// A `[Peer]` PublicKey naming the wrong interface (or none); says which key was meant.
    case keyMismatch = "key-mismatch"
    /// A `[Peer]` key of a host whose config is not in the directory.
    case unknownPeer = "unknown-peer"
    /// A lists B, B does not list A.
    case peerNotMutual = "peer-not-mutual"
    /// One private key on two interfaces.
    case duplicateKey = "duplicate-key"
    /// A second PublicKey in one `[Peer]` section.
    case missingPeerHeader = "missing-peer-header"
    /// Two `[Peer]` sections for one key in one config.
    case duplicatePeer = "duplicate-peer"
    /// Two peers of one interface claim the same or nested prefixes.
    case allowedIPsOverlap = "allowedips-overlap"
    /// An AllowedIPs entry with host bits set.
    case allowedIPsHostBits = "allowedips-host-bits"
    /// A peer without AllowedIPs.
    case allowedIPsEmpty = "allowedips-empty"
    /// A peer's own Address outside the AllowedIPs kept for it.
    case addressNotAllowed = "address-not-allowed"
    /// Spokes routing only the hub's own address.
    case clientToClientBlocked = "client-to-client-blocked"
    /// Relayed traffic the far end does not accept from the relay.
    case asymmetricAllowedIPs = "asymmetric-allowedips"
    /// A LAN missing from the AllowedIPs on the way to it.
    case subnetNotRouted = "subnet-not-routed"
    /// A peer behind NAT without PersistentKeepalive, unreachable until it sends.
    case keepaliveMissing = "keepalive-missing"
    /// A peer behind NAT whose PersistentKeepalive is not shorter than the NAT's UDP timeout.
    case keepaliveLongerThanNATTimeout = "keepalive-longer-than-nat-timeout"
    /// Neither side of a peering has an Endpoint.
    case noInitiator = "no-initiator"
    /// An Endpoint port that is not the target's (pinned) ListenPort.
    case endpointPortMismatch = "endpoint-port-mismatch"
    /// An Endpoint address of another host than the key's owner.
    case endpointHostMismatch = "endpoint-host-mismatch"
    /// One tunnel address on two interfaces.
    case duplicateAddress = "duplicate-address"
    /// The two sides' PresharedKeys differ, or one lacks it.
    case pskMismatch = "psk-mismatch"
    /// A relaying host without IP forwarding.
    case forwardingDisabled = "forwarding-disabled"
    /// An internet gateway without MASQUERADE on its uplink.
    case masqueradeMissing = "masquerade-missing"
    /// MASQUERADE on another interface than the uplink, or a nonexistent one.
    case masqueradeWrongInterface = "masquerade-wrong-interface"
    /// LANs (or a LAN and a tunnel subnet) that overlap.
    case overlappingLANs = "overlapping-lans"
    /// Two peers of one interface with a default route.
    case fullTunnelConflict = "full-tunnel-conflict"
    /// A PreUp/PostUp command that can fail and take the interface down.
    case postUpMayFail = "postup-may-fail"
    /// An MTU without room for WireGuard's overhead.
    case mtuTooLarge = "mtu-too-large"
    /// Two interfaces of one host on one ListenPort.
    case listenPortCollision = "listen-port-collision"
    /// A wg-quick config without Address.
    case interfaceWithoutAddress = "interface-without-address"
    /// A host's interfaces whose peers cannot reach each other.
    case interfacesIsolated = "interfaces-isolated"
    /// An AllowedIPs route that another interface or LAN of the host already holds: `wg-quick up` aborts.
    case routeConflict = "route-conflict"
    /// A relay whose FORWARD chain drops the traffic it relays.
    case forwardBlocked = "forward-blocked"
    /// An interface that never comes up: a ListenPort taken, an Endpoint name that resolves nowhere, a failing hook.
    case interfaceDown = "interface-down"
    /// A host's INPUT chain drops the WireGuard UDP port or the tunnel's traffic.
    case inputBlocked = "input-blocked"
    /// A host's OUTPUT chain drops the WireGuard UDP datagrams or the tunnel's traffic.
    case outputBlocked = "output-blocked"
    /// Strict reverse-path filtering drops a peer's packets: its address is not routed back out of the interface.
    case rpFilter = "rp-filter"
    /// A malformed or unknown intent.yaml field.
    case intentInvalid = "intent-invalid"
    /// intent.yaml says a pair must not reach, but it does.
    case intentLeak = "intent-leak"
    /// intent.yaml says (or, stated, defaults to) a pair must reach, but it does not in some phase.
    case intentUnreachable = "intent-unreachable"
}
