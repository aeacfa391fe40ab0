import Testing

@testable import WireProtocol

/// The timer rules of whitepaper §6, each on a manual clock.
@Suite("Timers (whitepaper §6) on a manual clock")
struct TimersTests {
    @Test("an unanswered initiation is retransmitted every Rekey-Timeout (5 s + up to 333 ms jitter)")
    func retransmitEveryFiveSeconds() {
        var pair = TunnelPair()
        _ = pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1))
        var sentAt: [Instant] = [pair.now]
        while sentAt.count < 6, let deadline = pair.a.nextDeadline {
            pair.clock.advance(to: deadline)
            if pair.tick(.a).types == [1] { sentAt.append(pair.now) }
        }
        for (earlier, later) in zip(sentAt, sentAt.dropFirst()) {
            let gap = later - earlier
            #expect(gap >= .seconds(5) && gap < .milliseconds(5333), "gap \(gap)")
        }
        // The jitter really varies.
        #expect(Set(zip(sentAt, sentAt.dropFirst()).map { $1 - $0 }).count > 1)
    }

    @Test("retries stop after Rekey-Attempt-Time: 20 initiations in all, then staged packets are dropped")
    func giveUpAfterNinetySeconds() {
        var pair = TunnelPair()
        _ = pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1))
        var initiations = [pair.now]
        var gaveUpAt: Instant?
        while let deadline = pair.a.nextDeadline, deadline < .zero + .seconds(200) {
            pair.clock.advance(to: deadline)
            let actions = pair.tick(.a)
            if actions.types == [1] { initiations.append(pair.now) }
            if actions.drops == [.handshakeGaveUp] { gaveUpAt = pair.now }
        }
        #expect(initiations.count == Timers.maxHandshakeAttempts + 2)
        // Retrying lasted the 90 s of Rekey-Attempt-Time (and no longer than the kernel's extra retry).
        #expect(initiations.last! - initiations.first! >= ProtocolConstants.rekeyAttemptTime)
        #expect(initiations.last! - initiations.first! < .seconds(100))
        #expect(gaveUpAt != nil && gaveUpAt! - initiations.last! >= .seconds(5))
        #expect(pair.a.staged.isEmpty)
        #expect(pair.a.timers.retransmitHandshake == nil)
    }

    @Test("a keepalive goes out after Keepalive-Timeout (10 s) of receiving data without sending")
    func keepaliveAfterTenSeconds() {
        var pair = TunnelPair()
        pair.exchange()
        let received = pair.now
        #expect(pair.b.nextDeadline == received + .seconds(10))
        pair.clock.advance(by: .milliseconds(9999))
        #expect(pair.tick(.b).isEmpty)
        pair.clock.advance(by: .milliseconds(1))
        let keepalive = pair.tick(.b)
        guard case .writeToNetwork(let datagram, _) = keepalive.first else {
            Issue.record("no keepalive")
            return
        }
        #expect(datagram.count == 32)  // header + empty padded payload + tag
        // A keepalive does not call for an answer.
        let answer = pair.deliver(keepalive, from: .b)
        #expect(answer.isEmpty)
        #expect(pair.a.statistics.keepalivesReceived == 1)
        #expect(pair.a.timers.sendKeepalive == nil)
    }

    @Test("sending anything within 10 s cancels the keepalive")
    func replyCancelsKeepalive() {
        var pair = TunnelPair()
        pair.exchange()
        pair.clock.advance(by: .seconds(3))
        pair.exchange(.b)
        #expect(pair.b.timers.sendKeepalive == nil)
    }

    @Test("data sent with no reply for Keepalive-Timeout + Rekey-Timeout (15 s) starts a new handshake")
    func newHandshakeAfterFifteenSeconds() {
        var pair = TunnelPair()
        pair.exchange()
        pair.run(until: pair.now + .seconds(20))  // B's keepalive at 10 s answers A's data
        #expect(pair.a.timers.newHandshake == nil)
        _ = pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1))  // lost: B never answers
        let sent = pair.now
        let deadline = pair.a.timers.newHandshake!
        #expect(deadline - sent >= .seconds(15) && deadline - sent < .milliseconds(15333))
        pair.clock.advance(to: deadline)
        #expect(pair.tick(.a).types == [1])
    }

    @Test("the initiator rekeys when it sends after Rekey-After-Time (120 s); the responder never does")
    func rekeyAfterTwoMinutesInitiatorOnly() {
        var pair = TunnelPair()
        pair.exchange()
        pair.exchange(.b)
        pair.clock.advance(by: .seconds(119))
        #expect(pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1)).types == [4])
        #expect(pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1)).types == [4])
        pair.clock.advance(by: .seconds(2))
        #expect(pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1)).types == [4])
        #expect(pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1)).types == [4, 1])
    }

    @Test("a receiving-only initiator rekeys at Reject-After-Time - 15 s (165 s), once")
    func lastMinuteRekeyOnReceive() {
        var pair = TunnelPair()
        pair.exchange()
        pair.clock.advance(by: .seconds(166))
        let sent = pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1))
        var actions: [TunnelAction] = []
        for case .writeToNetwork(let d, _) in sent { actions += pair.receive(.a, d) }
        #expect(actions.types == [1])
        let again = pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1))
        var second: [TunnelAction] = []
        for case .writeToNetwork(let d, _) in again { second += pair.receive(.a, d) }
        #expect(!second.types.contains(1))
    }

    @Test("after Reject-After-Time (180 s) a session neither sends nor receives")
    func rejectAfterThreeMinutes() {
        var pair = TunnelPair()
        pair.exchange()
        pair.clock.advance(by: .seconds(179))
        let late = pair.send(.b, ipv4Packet(from: 2, to: 1, payload: 1))
        #expect(late.types == [4])
        pair.clock.advance(by: .seconds(2))
        // Sealed at 179 s, arriving at 181 s: the session is dead.
        var dropped: [TunnelAction] = []
        for case .writeToNetwork(let d, _) in late { dropped += pair.receive(.a, d) }
        #expect(dropped == [.dropped(.keypairExpired)])
        // And sending now needs a new handshake first.
        let after = pair.send(.a, ipv4Packet(from: 1, to: 2, payload: 1))
        #expect(after.types == [1])
        #expect(after.contains(.queued(.awaitingHandshake)))
    }

    @Test("keys are zeroed 540 s (3 x Reject-After-Time) after the last session was made")
    func zeroKeysAfterNineMinutes() {
        var pair = TunnelPair()
        pair.exchange()
        let derived = pair.now
        #expect(pair.a.timers.zeroKeyMaterial == derived + .seconds(540))
        pair.run(until: derived + .seconds(539))
        #expect(!pair.a.keypairs.isEmpty && !pair.b.keypairs.isEmpty)
        pair.run(until: derived + .seconds(540))
        #expect(pair.a.keypairs.isEmpty && pair.b.keypairs.isEmpty)
        #expect(pair.a.nextDeadline == nil && pair.b.nextDeadline == nil)
    }

    @Test("a persistent keepalive goes out after the interval of silence, and again")
    func persistentKeepalive() {
        var pair = TunnelPair(configurationA: .init(persistentKeepalive: .seconds(25)))
        pair.exchange()
        let start = pair.now
        pair.run(until: start + .seconds(90))
        // B's keepalive answers the data at 10 s; from then on the line is silent but for A's keepalives.
        #expect(pair.sent(by: .b, since: start + .seconds(1)).map(\.time) == [start + .seconds(10)])
        let keepalives = pair.sent(by: .a, since: start + .seconds(1))
        #expect(keepalives.map(\.time) == [35, 60, 85].map { start + .seconds($0) })
        #expect(keepalives.allSatisfy { $0.datagram.count == 32 })
    }

    @Test("after keys are zeroed, the next packet makes a new handshake")
    func handshakeAgainAfterZeroing() {
        var pair = TunnelPair()
        pair.exchange()
        pair.run(until: pair.now + .seconds(541))
        #expect(pair.a.keypairs.isEmpty)
        let again = pair.exchange()
        #expect(again.actions.types == [2, 4])
        #expect(again.actions.delivered.count == 1)
    }

    @Test("turning persistent keepalive on sends a keepalive at once, then one per interval")
    func persistentKeepaliveTurnedOn() {
        var pair = TunnelPair()
        pair.exchange()
        pair.run(until: pair.now + .seconds(30))
        var actions: [TunnelAction] = []
        pair.a.setPersistentKeepalive(.seconds(20), now: pair.now, random: &pair.random, into: &actions)
        #expect(actions.types == [4])
        #expect(pair.a.timers.persistentKeepalive == pair.now + .seconds(20))
        actions.removeAll()
        pair.a.setPersistentKeepalive(nil, now: pair.now, random: &pair.random, into: &actions)
        #expect(actions.isEmpty && pair.a.timers.persistentKeepalive == nil)
    }
}
