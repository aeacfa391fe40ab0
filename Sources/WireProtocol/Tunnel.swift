import WireNet

/// One peer's protocol state machine: sessions, staged packets, timers, endpoint (whitepaper §5 and §6).
///
/// Pure and result-driven like boringtun's `Tunn`: every call takes the time (`now`) and a random generator,
/// changes state, and appends what to do to the caller's `actions` array (reuse one array across a batch and
/// `removeAll(keepingCapacity:)` it; no allocation per call for the list itself). It never performs I/O.
/// Routing between peers (AllowedIPs, receiver indices, identifying an initiator) is `Device`'s job.
///
/// Session indices are random (§5.4.2); a `Device` reserves each one so it is unique among its peers and keeps
/// an index table from `localIndices`.
public struct Tunnel: Sendable {
    /// Per-peer settings.
    public struct Configuration: Sendable, Equatable {
        /// Persistent keepalive interval (wg's PersistentKeepalive); nil or zero for off.
        public var persistentKeepalive: Duration?
        /// Padding never grows a packet beyond this size (the TUN device's MTU); nil for no cap.
        public var mtu: Int?

        /// Settings with no persistent keepalive and no MTU cap.
        public init(persistentKeepalive: Duration? = nil, mtu: Int? = nil) {
            self.persistentKeepalive = persistentKeepalive
            self.mtu = mtu
        }
    }

    /// Counters for `wg show` and tests.
    public struct Statistics: Sendable, Equatable {
        /// Bytes of datagrams sent to the peer.
        public var txBytes: UInt64 = 0
        /// Bytes of authenticated datagrams received from the peer.
        public var rxBytes: UInt64 = 0
        /// Keepalives received (authenticated empty transport messages).
        public var keepalivesReceived: UInt64 = 0
        /// When the latest handshake completed.
        public var lastHandshake: Instant?
    }

    /// Staged packets are kept up to this many (the kernel's MAX_STAGED_PACKETS).
    public static let maxStagedPackets = 128

    /// This peer's number in its device.
    public let peerIndex: UInt32
    /// Settings.
    public var configuration: Configuration
    /// Where datagrams to the peer go; updated from every authenticated datagram (roaming, §2).
    public var endpoint: UDPEndpoint?
    /// Sessions.
    public internal(set) var keypairs = Keypairs()
    /// Timers.
    public internal(set) var timers = Timers()
    /// Counters.
    public internal(set) var statistics = Statistics()
    /// Packets waiting for a session.
    public internal(set) var staged: [[UInt8]] = []

    var handshake: any TunnelHandshake
    var lastSentHandshake: Instant?
    var initiationIndex: UInt32?
    /// A fresh index the device reserved for this tunnel's next handshake (unique in the device); when none is
    /// reserved the tunnel draws a random one itself.
    public var reservedIndex: UInt32?
    /// Changes whenever the set of `localIndices` may have changed, so a device re-reads it only then.
    public internal(set) var indexEpoch: UInt64 = 0
    /// The epoch whose indices the owning device has in its table.
    var syncedIndexEpoch: UInt64?

    /// A tunnel to one peer; `peerIndex` must be unique in its device.
    public init(
        peerIndex: UInt32, handshake: any TunnelHandshake, endpoint: UDPEndpoint? = nil,
        configuration: Configuration = Configuration()
    ) {
        self.peerIndex = peerIndex
        self.handshake = handshake
        self.endpoint = endpoint
        self.configuration = configuration
    }

    /// When `tick` should next be called, if any timer is armed.
    public var nextDeadline: Instant? { timers.nextDeadline }

    /// A random 32-bit index for a new handshake (whitepaper §5.4.2: I_i and I_r are random).
    mutating func nextLocalIndex(random: inout some RandomNumberGenerator) -> UInt32 {
        indexEpoch &+= 1
        if let reserved = reservedIndex {
            reservedIndex = nil
            return reserved
        }
        return UInt32.random(in: 1...UInt32.max, using: &random)
    }

    /// The indices incoming messages for this tunnel carry: its sessions' and the initiation in flight's.
    public var localIndices: [UInt32] {
        [
            initiationIndex, keypairs.previous?.localIndex, keypairs.current?.localIndex, keypairs.next?.localIndex,
            reservedIndex,
        ].compactMap { $0 }
    }

    // MARK: Sending (§5.4.6; the kernel's send.c)

    /// Encrypts an IP packet from the TUN device for this peer, or stages it and starts a handshake.
    public mutating func encapsulate(
        _ packet: [UInt8], now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        guard endpoint != nil else {
            actions.append(.dropped(.noEndpoint))
            return
        }
        // Fast path: nothing waits and the current session can send.
        if staged.isEmpty, let endpoint, keypairs.current?.canSend(now: now) == true,
            let datagram = keypairs.current!.seal(packet, mtu: configuration.mtu)
        {
            sent(datagram, to: endpoint, isData: !packet.isEmpty, now: now, random: &random, into: &actions)
            if keypairs.current!.needsRekeyForSending(now: now) {
                sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
            }
            return
        }
        stage(packet, into: &actions)
        sendStaged(now: now, random: &random, into: &actions)
        if !staged.isEmpty { actions.append(.queued(.awaitingHandshake)) }
    }

    /// Emits a sealed transport message and runs the timer hooks of a sent packet.
    mutating func sent(
        _ datagram: [UInt8], to endpoint: UDPEndpoint, isData: Bool, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        actions.append(.writeToNetwork(datagram: datagram, endpoint: endpoint))
        statistics.txBytes += UInt64(datagram.count)
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketSent()
        if isData { timers.dataSent(now: now, random: &random) }
    }

    mutating func stage(_ packet: [UInt8], into actions: inout [TunnelAction]) {
        if staged.count >= Self.maxStagedPackets {
            staged.removeFirst()
            actions.append(.dropped(.stagedQueueFull))
        }
        staged.append(packet)
    }

    /// Sends every staged packet with the current session, or starts a handshake when there is none usable.
    mutating func sendStaged(
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        guard !staged.isEmpty else { return }
        guard let endpoint, keypairs.current?.canSend(now: now) == true else {
            sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
            return
        }
        var sent = 0
        for packet in staged {
            guard let datagram = keypairs.current!.seal(packet, mtu: configuration.mtu) else { break }
            self.sent(datagram, to: endpoint, isData: !packet.isEmpty, now: now, random: &random, into: &actions)
            sent += 1
        }
        staged.removeFirst(sent)
        if !staged.isEmpty {
            // The counter ran out mid-batch: the rest waits for a new session.
            sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
            return
        }
        if keypairs.current!.needsRekeyForSending(now: now) {
            sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
        }
    }

    /// Sends a keepalive (an empty transport message) unless data is staged anyway (§6.5).
    mutating func sendKeepalive(
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        if staged.isEmpty { staged.append([]) }
        sendStaged(now: now, random: &random, into: &actions)
    }

    /// Sends a handshake initiation, at most one per Rekey-Timeout (§6.4).
    mutating func sendInitiation(
        isRetry: Bool, now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        if !isRetry { timers.handshakeAttempts = 0 }
        if let last = lastSentHandshake, !last.hasExpired(after: ProtocolConstants.rekeyTimeout, now: now) {
            return
        }
        lastSentHandshake = now
        let index = nextLocalIndex(random: &random)
        let message: [UInt8]
        do {
            message = try handshake.createInitiation(localIndex: index, now: now, random: &random)
        } catch {
            actions.append(.dropped(.handshakeRejected(HandshakeRejection(error))))
            return
        }
        initiationIndex = index
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketSent()
        if let endpoint {
            actions.append(.writeToNetwork(datagram: message, endpoint: endpoint))
            statistics.txBytes += UInt64(message.count)
        } else {
            actions.append(.dropped(.noEndpoint))
        }
        timers.handshakeInitiated(now: now, random: &random)
    }

    /// Changes the persistent keepalive interval; turning it on sends a keepalive at once, as wg(8) and
    /// the kernel do when `persistent-keepalive` is set on a running interface.
    public mutating func setPersistentKeepalive(
        _ interval: Duration?, now: Instant,
        random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        configuration.persistentKeepalive = interval
        timers.persistentKeepalive = nil
        if let interval, interval > .zero, endpoint != nil {
            sendKeepalive(now: now, random: &random, into: &actions)
        }
    }

    /// Zeroes every secret of this peer's sessions and handshake in flight (the peer is removed, or the device is
    /// rebuilt): keypairs wiped, handshake cleared. Static keys are the identity's and stay.
    public mutating func wipeSecrets() {
        keypairs.clear()
        handshake.clear()
        initiationIndex = nil
    }

    /// The local private key changed (wireguard-go's `Peer.ExpireCurrentKeypairs`, device/peer.go): the handshake
    /// in flight is dropped, the sessions stop sending but keep receiving until they expire, and the Rekey-Timeout
    /// limit is lifted, so the next packet sent starts a handshake under the new key at once. `handshake` must
    /// already use the new key.
    public mutating func expireCurrentKeypairs() {
        handshake.clear()
        initiationIndex = nil
        indexEpoch &+= 1
        lastSentHandshake = nil
        keypairs.expireForSending()
    }

    // MARK: Timers (§6; the kernel's timers.c expiry functions)

    /// Fires every timer whose deadline is at or before `now`.
    public mutating func tick(
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        if let at = timers.retransmitHandshake, at <= now {
            timers.retransmitHandshake = nil
            if timers.handshakeAttempts > Timers.maxHandshakeAttempts {
                // Rekey-Attempt-Time is over: give up, drop what waited, and zero keys eventually.
                timers.sendKeepalive = nil
                for _ in staged { actions.append(.dropped(.handshakeGaveUp)) }
                staged.removeAll()
                if timers.zeroKeyMaterial == nil { timers.sessionDerived(now: now) }
            } else {
                timers.handshakeAttempts += 1
                sendInitiation(isRetry: true, now: now, random: &random, into: &actions)
            }
        }
        if let at = timers.sendKeepalive, at <= now {
            timers.sendKeepalive = nil
            sendKeepalive(now: now, random: &random, into: &actions)
            if timers.needAnotherKeepalive {
                timers.needAnotherKeepalive = false
                timers.sendKeepalive = now + ProtocolConstants.keepaliveTimeout
            }
        }
        if let at = timers.newHandshake, at <= now {
            timers.newHandshake = nil
            sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
        }
        if let at = timers.zeroKeyMaterial, at <= now {
            timers.zeroKeyMaterial = nil
            keypairs.clear()
            handshake.clear()
            initiationIndex = nil
            indexEpoch &+= 1
        }
        if let at = timers.persistentKeepalive, at <= now {
            timers.persistentKeepalive = nil
            if let interval = configuration.persistentKeepalive, interval > .zero {
                sendKeepalive(now: now, random: &random, into: &actions)
            }
        }
    }
}
