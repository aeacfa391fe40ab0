import WireNet

/// A peer's timers as deadlines (whitepaper §6; the kernel's timers.c), fired by `Tunnel.tick(now:)`.
///
/// Nothing here reads a clock or schedules anything: each timer is an optional instant, set and cleared by the
/// events below exactly as the kernel's `wg_timers_*` functions arm and cancel its kernel timers, and the tunnel
/// fires those whose instant has come. `nextDeadline` tells the caller when to tick next.
public struct Timers: Sendable, Equatable {
    /// Retransmit the initiation: Rekey-Timeout plus jitter after an initiation was sent (§6.4).
    public internal(set) var retransmitHandshake: Instant?
    /// Send a keepalive: Keepalive-Timeout after data was received and nothing was sent back (§6.5).
    public internal(set) var sendKeepalive: Instant?
    /// Start a new handshake: Keepalive-Timeout + Rekey-Timeout (+ jitter) after data was sent with no reply.
    public internal(set) var newHandshake: Instant?
    /// Zero all keys: 3 x Reject-After-Time after the last session was derived (§6.3).
    public internal(set) var zeroKeyMaterial: Instant?
    /// Send a persistent keepalive: the configured interval after the last authenticated packet either way.
    public internal(set) var persistentKeepalive: Instant?
    /// Initiations retried since the last one that was not a retry.
    public internal(set) var handshakeAttempts = 0
    /// A keepalive is owed when the pending one fires (data arrived while it was armed).
    var needAnotherKeepalive = false
    /// Whether the initiator already started the "last minute" handshake on receive (Reject-After-Time - 15 s).
    var sentLastMinuteHandshake = false

    /// Retries allowed before giving up: Rekey-Attempt-Time / Rekey-Timeout = 18 (the kernel's
    /// MAX_TIMER_HANDSHAKES). As in the kernel, the timer gives up when it fires with more attempts than this,
    /// so 20 initiations go out in all, the last one about 95 s after the first.
    public static let maxHandshakeAttempts = Int(ProtocolConstants.rekeyAttemptTime / ProtocolConstants.rekeyTimeout)

    /// No timer armed.
    public init() {}

    /// The earliest armed deadline, if any: when the caller should call `tick` next.
    public var nextDeadline: Instant? {
        [retransmitHandshake, sendKeepalive, newHandshake, zeroKeyMaterial, persistentKeepalive]
            .compactMap { $0 }.min()
    }

    /// Rekey-Timeout plus a jitter uniform in [0, 333 ms) from the caller's generator.
    static func rekeyTimeoutWithJitter(random: inout some RandomNumberGenerator) -> Duration {
        let jitterMax = ProtocolConstants.rekeyTimeoutJitterMax.nanoseconds
        return ProtocolConstants.rekeyTimeout + .nanoseconds(Int64.random(in: 0..<jitterMax, using: &random))
    }

    // MARK: Events (the kernel's wg_timers_* hooks)

    /// A data packet (not a keepalive) was sent: expect a reply within 15 s or start a new handshake.
    mutating func dataSent(now: Instant, random: inout some RandomNumberGenerator) {
        if newHandshake == nil {
            newHandshake = now + ProtocolConstants.keepaliveTimeout + Self.rekeyTimeoutWithJitter(random: &random)
        }
    }

    /// A data packet (not a keepalive) was received: answer with a keepalive if nothing is sent in 10 s.
    mutating func dataReceived(now: Instant) {
        if sendKeepalive == nil {
            sendKeepalive = now + ProtocolConstants.keepaliveTimeout
        } else {
            needAnotherKeepalive = true
        }
    }

    /// Any authenticated packet was sent (handshake, data or keepalive): no keepalive is owed.
    mutating func anyAuthenticatedPacketSent() {
        sendKeepalive = nil
    }

    /// Any authenticated packet was received: the peer is alive, no new handshake is needed.
    mutating func anyAuthenticatedPacketReceived() {
        newHandshake = nil
    }

    /// An authenticated packet went either way: push the persistent keepalive back.
    mutating func anyAuthenticatedPacketTraversal(now: Instant, persistentInterval: Duration?) {
        if let interval = persistentInterval, interval > .zero {
            persistentKeepalive = now + interval
        }
    }

    /// An initiation was sent: retransmit it after Rekey-Timeout plus jitter unless answered.
    mutating func handshakeInitiated(now: Instant, random: inout some RandomNumberGenerator) {
        retransmitHandshake = now + Self.rekeyTimeoutWithJitter(random: &random)
    }

    /// A handshake completed (response received, or the responder's session confirmed).
    mutating func handshakeComplete() {
        retransmitHandshake = nil
        handshakeAttempts = 0
        sentLastMinuteHandshake = false
    }

    /// A session was derived: keys are zeroed 3 x Reject-After-Time later unless a newer one replaces it.
    mutating func sessionDerived(now: Instant) {
        zeroKeyMaterial = now + ProtocolConstants.zeroKeysAfter
    }

    /// Disarms everything (peer removed or reset).
    mutating func stopAll() {
        self = Timers()
    }
}
