import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The real clock the daemon passes to the pure core: CLOCK_MONOTONIC as `Instant` (never steps), and the
/// wall-clock time at its origin, for TAI64N timestamps and `last_handshake_time_sec`.
public enum DaemonClock {
    /// Monotonic time now. The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// Wall-clock time since the Unix epoch at the monotonic clock's origin (realtime - monotonic, read together).
    public static func wallClockAtOrigin() -> Duration {
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        let mono = now()
        return .seconds(Int64(real.tv_sec)) + .nanoseconds(Int64(real.tv_nsec)) - .nanoseconds(mono.nanoseconds)
    }
}
