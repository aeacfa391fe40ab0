/// A clock that only moves when told to: the test double for every timer rule (whitepaper §6).
///
/// ```swift
/// var clock = ManualClock()
/// clock.advance(by: .seconds(120))
/// tunnel.tick(now: clock.now, ...)
/// ```
public struct ManualClock: Sendable {
    /// The current time.
    public private(set) var now: Instant

    /// A clock at `start` (the origin by default).
    public init(start: Instant = .zero) {
        self.now = start
    }

    /// Moves time forward by `duration`.
    public mutating func advance(by duration: Duration) {
        now = now.advanced(by: duration)
    }

    /// Moves time forward to `instant` (never backward).
    public mutating func advance(to instant: Instant) {
        if instant > now { now = instant }
    }
}
