import WireNet

/// Receiving: handshake messages and transport data for one peer (whitepaper §5.4; the kernel's receive.c).
extension Tunnel {
    /// Handles one datagram from `source` addressed to this peer (the caller has routed it here).
    ///
    /// Appends the responses to send, the decrypted packet for the TUN device (`writeToTunnel`, not yet checked
    /// against AllowedIPs: `Device` does that), staged packets released by a new session, or a typed drop.
    public mutating func decapsulate(
        _ datagram: [UInt8], from source: UDPEndpoint, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        guard let first = datagram.first, let type = MessageType(rawValue: first),
            datagram.count >= 4, datagram[1] == 0, datagram[2] == 0, datagram[3] == 0
        else {
            actions.append(.dropped(.malformedMessage(type: datagram.first ?? 0, length: datagram.count)))
            return
        }
        switch type {
        case .handshakeInitiation:
            guard datagram.count == 148 else { return malformed(datagram, &actions) }
            receiveInitiation(datagram, consumed: nil, from: source, now: now, random: &random, into: &actions)
        case .handshakeResponse:
            guard datagram.count == 92 else { return malformed(datagram, &actions) }
            receiveResponse(datagram, from: source, now: now, random: &random, into: &actions)
        case .cookieReply:
            guard datagram.count == 64 else { return malformed(datagram, &actions) }
            do {
                try handshake.consumeCookieReply(datagram, now: now)
            } catch {
                actions.append(.dropped(.handshakeRejected(HandshakeRejection(error))))
            }
        case .transportData:
            guard datagram.count >= Keypair.headerLength + Keypair.tagLength else {
                return malformed(datagram, &actions)
            }
            receiveTransport(datagram, from: source, now: now, random: &random, into: &actions)
        }
    }

    private func malformed(_ datagram: [UInt8], _ actions: inout [TunnelAction]) {
        actions.append(.dropped(.malformedMessage(type: datagram[0], length: datagram.count)))
    }

    /// Answers an initiation from this peer; `consumed` is the initiation already opened by the device's
    /// `InitiationRouter` (nil to let the handshake open it).
    public mutating func receiveInitiation(
        _ message: [UInt8], consumed: ConsumedInitiation?, from source: UDPEndpoint,
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        let index = nextLocalIndex(random: &random)
        let answer: (response: [UInt8], keys: SessionKeys)
        do {
            answer = try handshake.respond(
                toInitiation: message, consumed: consumed, localIndex: index, now: now,
                random: &random)
        } catch {
            actions.append(.dropped(.handshakeRejected(HandshakeRejection(error))))
            return
        }
        endpoint = source
        statistics.rxBytes += UInt64(message.count)
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketReceived()
        keypairs.install(Keypair(answer.keys, now: now))
        timers.sessionDerived(now: now)
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketSent()
        // As the kernel: a response counts as a handshake sent, so this side does not start its own
        // initiation within Rekey-Timeout and race the one it just answered.
        lastSentHandshake = now
        actions.append(.writeToNetwork(datagram: answer.response, endpoint: source))
        statistics.txBytes += UInt64(answer.response.count)
    }

    mutating func receiveResponse(
        _ message: [UInt8], from source: UDPEndpoint, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        let keys: SessionKeys
        do {
            keys = try handshake.consumeResponse(message, now: now)
        } catch {
            actions.append(.dropped(.handshakeRejected(HandshakeRejection(error))))
            return
        }
        initiationIndex = nil
        indexEpoch &+= 1
        endpoint = source
        statistics.rxBytes += UInt64(message.count)
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketReceived()
        keypairs.install(Keypair(keys, now: now))
        timers.sessionDerived(now: now)
        timers.handshakeComplete()
        statistics.lastHandshake = now
        // The initiator confirms the session at once: staged data, or else a keepalive.
        sendKeepalive(now: now, random: &random, into: &actions)
    }

    mutating func receiveTransport(
        _ datagram: [UInt8], from source: UDPEndpoint, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) {
        let receiver = UInt32(truncatingIfNeeded: Keypair.readLittleEndian(datagram, at: 4, bytes: 4))
        guard let slot = keypairs.slot(ofLocalIndex: receiver) else {
            actions.append(.dropped(.unknownReceiverIndex(receiver)))
            return
        }
        // Read the keypair in place (no copy held across the replay update, which would copy its window).
        guard keypairs.withKeypair(in: slot, { $0.canReceive(now: now) }) else {
            actions.append(.dropped(.keypairExpired))
            return
        }
        guard let (counter, padded) = keypairs.withKeypair(in: slot, { $0.open(datagram) }) else {
            actions.append(.dropped(.authenticationFailed))
            return
        }
        guard keypairs.withKeypair(in: slot, { $0.acceptCounter(counter) }) else {
            actions.append(.dropped(.replayed(counter: counter)))
            return
        }
        statistics.rxBytes += UInt64(datagram.count)
        if slot == .next, keypairs.confirmNext() {
            indexEpoch &+= 1
            // The responder's new session is confirmed: it may send with it now (§5.4.5).
            timers.handshakeComplete()
            statistics.lastHandshake = now
            sendStaged(now: now, random: &random, into: &actions)
        }
        keepKeyFreshReceiving(now: now, random: &random, into: &actions)
        timers.anyAuthenticatedPacketTraversal(now: now, persistentInterval: configuration.persistentKeepalive)
        timers.anyAuthenticatedPacketReceived()
        endpoint = source
        if padded.isEmpty {
            statistics.keepalivesReceived += 1
            return
        }
        timers.dataReceived(now: now)
        let header: IPPacket.Header
        do {
            header = try IPPacket.header(of: padded)
        } catch {
            actions.append(.dropped(.notAnIPPacket(error)))
            return
        }
        let packet = header.length == padded.count ? padded : Array(padded[..<header.length])
        actions.append(.writeToTunnel(packet: packet, source: header.source))
    }

    /// The initiator starts a handshake when its session nears Reject-After-Time while it only receives
    /// (Reject-After-Time - Keepalive-Timeout - Rekey-Timeout = 165 s), once per session (§6.2).
    mutating func keepKeyFreshReceiving(
        now: Instant, random: inout some RandomNumberGenerator,
        into actions: inout [TunnelAction]
    ) {
        guard !timers.sentLastMinuteHandshake, let current = keypairs.current, current.isInitiator else { return }
        let limit =
            ProtocolConstants.rejectAfterTime - ProtocolConstants.keepaliveTimeout
            - ProtocolConstants.rekeyTimeout
        guard current.createdAt.hasExpired(after: limit, now: now) else { return }
        timers.sentLastMinuteHandshake = true
        sendInitiation(isRetry: false, now: now, random: &random, into: &actions)
    }
}
