import Testing

@testable import WireProtocol

@Suite("Message codecs (whitepaper §5.4): strict lengths, typed drop reasons")
struct MessageCodecTests {
    static let initiation = HandshakeInitiation(
        senderIndex: 0x0403_0201, ephemeral: .init(repeating: 0xE1, count: 32),
        encryptedStatic: .init(repeating: 0x5A, count: 48), encryptedTimestamp: .init(repeating: 0x7A, count: 28),
        mac1: .init(repeating: 0x11, count: 16), mac2: .init(repeating: 0x22, count: 16)
    )
    static let response = HandshakeResponse(
        senderIndex: 7, receiverIndex: 0x0403_0201, ephemeral: .init(repeating: 0xE2, count: 32),
        encryptedNothing: .init(repeating: 0x0E, count: 16),
        mac1: .init(repeating: 0x33, count: 16), mac2: .init(repeating: 0x44, count: 16)
    )
    static let reply = CookieReply(
        receiverIndex: 9, nonce: .init(repeating: 0x99, count: 24), encryptedCookie: .init(repeating: 0xCC, count: 32))

    @Test("sizes and field offsets match the whitepaper")
    func layout() {
        let i = Self.initiation.encoded
        #expect(i.count == 148)
        #expect(Array(i[0..<8]) == [1, 0, 0, 0, 1, 2, 3, 4])
        #expect(i[8] == 0xE1 && i[40] == 0x5A && i[88] == 0x7A && i[116] == 0x11 && i[132] == 0x22)
        let r = Self.response.encoded
        #expect(r.count == 92)
        #expect(Array(r[0..<12]) == [2, 0, 0, 0, 7, 0, 0, 0, 1, 2, 3, 4])
        #expect(r[12] == 0xE2 && r[44] == 0x0E && r[60] == 0x33 && r[76] == 0x44)
        let c = Self.reply.encoded
        #expect(c.count == 64)
        #expect(Array(c[0..<8]) == [3, 0, 0, 0, 9, 0, 0, 0])
        #expect(c[8] == 0x99 && c[32] == 0xCC)
        let t = TransportHeader(receiverIndex: 5, counter: 0x0102).encoded
        #expect(t == [4, 0, 0, 0, 5, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test("every message decodes back to itself")
    func roundTrip() throws {
        #expect(try Message(decoding: Self.initiation.encoded) == .handshakeInitiation(Self.initiation))
        #expect(try Message(decoding: Self.response.encoded) == .handshakeResponse(Self.response))
        #expect(try Message(decoding: Self.reply.encoded) == .cookieReply(Self.reply))
        let header = TransportHeader(receiverIndex: 0xDEAD_BEEF, counter: .max)
        let datagram = header.encoded + [UInt8](repeating: 0, count: 16)
        #expect(try Message(decoding: datagram) == .transportData(header))
        #expect(Self.initiation.bytesBeforeMAC2 == Array(Self.initiation.encoded[0..<132]))
    }

    @Test(
        "one byte too many or too few is dropped with the lengths",
        arguments: [
            (MessageType.handshakeInitiation, 148), (.handshakeResponse, 92), (.cookieReply, 64),
        ])
    func wrongLengths(type: MessageType, length: Int) {
        for actual in [length - 1, length + 1, 4] {
            let datagram = [type.rawValue, 0, 0, 0] + [UInt8](repeating: 0, count: actual - 4)
            #expect(throws: MessageDropReason.wrongLength(type, expected: length, actual: actual)) {
                try Message(decoding: datagram)
            }
        }
    }

    @Test("transport messages need a header and a tag")
    func transportTooShort() throws {
        let header = TransportHeader(receiverIndex: 1, counter: 2).encoded
        #expect(throws: MessageDropReason.tooShort(.transportData, minimum: 32, actual: 31)) {
            try TransportHeader(decoding: header + [UInt8](repeating: 0, count: 15))
        }
        #expect(try TransportHeader(decoding: header + [UInt8](repeating: 0, count: 16)).counter == 2)
    }

    @Test(
        "unknown types, nonzero reserved bytes and runts are dropped",
        arguments: [
            ([UInt8](), MessageDropReason.truncatedType(0)),
            ([1, 0, 0], .truncatedType(3)),
            ([0, 0, 0, 0], .unknownType(0)),
            ([5, 0, 0, 0], .unknownType(5)),
            ([1, 1, 0, 0], .unknownType(0x101)),
            ([4, 0, 0, 0x80], .unknownType(0x8000_0004)),
        ])
    func dropped(datagram: [UInt8], reason: MessageDropReason) {
        #expect(throws: reason) { try Message(decoding: datagram) }
    }

    @Test("decoding as one type a message of another is refused")
    func unexpectedType() {
        #expect(throws: MessageDropReason.unexpectedType(.handshakeResponse, expected: .handshakeInitiation)) {
            try HandshakeInitiation(decoding: Self.response.encoded)
        }
    }

    @Test("arbitrary bytes never crash the decoder")
    func fuzz() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var decoded = 0
        for length in 0...200 {
            for type in UInt8(0)...5 {
                var datagram = (0..<length).map { _ in next() }
                if length >= 4 {
                    datagram[0] = type
                    datagram[1] = 0
                    datagram[2] = 0
                    datagram[3] = 0
                }
                if (try? Message(decoding: datagram)) != nil { decoded += 1 }
            }
        }
        // Exactly the well-formed lengths decode: 148, 92, 64 once each, and transport at 32...200.
        #expect(decoded == 3 + (200 - 32 + 1))
    }
}
