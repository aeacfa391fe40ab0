import Testing

@testable import WireProtocol

extension Array where Element == TunnelAction {
    var types: [UInt8] { compactMap(\.messageType) }
    var delivered: [[UInt8]] {
        compactMap { if case .writeToTunnel(let p, _) = $0 { return p } else { return nil } }
    }
    var drops: [DropReason] { compactMap { if case .dropped(let r) = $0 { return r } else { return nil } } }
}

extension Array where Element == (TunnelPair.Side, TunnelAction) {
    var actions: [TunnelAction] { map(\.1) }
}

@Suite("Tunnel: sessions and transport (whitepaper §5.4)")
struct TunnelTests {
    @Test("the first packet is staged, an initiation goes out, and the packet follows the response")
    func firstPacketTriggersHandshake() {
        var pair = TunnelPair()
        let packet = ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 40)
        let first = pair.send(.a, packet)
        #expect(first.types == [1])
        #expect(first.contains(.queued(.awaitingHandshake)))
        let rest = pair.deliver(first, from: .a).actions
        // B answers with a response; A sends the staged packet; B decrypts it and confirms its session.
        #expect(rest.types == [2, 4])
        #expect(rest.delivered == [packet])
        #expect(pair.a.keypairs.current != nil && pair.a.keypairs.current!.isInitiator)
        #expect(pair.b.keypairs.current != nil && pair.b.keypairs.next == nil)
        #expect(pair.a.staged.isEmpty)
    }

    @Test("the responder may not send with a new session until a transport message confirms it")
    func responderWaitsForConfirmation() {
        var pair = TunnelPair()
        let initiation = pair.send(.a, ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 8))
        let response = pair.receive(
            .b,
            initiation.compactMap {
                if case .writeToNetwork(let d, _) = $0 { return d } else { return nil }
            }[0])
        #expect(response.types == [2])
        #expect(pair.b.keypairs.next != nil && pair.b.keypairs.current == nil)
        // B has data of its own now: it must not use the unconfirmed session.
        let early = pair.send(.b, ipv4Packet(from: 0x0a00_0002, to: 0x0a00_0001, payload: 8))
        #expect(!early.types.contains(4))
        #expect(early.contains(.queued(.awaitingHandshake)))
        // A's data confirms the session, and B's staged packet goes out with it at once.
        let confirmed = pair.deliver(response, from: .b).actions
        #expect(confirmed.delivered.count == 2)
        #expect(pair.b.keypairs.current != nil && pair.b.keypairs.next == nil)
        #expect(pair.b.staged.isEmpty)
    }

    @Test("transport messages are padded to 16 bytes and the padding is removed on receipt")
    func padding() {
        var pair = TunnelPair()
        pair.exchange()
        for payload in [0, 1, 12, 13, 100] {
            let packet = ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: payload)
            let sent = pair.send(.a, packet)
            guard case .writeToNetwork(let datagram, _) = sent[0] else {
                Issue.record("nothing sent")
                return
            }
            let padded = (packet.count + 15) / 16 * 16
            #expect(datagram.count == 16 + padded + 16)
            #expect(pair.deliver(sent, from: .a).actions.delivered == [packet])
        }
        // With an MTU, padding never grows a packet beyond it.
        #expect(Keypair.paddedLength(1419, mtu: 1420) == 1420)
        #expect(Keypair.paddedLength(1420, mtu: 1420) == 1420)
        #expect(Keypair.paddedLength(1410, mtu: 1420) == 1420)
        #expect(Keypair.paddedLength(1401, mtu: 1420) == 1408)
    }

    @Test("counters are nonces: each message uses the next, and a replayed message is dropped")
    func countersAndReplay() {
        var pair = TunnelPair()
        pair.exchange()
        let counterBefore = pair.a.keypairs.current!.sendCounter
        let sent = pair.send(.a, ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 4))
        #expect(pair.a.keypairs.current!.sendCounter == counterBefore + 1)
        guard case .writeToNetwork(let datagram, _) = sent[0] else {
            Issue.record("nothing sent")
            return
        }
        #expect(Keypair.readLittleEndian(datagram, at: 8, bytes: 8) == counterBefore)
        #expect(pair.receive(.b, datagram).delivered.count == 1)
        #expect(pair.receive(.b, datagram) == [.dropped(.replayed(counter: counterBefore))])
    }

    @Test("a tampered message fails authentication; an unknown index and a bad length are typed drops")
    func badMessages() {
        var pair = TunnelPair()
        pair.exchange()
        let sent = pair.send(.a, ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 4))
        guard case .writeToNetwork(var datagram, _) = sent[0] else {
            Issue.record("nothing sent")
            return
        }
        datagram[20] ^= 1
        #expect(pair.receive(.b, datagram) == [.dropped(.authenticationFailed)])
        datagram[4] ^= 0xff
        #expect(pair.receive(.b, datagram).drops.count == 1)
        if case .dropped(.unknownReceiverIndex) = pair.receive(.b, datagram)[0] {
        } else {
            Issue.record("expected unknownReceiverIndex")
        }
        #expect(pair.receive(.b, [4, 0, 0, 0, 1]) == [.dropped(.malformedMessage(type: 4, length: 5))])
        #expect(pair.receive(.b, [1, 0, 0, 0]) == [.dropped(.malformedMessage(type: 1, length: 4))])
        #expect(pair.receive(.b, [9, 0, 0, 0]) == [.dropped(.malformedMessage(type: 9, length: 4))])
        #expect(pair.receive(.b, []) == [.dropped(.malformedMessage(type: 0, length: 0))])
    }

    @Test("a peer without an endpoint drops outgoing packets")
    func noEndpoint() {
        var pair = TunnelPair()
        #expect(pair.send(.b, ipv4Packet(from: 1, to: 2, payload: 0)) == [.dropped(.noEndpoint)])
    }

    @Test("the staged queue keeps the newest 128 packets")
    func stagedQueueLimit() {
        var pair = TunnelPair()
        var drops = 0
        for i in 0..<130 {
            drops += pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1, fill: UInt8(i))).drops.count
        }
        #expect(drops == 2)
        #expect(pair.a.staged.count == 128)
        #expect(pair.a.staged.first?.last == 2)
    }

    @Test("Rekey-After-Messages makes the sender rekey; Reject-After-Messages stops it sending")
    func messageLimits() {
        var pair = TunnelPair()
        pair.exchange()
        pair.clock.advance(by: .seconds(6))
        pair.a.keypairs.current!.sendCounter = ProtocolConstants.rekeyAfterMessages + 1
        let rekey = pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1))
        #expect(rekey.types == [4, 1])
        pair.clock.advance(by: .seconds(6))
        pair.b.keypairs.current!.sendCounter = ProtocolConstants.rejectAfterMessages
        let rejected = pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1))
        #expect(!rejected.types.contains(4))
        #expect(rejected.contains(.queued(.awaitingHandshake)))
    }

    @Test("a previous session still decrypts packets in flight after a rekey")
    func previousSessionDecrypts() {
        var pair = TunnelPair()
        pair.exchange()
        let inFlight = pair.send(.b, ipv4Packet(from: 0x0a00_0002, to: 0x0a00_0001, payload: 4))
        pair.clock.advance(by: .seconds(121))
        pair.exchange()  // A rekeys on time; the new handshake completes.
        #expect(pair.a.keypairs.previous != nil)
        #expect(pair.deliver(inFlight, from: .b).actions.delivered.count == 1)
    }

    @Test("the endpoint follows authenticated packets (roaming) and ignores forged ones")
    func roaming() {
        var pair = TunnelPair()
        pair.exchange()
        let moved = UDPEndpoint(address: .v4(0xc633_6401), port: 4000)
        let sent = pair.send(.a, ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 4))
        guard case .writeToNetwork(var datagram, _) = sent[0] else {
            Issue.record("nothing sent")
            return
        }
        var actions: [TunnelAction] = []
        pair.b.decapsulate(datagram, from: moved, now: pair.now, random: &pair.random, into: &actions)
        #expect(pair.b.endpoint == moved)
        datagram[8] &+= 1  // a forged counter: fails authentication, must not move the endpoint back
        actions.removeAll()
        pair.b.decapsulate(datagram, from: pair.endpointA, now: pair.now, random: &pair.random, into: &actions)
        #expect(actions == [.dropped(.authenticationFailed)])
        #expect(pair.b.endpoint == moved)
    }
}
