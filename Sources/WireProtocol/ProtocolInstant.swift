/// A point in time on a monotonic clock the caller owns, passed into every protocol call.
///
/// WireProtocol never reads a clock: the daemon passes the monotonic time of the event it is handling, tests pass
/// a `ManualClock`'s time. The origin is arbitrary; only differences mean anything (whitepaper §6 timers are all
/// relative).
public struct ProtocolInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the caller's arbitrary origin.
    public var nanoseconds: Int64

    /// An instant `nanoseconds` after the caller's origin.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin of the caller's clock.
    public static let zero = ProtocolInstant(nanoseconds: 0)

    /// The instant `duration` later (earlier when negative).
    public func advanced(by duration: Duration) -> ProtocolInstant {
        ProtocolInstant(nanoseconds: nanoseconds &+ duration.nanoseconds)
    }

    /// The time from `other` to `self`.
    public func duration(since other: ProtocolInstant) -> Duration {
        .nanoseconds(nanoseconds &- other.nanoseconds)
    }

    /// Whether more than `duration` has passed from `self` to `now` (the kernel's `wg_birthdate_has_expired`).
    public func hasExpired(after duration: Duration, now: ProtocolInstant) -> Bool {
        now.nanoseconds &- nanoseconds > duration.nanoseconds
    }

    public static func + (lhs: ProtocolInstant, rhs: Duration) -> ProtocolInstant { lhs.advanced(by: rhs) }
    public static func - (lhs: ProtocolInstant, rhs: ProtocolInstant) -> Duration { lhs.duration(since: rhs) }
    public static func < (lhs: ProtocolInstant, rhs: ProtocolInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public var description: String {
        let ms = nanoseconds / 1_000_000
        return "t+\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())s"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating at `Int64` range, which is 292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }
}

/// A clock that only moves when told to: the test double for every timer rule (whitepaper §6).
///
/// ```swift
/// var clock = ManualClock()
/// clock.advance(by: .seconds(120))
/// tunnel.tick(now: clock.now, ...)
/// ```
public struct ManualClock: Sendable {
    /// The current time.
    public private(set) var now: ProtocolInstant

    /// A clock at `start` (the origin by default).
    public init(start: ProtocolInstant = .zero) {
        self.now = start
    }

    /// Moves time forward by `duration`.
    public mutating func advance(by duration: Duration) {
        now = now.advanced(by: duration)
    }

    /// Moves time forward to `instant` (never backward).
    public mutating func advance(to instant: ProtocolInstant) {
        if instant > now { now = instant }
    }
}
