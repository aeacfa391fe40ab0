/// Protocol constants from the WireGuard whitepaper §6.1 ("Preliminaries") and the kernel's values.
public enum ProtocolConstants {
    /// After this many messages a session initiates a new handshake (2^60).
    public static let rekeyAfterMessages: UInt64 = 1 << 60
    /// After this many messages a session refuses to send or receive (2^64 - 2^13 - 1).
    public static let rejectAfterMessages: UInt64 = UInt64.max - (1 << 13)
    /// The initiator starts a new handshake when its session is this old: 120 s.
    public static let rekeyAfterTime: Duration = .seconds(120)
    /// A session older than this is never used again: 180 s.
    public static let rejectAfterTime: Duration = .seconds(180)
    /// Handshake retries stop after this long: 90 s.
    public static let rekeyAttemptTime: Duration = .seconds(90)
    /// A handshake initiation is retransmitted after this long without a response: 5 s (plus jitter).
    public static let rekeyTimeout: Duration = .seconds(5)
    /// Upper bound of the random jitter added to `rekeyTimeout`: 333 ms.
    public static let rekeyTimeoutJitterMax: Duration = .milliseconds(333)
    /// A keepalive is sent after this long of receiving without sending: 10 s.
    public static let keepaliveTimeout: Duration = .seconds(10)
    /// Keys are zeroed when no new session was made for three times `rejectAfterTime`: 540 s.
    public static let zeroKeysAfter: Duration = .seconds(540)
    /// The cookie secret changes this often: 120 s.
    public static let cookieRefreshTime: Duration = .seconds(120)
    /// At most one initiation per peer is processed in this interval: 20 ms.
    public static let handshakeInitiationRate: Duration = .milliseconds(20)
    /// Transport packets are padded to a multiple of this many bytes.
    public static let paddingMultiple = 16
    /// The anti-replay window (RFC 6479 with the kernel's sizes): 8128 packets.
    public static let replayWindowSize = 8128
}
