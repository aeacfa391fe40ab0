import WireNet

/// Which peer a handshake initiation is from, decided before any per-peer state is touched (whitepaper §5.4.2,
/// §5.4.7): the responder's mac1 check, the under-load cookie decision and the decryption of the initiator's
/// static key live behind this, with the interface's private key.
public protocol InitiationRouter: Sendable {
    /// Routes one 148-byte initiation received from `source`; under load, only messages with a valid mac2 pass.
    mutating func route(
        initiation message: [UInt8], from source: UDPEndpoint, now: Instant,
        underLoad: Bool, random: inout some RandomNumberGenerator
    ) -> InitiationRoute

    /// Checks the MACs of a 92-byte response before it reaches its tunnel, as the kernel does for every
    /// handshake message: nil lets it through; otherwise a cookie reply (under load without mac2) or a drop.
    mutating func admit(
        response message: [UInt8], from source: UDPEndpoint, now: Instant,
        underLoad: Bool, random: inout some RandomNumberGenerator
    ) -> InitiationRoute?
}

extension InitiationRouter {
    /// Lets every response through: for routers whose handshake checks its own MACs.
    public mutating func admit(
        response message: [UInt8], from source: UDPEndpoint, now: Instant,
        underLoad: Bool, random: inout some RandomNumberGenerator
    ) -> InitiationRoute? {
        nil
    }
}

/// The outcome of `InitiationRouter.route`.
public enum InitiationRoute: Sendable {
    /// The initiation is from this peer (its `Tunnel.peerIndex`), opened already when `consumed` is not nil.
    case peer(UInt32, consumed: ConsumedInitiation?)
    /// Under load without a valid mac2: send this cookie reply to the source instead (§5.4.7).
    case cookieReply([UInt8])
    /// Drop the message, for this reason.
    case drop(DropReason)
}

/// A WireGuard interface's protocol state: its peers' tunnels and the cryptokey routing table (whitepaper §2).
///
/// Outgoing IP packets are routed by destination through AllowedIPs to a peer; incoming datagrams go to a peer
/// by receiver index (transport, response, cookie reply) or through the `InitiationRouter` (initiation), and a
/// decrypted packet is delivered only if its source address routes back to the peer that sent it. Like `Tunnel`,
/// every call appends to the caller's `actions` and performs no I/O.
public struct Device: Sendable {
    /// The peers, by `Tunnel.peerIndex`.
    public internal(set) var tunnels: [UInt32: Tunnel] = [:]
    /// The peer indexes in ascending order: `tick` visits peers in this order, never in the dictionary's hash
    /// order, so a run with a seeded generator draws its random numbers in the same order every time.
    public private(set) var peerOrder: [UInt32] = []
    /// Cryptokey routing: prefix to peer index.
    public internal(set) var allowedIPs = AllowedIPs<UInt32>()
    var router: any InitiationRouter
    /// Which peer owns each local session index (whitepaper §5.4.2: random 32-bit indices).
    public internal(set) var indexTable: [UInt32: UInt32] = [:]
    var registeredIndices: [UInt32: [UInt32]] = [:]
    /// Whether the daemon is under load: initiations then need a valid mac2, else get a cookie reply (§5.4.7).
    public var underLoad = false

    /// A device with no peers whose initiations are routed by `router`.
    public init(router: any InitiationRouter) {
        self.router = router
    }

    /// Adds (or replaces) a peer and routes `allowedIPs` to it; a prefix held by another peer moves to it.
    public mutating func addPeer(
        _ tunnel: Tunnel,
        allowedIPs prefixes: [(address: IPAddress, prefixLength: Int)]
    ) throws {
        let peer = tunnel.peerIndex
        for index in registeredIndices.removeValue(forKey: peer) ?? [] where indexTable[index] == peer {
            indexTable[index] = nil
        }
        var added = tunnel
        added.syncedIndexEpoch = nil  // this device has none of its indices yet
        if tunnels.updateValue(added, forKey: peer) == nil {
            peerOrder.insert(peer, at: peerOrder.partitioningIndex(where: { $0 >= peer }))
        }
        syncIndices(tunnels.index(forKey: peer)!)
        for prefix in prefixes {
            try allowedIPs.insert(prefix.address, prefixLength: prefix.prefixLength, peer: peer)
        }
    }

    /// Removes a peer, its sessions (their keys and its handshake state zeroed), its indices and its routes.
    public mutating func removePeer(_ peerIndex: UInt32) {
        if var removed = tunnels.removeValue(forKey: peerIndex) {
            removed.wipeSecrets()
            peerOrder.remove(at: peerOrder.partitioningIndex(where: { $0 >= peerIndex }))
        }
        allowedIPs.removeAll(of: peerIndex)
        let registered = registeredIndices.removeValue(forKey: peerIndex) ?? []
        for index in registered where indexTable[index] == peerIndex { indexTable[index] = nil }
    }

    /// Zeroes every peer's session keys and handshake state (the device is being replaced: a new private key, or
    /// the interface went down). The peers stay; their next packets start new handshakes.
    public mutating func wipeSecrets() {
        for slot in tunnels.indices { tunnels.values[slot].wipeSecrets() }
    }

    /// Reserves a fresh index, unique in this device, for the tunnel's next handshake.
    mutating func reserveIndex(_ slot: Dictionary<UInt32, Tunnel>.Index, random: inout some RandomNumberGenerator) {
        guard tunnels.values[slot].reservedIndex == nil else { return }
        var candidate: UInt32
        repeat {
            candidate = UInt32.random(in: 1...UInt32.max, using: &random)
        } while indexTable[candidate] != nil
        let peer = tunnels.keys[slot]
        indexTable[candidate] = peer
        registeredIndices[peer, default: []].append(candidate)
        tunnels.values[slot].reservedIndex = candidate
    }

    /// Brings the index table up to date with the tunnel's indices when they may have changed.
    mutating func syncIndices(_ slot: Dictionary<UInt32, Tunnel>.Index) {
        let epoch = tunnels.values[slot].indexEpoch
        if tunnels.values[slot].syncedIndexEpoch == epoch { return }
        let peer = tunnels.keys[slot]
        let current = tunnels.values[slot].localIndices
        for old in registeredIndices[peer] ?? [] where !current.contains(old) && indexTable[old] == peer {
            indexTable[old] = nil
        }
        for index in current { indexTable[index] = peer }
        registeredIndices[peer] = current
        tunnels.values[slot].syncedIndexEpoch = epoch
    }

    /// The earliest timer deadline of any peer.
    public var nextDeadline: Instant? {
        tunnels.values.compactMap(\.nextDeadline).min()
    }

    /// Routes an IP packet from the TUN device to the peer owning its destination and encapsulates it.
    public mutating func encapsulate(
        _ packet: [UInt8], now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        let header: IPPacket.Header
        do {
            header = try IPPacket.header(of: packet)
        } catch {
            actions.append(.dropped(.notAnIPPacket(error)))
            return
        }
        guard let peer = allowedIPs.lookup(header.destination), tunnels.index(forKey: peer) != nil else {
            actions.append(.dropped(.noRouteToDestination(header.destination)))
            return
        }
        let slot = tunnels.index(forKey: peer)!
        reserveIndex(slot, random: &random)
        tunnels.values[slot].encapsulate(packet, now: now, random: &random, into: &actions)
        syncIndices(slot)
    }

    /// Handles one UDP datagram from `source`.
    public mutating func decapsulate(
        _ datagram: [UInt8], from source: UDPEndpoint, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        guard datagram.count >= 8, let type = try? MessageType(of: datagram) else {
            actions.append(.dropped(.malformedMessage(type: datagram.first ?? 0, length: datagram.count)))
            return
        }
        let peer: UInt32
        var consumed: ConsumedInitiation? = nil
        if type == .handshakeInitiation {
            guard datagram.count == 148 else {
                actions.append(.dropped(.malformedMessage(type: 1, length: datagram.count)))
                return
            }
            switch router.route(initiation: datagram, from: source, now: now, underLoad: underLoad, random: &random) {
            case .peer(let index, let opened):
                peer = index
                consumed = opened
            case .cookieReply(let reply):
                actions.append(.writeToNetwork(datagram: reply, endpoint: source))
                actions.append(.dropped(.underLoad))
                return
            case .drop(let reason):
                actions.append(.dropped(reason))
                return
            }
        } else {
            if type == .handshakeResponse,
                let verdict = router.admit(
                    response: datagram, from: source, now: now,
                    underLoad: underLoad, random: &random)
            {
                switch verdict {
                case .cookieReply(let reply):
                    actions.append(.writeToNetwork(datagram: reply, endpoint: source))
                    actions.append(.dropped(.underLoad))
                case .drop(let reason):
                    actions.append(.dropped(reason))
                case .peer:
                    actions.append(.dropped(.malformedMessage(type: 2, length: datagram.count)))
                }
                return
            }
            // A response carries the receiver index at offset 8; a cookie reply and transport data at offset 4.
            let offset = type == .handshakeResponse ? 8 : 4
            guard datagram.count >= offset + 4 else {
                actions.append(.dropped(.malformedMessage(type: datagram[0], length: datagram.count)))
                return
            }
            let receiver = UInt32(truncatingIfNeeded: Keypair.readLittleEndian(datagram, at: offset, bytes: 4))
            guard let owner = indexTable[receiver] else {
                actions.append(.dropped(.unknownReceiverIndex(receiver)))
                return
            }
            peer = owner
        }
        guard let slot = tunnels.index(forKey: peer) else {
            actions.append(.dropped(.unknownInitiator))
            return
        }
        let first = actions.count
        reserveIndex(slot, random: &random)
        if type == .handshakeInitiation {
            tunnels.values[slot].receiveInitiation(
                datagram, consumed: consumed, from: source, now: now,
                random: &random, into: &actions)
        } else {
            tunnels.values[slot].decapsulate(datagram, from: source, now: now, random: &random, into: &actions)
        }
        syncIndices(slot)
        // Cryptokey routing on receive: the packet's source must route back to the peer that sent it.
        for i in first..<actions.count {
            if case .writeToTunnel(_, let address) = actions[i], allowedIPs.lookup(address) != peer {
                actions[i] = .dropped(.sourceNotAllowed(address))
            }
        }
    }

    /// Fires every peer's due timers, visiting peers in ascending peer index (`peerOrder`).
    public mutating func tick(
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        for peer in peerOrder {
            guard let index = tunnels.index(forKey: peer) else { continue }
            if let deadline = tunnels.values[index].nextDeadline, deadline <= now {
                reserveIndex(index, random: &random)
                tunnels.values[index].tick(now: now, random: &random, into: &actions)
                syncIndices(index)
            }
        }
    }
}

extension Array where Element == UInt32 {
    /// The first index whose element satisfies `belongs`, for a predicate that is false then true along the array.
    fileprivate func partitioningIndex(where belongs: (UInt32) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
