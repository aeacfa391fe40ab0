/// A point in time on a monotonic clock the caller owns: the one instant type of wiresmith.
///
/// The protocol core never reads a clock: the daemon passes the monotonic time of the event it is handling, tests
/// pass a `ManualClock`'s time. The origin is arbitrary; only differences mean anything (whitepaper §6 timers are
/// all relative). Wall-clock time (TAI64N timestamps, `last_handshake_time`) is a `Duration` since the Unix epoch,
/// never an `Instant`.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the caller's arbitrary origin.
    public var nanoseconds: Int64

    /// An instant `nanoseconds` after the caller's origin.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin of the caller's clock.
    public static let zero = Instant(nanoseconds: 0)

    /// The instant `duration` later (earlier when negative).
    @inlinable
    public func advanced(by duration: Duration) -> Instant {
        Instant(nanoseconds: nanoseconds &+ duration.nanoseconds)
    }

    /// The time from `other` to `self`.
    @inlinable
    public func duration(since other: Instant) -> Duration {
        .nanoseconds(nanoseconds &- other.nanoseconds)
    }

    /// Whether more than `duration` has passed from `self` to `now` (the kernel's `wg_birthdate_has_expired`).
    @inlinable
    public func hasExpired(after duration: Duration, now: Instant) -> Bool {
        now.nanoseconds &- nanoseconds > duration.nanoseconds
    }

    /// The instant `rhs` after `lhs`.
    @inlinable
    public static func + (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: rhs) }
    /// The instant `rhs` before `lhs`.
    @inlinable
    public static func - (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: .zero - rhs) }
    /// The time from `rhs` to `lhs`.
    @inlinable
    public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.duration(since: rhs) }
    /// Earlier instants first.
    @inlinable
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// `t+SECONDS.MILLISECONDSs` since the origin.
    public var description: String {
        let ms = nanoseconds / 1_000_000
        return "t+\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())s"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating at `Int64` range, which is 292 years).
    @inlinable
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }
}
