/// Values the command keeps until the process exits, instead of freeing them object by object just before it does.
///
/// A 100,000-host network's model (every interface, peer, key and index) is millions of reference-counted
/// objects; freeing them when `run()` returns took a noticeable share of `lint` and `trace` (issue 13's speed
/// target), and the kernel reclaims the memory at exit anyway. Only the one-shot commands use it.
enum ExitKeep {
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` alive until exit; returns it.
    @discardableResult
    static func keep<T>(_ value: T) -> T {
        kept.append(value)
        return value
    }
}
