import WireNet

/// The per-peer limit on accepted handshake initiations: at most one every 20 ms (the kernel's
/// INITIATIONS_PER_SECOND = 50 and wireguard-go's HandshakeInitationRate, misspelled there).
///
/// Time is monotonic and passed in (an `Instant` on the caller's clock), so the limit is testable on a
/// manual clock. Only accepted initiations count: a rejected one does not push the window forward.
public struct InitiationRateLimiter: Sendable, Equatable {
    /// When the last initiation was accepted, or nil if none was.
    public private(set) var lastAccepted: Instant?

    /// A limiter that has accepted nothing yet.
    public init() {}

    /// True if an initiation arriving at `now` may be processed: more than 20 ms after the last accepted one.
    public func permits(now: Instant) -> Bool {
        guard let lastAccepted else { return true }
        return now - lastAccepted > ProtocolConstants.handshakeInitiationRate
    }

    /// Records an initiation accepted at `now`.
    public mutating func record(now: Instant) {
        lastAccepted = now
    }
}
