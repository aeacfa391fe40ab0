import Testing
import WireCrypto

@testable import WireProtocol

@Suite("Cookies and mac2 under load (whitepaper §5.4.7)")
struct CookieTests {
    typealias Support = HandshakeTestSupport
    static let source: [UInt8] = [192, 0, 2, 1, 0xCA, 0x6C]

    @Test("cookie reply round trip: refused without mac2, accepted with it")
    func roundTrip() throws {
        var pair = try Support.Pair()
        let first = try pair.initiation(index: 0x42, at: .seconds(1))
        #expect(first.mac2 == [UInt8](repeating: 0, count: 16))
        let now = Instant.zero + .seconds(1)
        #expect(pair.responderChecker.verify(first, source: Self.source, now: now, underLoad: true) == .cookieRequired)

        let reply = pair.responderChecker.createReply(to: first, source: Self.source, now: now, using: &pair.rng)
        #expect(reply.receiverIndex == 0x42)
        let wire = try CookieReply(decoding: reply.encoded)
        try pair.initiatorCookies.consumeCookieReply(wire, now: now)
        #expect(pair.initiatorCookies.hasFreshCookie(now: now))

        let second = try pair.initiation(index: 0x43, at: .seconds(2))
        #expect(second.mac2 != [UInt8](repeating: 0, count: 16))
        #expect(
            pair.responderChecker.verify(second, source: Self.source, now: .zero + .seconds(2), underLoad: true)
                == .valid)
        // The cookie is bound to the source address.
        #expect(
            pair.responderChecker.verify(
                second, source: [192, 0, 2, 2, 0xCA, 0x6C], now: .zero + .seconds(2),
                underLoad: true) == .cookieRequired)
        // Not under load, mac2 is not consulted.
        #expect(pair.responderChecker.verify(first, source: Self.source, now: now, underLoad: false) == .valid)
    }

    @Test("a received cookie is used for 120 s, then mac2 goes back to zeros")
    func cookieExpiresAtInitiator() throws {
        var pair = try Support.Pair()
        let first = try pair.initiation()
        let reply = pair.responderChecker.createReply(to: first, source: Self.source, now: .zero, using: &pair.rng)
        try pair.initiatorCookies.consumeCookieReply(reply, now: .zero + .seconds(10))
        #expect(pair.initiatorCookies.hasFreshCookie(now: .zero + .seconds(129)))
        #expect(!pair.initiatorCookies.hasFreshCookie(now: .zero + .seconds(130)))
        let late = try pair.initiation(at: .seconds(130))
        #expect(late.mac2 == [UInt8](repeating: 0, count: 16))
    }

    @Test("the responder's secret changes after 120 s, so old cookies stop working")
    func secretRotation() throws {
        var pair = try Support.Pair()
        let first = try pair.initiation()
        let reply = pair.responderChecker.createReply(to: first, source: Self.source, now: .zero, using: &pair.rng)
        try pair.initiatorCookies.consumeCookieReply(reply, now: .zero)
        let withCookie = try pair.initiation(at: .seconds(1))
        #expect(pair.responderChecker.checkMAC2(withCookie, source: Self.source, now: .zero + .seconds(120)))
        #expect(!pair.responderChecker.checkMAC2(withCookie, source: Self.source, now: .zero + .seconds(121)))
        // A new reply makes a new secret; the new cookie works again.
        let reply2 = pair.responderChecker.createReply(
            to: withCookie, source: Self.source, now: .zero + .seconds(121), using: &pair.rng)
        try pair.initiatorCookies.consumeCookieReply(reply2, now: .zero + .seconds(121))
        let fresh = try pair.initiation(at: .seconds(122))
        #expect(pair.responderChecker.checkMAC2(fresh, source: Self.source, now: .zero + .seconds(122)))
        #expect(!pair.responderChecker.checkMAC2(withCookie, source: Self.source, now: .zero + .seconds(122)))
    }

    @Test("a cookie reply opens only under the mac1 of our last message")
    func replyBoundToLastMAC1() throws {
        var pair = try Support.Pair()
        #expect(throws: CookieError.noOutstandingMAC1) {
            try pair.initiatorCookies.consumeCookieReply(
                CookieReply(
                    receiverIndex: 0, nonce: .init(repeating: 0, count: 24),
                    encryptedCookie: .init(repeating: 0, count: 32)), now: .zero)
        }
        let first = try pair.initiation()
        let reply = pair.responderChecker.createReply(to: first, source: Self.source, now: .zero, using: &pair.rng)
        _ = try pair.initiation(at: .seconds(1))  // a newer message: the old reply no longer answers our last mac1
        #expect(throws: CookieError.decryptionFailed) {
            try pair.initiatorCookies.consumeCookieReply(reply, now: .zero)
        }
        var tampered = pair.responderChecker.createReply(
            to: try pair.initiation(at: .seconds(2)), source: Self.source, now: .zero, using: &pair.rng)
        tampered.encryptedCookie[0] ^= 1
        #expect(throws: CookieError.decryptionFailed) {
            try pair.initiatorCookies.consumeCookieReply(tampered, now: .zero)
        }
    }

    @Test("responses carry MACs for the initiator's key, and cookies work in that direction too")
    func responseDirection() throws {
        var pair = try Support.Pair()
        let initiation = try pair.initiation()
        try pair.responder.accept(try pair.responderIdentity.consumeInitiation(initiation), now: .zero)
        var response = try pair.responder.createResponse(senderIndex: 5, using: &pair.rng)
        pair.responderCookies.addMACs(to: &response, now: .zero)
        #expect(pair.initiatorChecker.checkMAC1(response))
        #expect(!pair.responderChecker.checkMAC1(response))
        let reply = pair.initiatorChecker.createReply(to: response, source: Self.source, now: .zero, using: &pair.rng)
        #expect(reply.receiverIndex == 5)
        try pair.responderCookies.consumeCookieReply(reply, now: .zero)
        pair.responderCookies.addMACs(to: &response, now: .zero)
        #expect(pair.initiatorChecker.verify(response, source: Self.source, now: .zero, underLoad: true) == .valid)
    }
}
