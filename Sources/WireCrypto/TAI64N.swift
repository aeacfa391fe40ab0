/// A TAI64N timestamp (https://cr.yp.to/libtai/tai64.html): the initiator's anti-replay clock (whitepaper §5.1,
/// §5.4.2).
///
/// 12 bytes: 8 bytes big-endian of 2^62 + 10 + Unix seconds (the label the kernel and wireguard-go write), then
/// 4 bytes big-endian of nanoseconds. A responder accepts an initiation only if its timestamp is greater than the
/// greatest seen from that peer; comparison is on the 12 bytes, which order the same as the time. The wall time
/// is a parameter: this type never reads a clock.
public struct TAI64N: Comparable, Hashable, Sendable {
    /// The encoded length: 12 bytes.
    public static let length = 12
    /// 2^62 + 10: the TAI64 label of the Unix epoch as the kernel (`tai64n_now`) and wireguard-go encode it.
    public static let epochLabel: UInt64 = 0x4000_0000_0000_000A

    /// The 64-bit TAI64 label (2^62 + 10 + Unix seconds).
    public let seconds: UInt64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public let nanoseconds: UInt32

    /// A timestamp from its two fields.
    public init(seconds: UInt64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The timestamp of a wall time given as time since the Unix epoch (1970-01-01 UTC).
    ///
    /// With `whitened` (the default), nanoseconds are rounded down to a multiple of 2^24 (about 16.8 ms), as the
    /// kernel and wireguard-go do, so a timestamp does not reveal the sender's clock precisely; that is still finer
    /// than the 20 ms initiation rate limit.
    public init(sinceUnixEpoch wallTime: Duration, whitened: Bool = true) {
        let (secs, attos) = wallTime.components
        let clampedSecs = UInt64(max(secs, 0))
        var nanos = secs < 0 ? 0 : UInt32(attos / 1_000_000_000)
        if whitened { nanos &= ~UInt32(0x00FF_FFFF) }
        self.init(seconds: Self.epochLabel &+ clampedSecs, nanoseconds: nanos)
    }

    /// Decodes 12 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.length else { return nil }
        let b = Array(bytes)
        var secs: UInt64 = 0
        for i in 0..<8 { secs = secs << 8 | UInt64(b[i]) }
        var nanos: UInt32 = 0
        for i in 8..<12 { nanos = nanos << 8 | UInt32(b[i]) }
        self.init(seconds: secs, nanoseconds: nanos)
    }

    /// The 12-byte big-endian encoding.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.length)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: seconds >> shift)) }
        for shift in stride(from: 24, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: nanoseconds >> UInt32(shift)))
        }
        return out
    }

    /// Orders by seconds, then nanoseconds: the same order as the encoded bytes.
    public static func < (lhs: TAI64N, rhs: TAI64N) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
