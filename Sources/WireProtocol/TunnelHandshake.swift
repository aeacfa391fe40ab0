import WireNet

/// What a tunnel needs from the Noise_IKpsk2 handshake of one peer (whitepaper §5.4): the seam between the
/// session/timer state machine (`Tunnel`) and the handshake messages.
///
/// An implementation holds the handshake state for one peer (static keys, preshared key, the initiation in
/// flight, the latest cookie). It never sends anything itself: it builds and consumes messages, and the tunnel
/// decides when (timers, §6) and where (endpoint) they go. Errors mean "drop this message".
public protocol TunnelHandshake: Sendable {
    /// Builds a handshake initiation (148 bytes, mac1 and mac2 filled) with `localIndex` as sender index.
    mutating func createInitiation(
        localIndex: UInt32, now: Instant, random: inout some RandomNumberGenerator
    ) throws -> [UInt8]

    /// Consumes a handshake response to the initiation in flight and derives the session (§5.4.3, §5.4.5).
    mutating func consumeResponse(_ message: [UInt8], now: Instant) throws -> SessionKeys

    /// Consumes an initiation from this peer and builds the response with `localIndex` as sender index.
    ///
    /// `consumed` is the initiation as the device's router already opened it (to learn which peer sent it), so
    /// the Diffie-Hellman work is not done twice; nil means open `message` here.
    mutating func respond(
        toInitiation message: [UInt8], consumed: ConsumedInitiation?, localIndex: UInt32, now: Instant,
        random: inout some RandomNumberGenerator
    ) throws -> (response: [UInt8], keys: SessionKeys)

    /// Consumes a cookie reply to the last message sent, so later messages carry mac2 (§5.4.7).
    mutating func consumeCookieReply(_ message: [UInt8], now: Instant) throws

    /// Forgets all handshake state (ephemeral keys, chaining key, hash); static keys stay.
    mutating func clear()
}
