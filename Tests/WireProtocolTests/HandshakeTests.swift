import Testing
import WireCrypto

@testable import WireProtocol

@Suite("WireGuard handshake (whitepaper §5.4.2-5.4.5)")
struct HandshakeTests {
    typealias Support = HandshakeTestSupport

    /// The responder's side of an initiation: MACs, decryption, the peer's checks, the response with MACs.
    private func respond(
        _ pair: inout Support.Pair, to initiation: HandshakeInitiation, now: Instant = .zero, index: UInt32 = 0x2222
    ) throws -> HandshakeResponse {
        #expect(
            pair.responderChecker.verify(initiation, source: [10, 0, 0, 1, 0, 51], now: now, underLoad: false)
                == .valid)
        let consumed = try pair.responderIdentity.consumeInitiation(initiation)
        #expect(consumed.remoteStatic == pair.initiatorIdentity.publicKey)
        try pair.responder.accept(consumed, now: now)
        var response = try pair.responder.createResponse(senderIndex: index, using: &pair.rng)
        pair.responderCookies.addMACs(to: &response, now: now)
        return response
    }

    @Test("initiator and responder complete a handshake in memory and derive matching keys")
    func completeHandshake() throws {
        var pair = try Support.Pair()
        let initiation = try pair.initiation(index: 0xA1)
        #expect(pair.initiator.state == .initiationCreated)
        // Through the wire format and back.
        let received = try HandshakeInitiation(decoding: initiation.encoded)
        let response = try respond(&pair, to: received, index: 0xB2)
        #expect(pair.responder.state == .responseCreated)
        #expect(pair.initiatorChecker.checkMAC1(response))
        try pair.initiator.consumeResponse(try HandshakeResponse(decoding: response.encoded))
        #expect(pair.initiator.state == .responseConsumed)

        let i = try pair.initiator.deriveSessionKeys()
        let r = try pair.responder.deriveSessionKeys()
        #expect(i.sendingKey == r.receivingKey)
        #expect(i.receivingKey == r.sendingKey)
        #expect(i.sendingKey != i.receivingKey)
        #expect((i.localIndex, i.remoteIndex) == (0xA1, 0xB2))
        #expect((r.localIndex, r.remoteIndex) == (0xB2, 0xA1))
        #expect(i.isInitiator && !r.isInitiator)
        #expect(i.handshakeHash == r.handshakeHash)
        #expect(pair.initiator.state == .idle && pair.responder.state == .idle)

        let sealed = try ChaChaPolyAEAD.seal(key: i.sendingKey, counter: 0, plaintext: Array("ping".utf8))
        #expect(try ChaChaPolyAEAD.open(key: r.receivingKey, counter: 0, sealed: sealed) == Array("ping".utf8))
    }

    @Test("a replayed initiation, or one with an older timestamp, is rejected")
    func replay() throws {
        var pair = try Support.Pair()
        let first = try pair.initiation(at: .seconds(10))
        _ = try respond(&pair, to: first, now: .zero + .seconds(10))
        // The same bytes again, well past the rate limit.
        let again = try pair.responderIdentity.consumeInitiation(first)
        #expect(throws: HandshakeError.replayedTimestamp) {
            try pair.responder.accept(again, now: .zero + .seconds(11))
        }
        // A fresh initiation stamped earlier (a clock that went backwards, or a stored old message).
        let older = try pair.initiation(at: .seconds(5))
        let consumedOlder = try pair.responderIdentity.consumeInitiation(older)
        #expect(throws: HandshakeError.replayedTimestamp) {
            try pair.responder.accept(consumedOlder, now: .zero + .seconds(12))
        }
        // A later one is fine.
        let later = try pair.initiation(at: .seconds(20))
        try pair.responder.accept(try pair.responderIdentity.consumeInitiation(later), now: .zero + .seconds(20))
        #expect(pair.responder.latestTimestamp == Support.timestamp(.seconds(20)))
    }

    @Test("at most one initiation per peer is accepted every 20 ms (manual clock)")
    func rateLimit() throws {
        var pair = try Support.Pair()
        let start = Instant.zero + .seconds(100)
        // (arrival after `start`, accepted?): a window of 20 ms opens at each accepted initiation only.
        let schedule: [(Duration, Bool)] = [
            (.zero, true), (.milliseconds(5), false), (.milliseconds(20), false), (.milliseconds(21), true),
            (.milliseconds(30), false), (.milliseconds(41), false), (.milliseconds(42), true),
        ]
        for (step, (offset, expected)) in schedule.enumerated() {
            // Every initiation carries a new, greater timestamp, so only the rate limit can refuse it.
            let initiation = try pair.initiation(at: .seconds(step + 1))
            let consumed = try pair.responderIdentity.consumeInitiation(initiation)
            if expected {
                try pair.responder.accept(consumed, now: start + offset)
            } else {
                #expect(throws: HandshakeError.initiationTooSoon, "step \(step)") {
                    try pair.responder.accept(consumed, now: start + offset)
                }
            }
        }
        #expect(pair.responder.rateLimiter.lastAccepted == start + .milliseconds(42))
    }

    @Test("a wrong mac1 is rejected before any Diffie-Hellman")
    func wrongMAC1() throws {
        var pair = try Support.Pair()
        var initiation = try pair.initiation()
        initiation.mac1[3] ^= 0x01
        #expect(!pair.responderChecker.checkMAC1(initiation))
        #expect(pair.responderChecker.verify(initiation, source: [], now: .zero, underLoad: false) == .invalidMAC1)
        // A correct mac1 for a different responder is wrong for this one.
        let stranger = try HandshakeIdentity(privateKey: [UInt8](repeating: 3, count: 32))
        var misaddressed = try pair.initiation()
        var strangerCookies = CookieGenerator(remotePublicKey: stranger.publicKey)
        strangerCookies.addMACs(to: &misaddressed, now: .zero)
        #expect(!pair.responderChecker.checkMAC1(misaddressed))
        // Any change to the body breaks mac1 too.
        var tampered = try pair.initiation()
        tampered.encryptedTimestamp[0] ^= 0x80
        #expect(!pair.responderChecker.checkMAC1(tampered))
    }

    /// Low-order points of Curve25519 (from Wycheproof and the libsodium blacklist): every DH with them is zero.
    static let lowOrderPoints: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        Support.hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        Support.hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        Support.hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ]

    @Test("a low-order peer key never handshakes", arguments: lowOrderPoints)
    func lowOrderPeer(point: [UInt8]) throws {
        var pair = try Support.Pair()
        // As initiator towards a low-order static key: es is zero.
        var towardsBadKey = try PeerHandshake(identity: pair.initiatorIdentity, remotePublicKey: point)
        #expect(throws: HandshakeError.crypto(.zeroSharedSecret)) {
            try towardsBadKey.createInitiation(senderIndex: 1, timestamp: Support.timestamp(), using: &pair.rng)
        }
        #expect(towardsBadKey.state == .idle)
        // As responder to an initiation with a low-order ephemeral key: es is zero.
        var initiation = try pair.initiation()
        initiation.ephemeral = point
        #expect(throws: HandshakeError.crypto(.zeroSharedSecret)) {
            try pair.responderIdentity.consumeInitiation(initiation)
        }
        // As initiator receiving a response with a low-order ephemeral key: ee is zero; the handshake stays open.
        let good = try pair.initiation(at: .seconds(1))
        var response = try respond(&pair, to: good, now: .zero + .seconds(1))
        response.ephemeral = point
        #expect(throws: HandshakeError.crypto(.zeroSharedSecret)) { try pair.initiator.consumeResponse(response) }
        #expect(pair.initiator.state == .initiationCreated)
    }

    @Test("a forged or misdirected response leaves the initiation outstanding")
    func badResponses() throws {
        var pair = try Support.Pair()
        let initiation = try pair.initiation(index: 77)
        let response = try respond(&pair, to: initiation)

        var forged = response
        forged.encryptedNothing[0] ^= 1
        #expect(throws: HandshakeError.decryptionFailed(field: "empty")) { try pair.initiator.consumeResponse(forged) }
        var misdirected = response
        misdirected.receiverIndex = 78
        #expect(throws: HandshakeError.wrongReceiverIndex(78)) { try pair.initiator.consumeResponse(misdirected) }
        #expect(pair.initiator.state == .initiationCreated)

        try pair.initiator.consumeResponse(response)
        #expect(throws: HandshakeError.unexpectedState(.responseConsumed)) {
            try pair.initiator.consumeResponse(response)
        }
    }

    @Test("different preshared keys never complete a handshake")
    func presharedKeyMismatch() throws {
        var pair = try Support.Pair()
        pair.responder.presharedKey = [UInt8](repeating: 0x11, count: 32)
        let response = try respond(&pair, to: try pair.initiation())
        #expect(throws: HandshakeError.decryptionFailed(field: "empty")) {
            try pair.initiator.consumeResponse(response)
        }
    }

    @Test("an initiation is accepted only by the handshake of the peer that sent it")
    func wrongPeer() throws {
        var pair = try Support.Pair()
        let consumed = try pair.responderIdentity.consumeInitiation(try pair.initiation())
        let other = try HandshakeIdentity(privateKey: [UInt8](repeating: 9, count: 32))
        var otherPeer = try PeerHandshake(identity: pair.responderIdentity, remotePublicKey: other.publicKey)
        #expect(throws: HandshakeError.wrongPeer) { try otherPeer.accept(consumed, now: .zero) }
    }

    @Test("steps out of order throw the state they found")
    func outOfOrder() throws {
        var pair = try Support.Pair()
        #expect(throws: HandshakeError.unexpectedState(.idle)) { try pair.initiator.deriveSessionKeys() }
        #expect(throws: HandshakeError.unexpectedState(.idle)) {
            try pair.responder.createResponse(senderIndex: 1, using: &pair.rng)
        }
        _ = try pair.initiation()
        #expect(throws: HandshakeError.unexpectedState(.initiationCreated)) { try pair.initiator.deriveSessionKeys() }
    }

    @Test("a tampered static or timestamp does not decrypt")
    func tamperedInitiation() throws {
        var pair = try Support.Pair()
        var badStatic = try pair.initiation()
        badStatic.encryptedStatic[5] ^= 1
        #expect(throws: HandshakeError.decryptionFailed(field: "static")) {
            try pair.responderIdentity.consumeInitiation(badStatic)
        }
        var badTimestamp = try pair.initiation()
        badTimestamp.encryptedTimestamp[27] ^= 1
        #expect(throws: HandshakeError.decryptionFailed(field: "timestamp")) {
            try pair.responderIdentity.consumeInitiation(badTimestamp)
        }
    }
}

@Suite("Handshake values never print secrets")
struct HandshakeRedactionTests {
    @Test("descriptions and dumps hold no key bytes")
    func redacted() throws {
        var pair = try HandshakeTestSupport.Pair()
        let initiation = try pair.initiation()
        let consumed = try pair.responderIdentity.consumeInitiation(initiation)
        try pair.responder.accept(consumed, now: .zero)
        let response = try pair.responder.createResponse(senderIndex: 3, using: &pair.rng)
        try pair.initiator.consumeResponse(response)
        let keys = try pair.initiator.deriveSessionKeys()
        let secrets = [keys.sendingKey, keys.receivingKey].map { $0.map { String($0) }.joined(separator: ", ") }
        var texts: [String] = [
            "\(keys)", "\(pair.initiator)", "\(pair.responder)", "\(pair.initiatorIdentity)", "\(consumed)",
            "\(pair.initiatorCookies)", "\(pair.responderChecker)",
        ]
        for value in [keys, pair.responder, pair.initiatorIdentity] as [Any] {
            var dumped = ""
            dump(value, to: &dumped)
            texts.append(dumped)
        }
        #expect("\(keys)" == "SessionKeys(local 4369, remote 3, initiator)")
        for text in texts {
            #expect(!text.contains("[UInt8]"), "\(text)")
            for secret in secrets { #expect(!text.contains(secret)) }
        }
    }
}

@Suite("Handshake messages with flipped bits")
struct HandshakeBitFlipTests {
    /// Flipping any single bit of an initiation or response body (all but the MACs, which the handshake does not
    /// read) must make the step throw, never succeed and never trap.
    @Test("every single-bit change of an initiation or response is refused")
    func singleBitFlips() throws {
        var pair = try HandshakeTestSupport.Pair()
        let initiation = try pair.initiation()
        let body = initiation.encoded
        var refused = 0
        for byte in 8..<116 {
            for bit in [0, 3, 7] {
                var bytes = body
                bytes[byte] ^= 1 << bit
                let flipped = try HandshakeInitiation(decoding: bytes)
                #expect(throws: HandshakeError.self) { try pair.responderIdentity.consumeInitiation(flipped) }
                refused += 1
            }
        }
        #expect(refused == 108 * 3)

        try pair.responder.accept(try pair.responderIdentity.consumeInitiation(initiation), now: .zero)
        let response = try pair.responder.createResponse(senderIndex: 9, using: &pair.rng)
        for byte in 12..<60 {
            var bytes = response.encoded
            bytes[byte] ^= 0x10
            var initiator = pair.initiator
            let flipped = try HandshakeResponse(decoding: bytes)
            #expect(throws: HandshakeError.self) { try initiator.consumeResponse(flipped) }
            #expect(initiator.state == .initiationCreated)
        }
        try pair.initiator.consumeResponse(response)
    }
}
