import WireConfig
import WireProtocol

/// Where the interface's UDP sockets come from: the real sockets in the daemon, a fake in tests.
public protocol SocketBinder: AnyObject {
    /// (Re)binds the sockets to `port` (0 for any free port) with `fwmark`; returns the port actually bound.
    func bind(port: UInt16, fwmark: UInt32) throws -> UInt16
    /// Sets SO_MARK on the bound sockets (0 clears it).
    func setMark(_ fwmark: UInt32) throws
    /// Closes the sockets (the interface went down).
    func close()
}

/// One configured peer as the UAPI sees it: what `set=1` wrote and `get=1` reads back.
public struct PeerRecord: Sendable {
    /// The peer's static public key.
    public let publicKey: WireKey
    /// The peer's number in the protocol `Device` (`Tunnel.peerIndex`).
    public let index: UInt32
    /// The preshared key (all zeros for none).
    public var presharedKey: WireKey = .zero
    /// The endpoint configured, or learned before the device was last rebuilt.
    public var endpoint: UDPEndpoint?
    /// PersistentKeepalive in seconds, 0 for off.
    public var persistentKeepalive: UInt16 = 0
    /// AllowedIPs in the order `get=1` lists them: insertion order, a prefix inserted again moves to the end
    /// (wireguard-go allowedips.go and the kernel's allowedips.c keep per-peer lists this way).
    public var allowedIPs: [IPPrefix] = []
}

/// The whole state of one interface: its configuration (private key, port, fwmark, peers) and the protocol core
/// (`Device`) built from it. Owned by the daemon's event-loop thread; nothing here does I/O except through the
/// `SocketBinder`, and every packet to send lands in the caller's `actions`.
///
/// The `Device` exists only while a private key is set (a handshake needs one). Changing the private key keeps it
/// and its sessions for receiving, as wireguard-go's `SetPrivateKey` expires every peer's keypairs for sending.
public final class InterfaceState {
    /// The interface's private key, clamped (RFC 7748 §5) as wireguard-go and the kernel store it.
    public private(set) var privateKey: WireKey?
    /// The UDP port bound (or asked for while down); 0 for none.
    public internal(set) var listenPort: UInt16 = 0
    /// SO_MARK on the UDP sockets; 0 for none.
    public internal(set) var fwmark: UInt32 = 0
    /// The protocol core; nil without a private key.
    public internal(set) var device: Device?
    /// Whether the interface is up (sockets bound, peers running).
    public private(set) var isUp = false
    /// The TUN device's MTU: padding never grows a packet beyond it.
    public private(set) var mtu: Int

    /// Peers in the order they were added.
    public private(set) var order: [WireKey] = []
    /// Peers by public key.
    public private(set) var records: [WireKey: PeerRecord] = [:]
    /// Public key by peer index.
    public private(set) var keyByIndex: [UInt32: WireKey] = [:]
    private var nextIndex: UInt32 = 1

    /// Wall-clock time at the monotonic clock's origin: TAI64N timestamps and last-handshake times derive from it.
    public let wallClockAtOrigin: Duration
    let binder: SocketBinder

    /// An interface with no key and no peers, down.
    public init(binder: SocketBinder, wallClockAtOrigin: Duration, mtu: Int = 1420) {
        self.binder = binder
        self.wallClockAtOrigin = wallClockAtOrigin
        self.mtu = mtu
    }

    // MARK: Device settings

    /// Sets (or with the zero key clears) the private key; peers with the new public key are removed, as
    /// wireguard-go does.
    ///
    /// A key replacing another moves the live device to it (`Device.setPrivateKey`, wireguard-go's
    /// `Device.SetPrivateKey`): sessions stop sending but keep receiving until they expire, so peers that have
    /// not yet learned the new public key still reach this host during a rotation. The first key, or clearing
    /// it, builds or drops the device.
    public func setPrivateKey(_ key: WireKey) {
        let newKey: WireKey? = key.isZero ? nil : key.clamped
        if newKey == privateKey { return }
        privateKey = newKey
        if let ownPublic = newKey?.publicKey, records[ownPublic] != nil { removePeer(ownPublic) }
        guard device != nil, let newKey, let identity = try? HandshakeIdentity(privateKey: newKey.bytes) else {
            rebuildDevice()
            return
        }
        device!.setPrivateKey(identity)
    }

    /// Sets the listen port and rebinds when up.
    public func setListenPort(_ port: UInt16) throws {
        listenPort = port
        if isUp { listenPort = try binder.bind(port: port, fwmark: fwmark) }
    }

    /// Sets the fwmark on the sockets.
    public func setFwmark(_ mark: UInt32) throws {
        fwmark = mark
        if isUp { try binder.setMark(mark) }
    }

    /// Sets the TUN device's MTU (from netlink); later packets are padded within it.
    /// Above 65,503 (65,535 less the 32 bytes of a transport message) it is capped, as wireguard-go caps it
    /// (`MaxContentSize`, device/device.go's event reader), so padding never makes a message longer than that.
    public func setMTU(_ newMTU: Int) {
        let mtu = min(newMTU, Self.maximumContentSize)
        guard mtu != self.mtu, mtu > 0 else { return }
        self.mtu = mtu
        guard device != nil else { return }
        for index in keyByIndex.keys { device!.updateTunnel(index) { $0.configuration.mtu = mtu } }
    }

    /// wireguard-go's MaxContentSize: the largest padded packet a transport message carries.
    public static let maximumContentSize = 65_535 - 32

    /// Brings the interface up (binds the sockets, sends keepalives of peers that have them) or down (closes the
    /// sockets and drops every session), as wireguard-go's `Device.Up`/`Down`.
    public func setUp(
        _ up: Bool, now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) throws {
        guard up != isUp else { return }
        if up {
            listenPort = try binder.bind(port: listenPort, fwmark: fwmark)
            isUp = true
            for key in order where records[key]!.persistentKeepalive > 0 {
                let index = records[key]!.index
                device?.updateTunnel(index) { tunnel in
                    tunnel.setPersistentKeepalive(
                        tunnel.configuration.persistentKeepalive, now: now, random: &random, into: &actions)
                }
            }
        } else {
            isUp = false
            binder.close()
            rebuildDevice()
        }
    }

    // MARK: Peers

    /// The record of the peer with `publicKey`.
    public func peer(_ publicKey: WireKey) -> PeerRecord? { records[publicKey] }

    /// Adds a peer with nothing configured; returns false when it exists already.
    @discardableResult
    public func addPeer(_ publicKey: WireKey) -> Bool {
        guard records[publicKey] == nil else { return false }
        let record = PeerRecord(publicKey: publicKey, index: nextIndex)
        nextIndex &+= 1
        records[publicKey] = record
        keyByIndex[record.index] = publicKey
        order.append(publicKey)
        if device != nil { install(record, into: &device!) }
        return true
    }

    /// Removes a peer, its sessions and its routes (its session keys and handshake state are zeroed).
    public func removePeer(_ publicKey: WireKey) {
        guard let record = records.removeValue(forKey: publicKey) else { return }
        keyByIndex[record.index] = nil
        order.removeAll { $0 == publicKey }
        guard device != nil else { return }
        device!.removePeer(record.index)
        if var router = device!.initiationRouter as? NoiseInitiationRouter {
            router.unregister(publicKey: publicKey.bytes)
            device!.initiationRouter = router
        }
    }

    /// Removes every peer (UAPI `replace_peers=true`).
    public func removeAllPeers() {
        order = []
        records = [:]
        keyByIndex = [:]
        rebuildDevice()
    }

    /// Sets a peer's preshared key (all zeros for none).
    public func setPresharedKey(_ key: WireKey, of publicKey: WireKey) {
        guard let index = records[publicKey]?.index else { return }
        records[publicKey]!.presharedKey = key
        device?.updateTunnel(index) { $0.setPresharedKey(key.bytes) }
    }

    /// Sets a peer's endpoint.
    public func setEndpoint(_ endpoint: UDPEndpoint, of publicKey: WireKey) {
        guard let index = records[publicKey]?.index else { return }
        records[publicKey]!.endpoint = endpoint
        device?.updateTunnel(index) { $0.endpoint = endpoint }
    }

    /// Sets a peer's persistent keepalive; returns whether it was off before and is on now (wireguard-go then
    /// sends a keepalive at once, when the peer's settings are complete).
    public func setPersistentKeepalive(_ seconds: UInt16, of publicKey: WireKey) -> Bool {
        guard let record = records[publicKey] else { return false }
        records[publicKey]!.persistentKeepalive = seconds
        device?.updateTunnel(record.index) {
            $0.configuration.persistentKeepalive = seconds == 0 ? nil : .seconds(Int(seconds))
        }
        return record.persistentKeepalive == 0 && seconds != 0
    }

    /// Sends a keepalive to the peer now (persistent keepalive just turned on), when up.
    public func sendKeepalive(
        to publicKey: WireKey, now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        guard isUp, let index = records[publicKey]?.index else { return }
        device?.updateTunnel(index) { tunnel in
            tunnel.setPersistentKeepalive(
                tunnel.configuration.persistentKeepalive, now: now, random: &random, into: &actions)
        }
    }

    /// Removes every AllowedIP of a peer (UAPI `replace_allowed_ips=true`).
    public func removeAllowedIPs(of publicKey: WireKey) {
        guard let index = records[publicKey]?.index else { return }
        records[publicKey]!.allowedIPs = []
        device?.removeAllowedIPs(of: index)
    }

    /// Routes `prefix` (host bits masked) to a peer; another peer holding it loses it.
    public func addAllowedIP(_ prefix: IPPrefix, to publicKey: WireKey) {
        guard let index = records[publicKey]?.index else { return }
        let network = prefix.network
        for other in order where records[other]!.allowedIPs.contains(network) {
            records[other]!.allowedIPs.removeAll { $0 == network }
        }
        records[publicKey]!.allowedIPs.append(network)
        try? device?.insertAllowedIP(
            network.address, prefixLength: network.length, peer: index)
    }

    // MARK: Building the device

    /// Rebuilds the protocol device from the records (first or cleared private key, replaced peers, or the
    /// interface went down): sessions are dropped, endpoints learned so far are kept.
    func rebuildDevice() {
        if var old = device {
            for (index, tunnel) in old.tunnels {
                if let key = keyByIndex[index], let endpoint = tunnel.endpoint { records[key]?.endpoint = endpoint }
            }
            device = nil
            old.wipeSecrets()  // every session of the old device is dropped: zero its keys now
        }
        guard let key = privateKey, let identity = try? HandshakeIdentity(privateKey: key.bytes) else {
            device = nil
            return
        }
        var fresh = Device(router: NoiseInitiationRouter(identity: identity))
        for publicKey in order { install(records[publicKey]!, into: &fresh) }
        device = fresh
    }

    /// Adds one peer's tunnel, router entry and AllowedIPs to `device`.
    func install(_ record: PeerRecord, into device: inout Device) {
        guard let key = privateKey, let identity = try? HandshakeIdentity(privateKey: key.bytes) else { return }
        if var router = device.initiationRouter as? NoiseInitiationRouter {
            router.register(publicKey: record.publicKey.bytes, peerIndex: record.index)
            device.initiationRouter = router
        }
        // A public key whose shared secret is zero (a low-order point) gets no tunnel: its packets are dropped,
        // as wireguard-go's handshakes with it fail.
        guard
            let handshake = try? NoiseTunnelHandshake(
                identity: identity, peerPublicKey: record.publicKey.bytes,
                presharedKey: record.presharedKey.bytes, wallClockAtOrigin: wallClockAtOrigin)
        else { return }
        let configuration = Tunnel.Configuration(
            persistentKeepalive: record.persistentKeepalive == 0 ? nil : .seconds(Int(record.persistentKeepalive)),
            mtu: mtu)
        let tunnel = Tunnel(
            peerIndex: record.index, handshake: handshake, endpoint: record.endpoint, configuration: configuration)
        let prefixes = record.allowedIPs.map { (address: $0.address, prefixLength: $0.length) }
        try? device.addPeer(tunnel, allowedIPs: prefixes)
    }
}
