import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The real clock the daemon passes to the pure core: CLOCK_MONOTONIC as an `Instant` (never steps), and the
/// wall-clock time at its origin, for TAI64N timestamps and `last_handshake_time_sec`.
///
/// For lab tests only, `WIRESMITHD_TEST_TIME_SCALE=N` runs the protocol's clock N times faster than real time, so
/// Rekey-After-Time (120 s) passes in 120/N real seconds; TAI64N timestamps then run ahead of real time, which a
/// peer accepts (they only have to increase).
public enum DaemonClock {
    /// How many protocol seconds pass per real second (1 outside tests).
    public static let scale: Int64 = {
        guard let text = getenv("WIRESMITHD_TEST_TIME_SCALE"), let n = Int64(String(cString: text)), n > 1 else {
            return 1
        }
        return min(n, 1000)
    }()

    /// Monotonic time now (scaled in tests). The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: (Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)) * scale)
    }

    /// Real milliseconds until `deadline`, for epoll_wait.
    static func realMilliseconds(until deadline: Instant, from now: Instant) -> Int64 {
        (deadline.nanoseconds - now.nanoseconds) / scale / 1_000_000
    }

    /// Wall-clock time since the Unix epoch at the monotonic clock's origin (realtime - monotonic, read together).
    public static func wallClockAtOrigin() -> Duration {
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        let mono = now()
        return .seconds(Int64(real.tv_sec)) + .nanoseconds(Int64(real.tv_nsec)) - .nanoseconds(mono.nanoseconds)
    }
}
