import Testing
import WireCrypto

@Suite("TAI64N timestamps (whitepaper §5.1)")
struct TAI64NTests {
    @Test("the Unix epoch is label 2^62 + 10 with zero nanoseconds")
    func epoch() {
        let stamp = TAI64N(sinceUnixEpoch: .zero)
        #expect(stamp.bytes == [0x40, 0, 0, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0])
    }

    @Test("encoding is big-endian seconds then nanoseconds, and round-trips")
    func encoding() throws {
        let stamp = TAI64N(sinceUnixEpoch: .seconds(1_700_000_000) + .nanoseconds(123_456_789), whitened: false)
        #expect(stamp.seconds == 0x4000_0000_0000_000A + 1_700_000_000)
        #expect(stamp.nanoseconds == 123_456_789)
        #expect(stamp.bytes == [0x40, 0, 0, 0, 0x65, 0x53, 0xF1, 0x0A, 0x07, 0x5B, 0xCD, 0x15])
        #expect(try #require(TAI64N(bytes: stamp.bytes)) == stamp)
        #expect(TAI64N(bytes: [UInt8](repeating: 0, count: 11)) == nil)
    }

    @Test("whitening rounds nanoseconds down to a multiple of 2^24")
    func whitening() {
        let stamp = TAI64N(sinceUnixEpoch: .seconds(5) + .nanoseconds(999_999_999))
        #expect(stamp.nanoseconds == 999_999_999 & ~UInt32(0xFF_FFFF))
        #expect(stamp.nanoseconds % (1 << 24) == 0)
    }

    @Test("later wall times give greater timestamps, in value and in bytes")
    func ordering() {
        let times: [Duration] = [.seconds(1), .seconds(1) + .milliseconds(20), .seconds(2), .seconds(1 << 40)]
        let stamps = times.map { TAI64N(sinceUnixEpoch: $0) }
        for (a, b) in zip(stamps, stamps.dropFirst()) {
            #expect(a < b)
            #expect(a.bytes.lexicographicallyPrecedes(b.bytes))
        }
    }
}
