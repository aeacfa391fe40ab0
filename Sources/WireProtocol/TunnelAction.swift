import WireNet

/// What the caller must do after a tunnel call: the result-driven I/O of the protocol core (boringtun's
/// `TunnResult`, with typed reasons for everything not sent).
public enum TunnelAction: Sendable, Equatable {
    /// Send `datagram` over UDP to `endpoint` (a handshake message, transport data or a keepalive).
    case writeToNetwork(datagram: [UInt8], endpoint: UDPEndpoint)
    /// Write the decrypted IP `packet` to the TUN device; `source` is its source address, already checked
    /// against the sending peer's AllowedIPs when the action comes from a `Device`.
    case writeToTunnel(packet: [UInt8], source: IPAddress)
    /// The packet waits for a handshake and will be sent by a later call.
    case queued(QueueReason)
    /// Nothing is sent for this input, for this reason.
    case dropped(DropReason)

    /// The WireGuard message type of a datagram to send (1 initiation, 2 response, 3 cookie, 4 transport).
    public var messageType: UInt8? {
        if case .writeToNetwork(let datagram, _) = self { return datagram.first }
        return nil
    }
}

/// Why a packet waits.
public enum QueueReason: Sendable, Equatable {
    /// No usable session: a handshake was started (or is in flight) and the packet is staged until it completes.
    case awaitingHandshake
}

/// Why an input produced nothing, or a staged packet was discarded. Every drop in the protocol core is one of these.
public enum DropReason: Error, Sendable, Equatable {
    /// The peer has no endpoint yet (none configured, none learned from an authenticated packet).
    case noEndpoint
    /// No peer's AllowedIPs contains the destination of an outgoing packet.
    case noRouteToDestination(IPAddress)
    /// The staged queue was full (128 packets); the oldest staged packet is dropped.
    case stagedQueueFull
    /// Handshake retries ran out (Rekey-Attempt-Time); staged packets are dropped.
    case handshakeGaveUp
    /// The datagram is not a WireGuard message: unknown type or wrong length for its type.
    case malformedMessage(type: UInt8, length: Int)
    /// A response, cookie reply or transport message names a receiver index no session or handshake has.
    case unknownReceiverIndex(UInt32)
    /// An initiation came from a public key that is not a configured peer (or failed to authenticate).
    case unknownInitiator
    /// The handshake message failed validation (mac1, decryption, replayed timestamp, stale state...).
    case handshakeRejected(HandshakeRejection)
    /// The session is older than Reject-After-Time or its counters are exhausted.
    case keypairExpired
    /// The transport message failed authentication.
    case authenticationFailed
    /// The counter was already received or is behind the replay window.
    case replayed(counter: UInt64)
    /// The decrypted payload is not an IPv4 or IPv6 packet of consistent length.
    case notAnIPPacket(IPPacket.Malformed)
    /// The decrypted packet's source address is not in the sending peer's AllowedIPs (cryptokey routing).
    case sourceNotAllowed(IPAddress)
    /// Under load, the message lacks a valid mac2; a cookie reply was sent instead (§5.4.7).
    case underLoad
}

/// Why a handshake message or cookie reply was refused (the error of the handshake layer, kept typed).
public enum HandshakeRejection: Error, Sendable, Equatable {
    /// mac1 does not prove knowledge of our static public key (§5.4.4).
    case invalidMAC1
    /// The Noise handshake refused it: decryption, replayed timestamp, 20 ms flood limit, state, zero DH...
    case handshake(HandshakeError)
    /// A cookie reply that does not open, or answers nothing we sent (§5.4.7).
    case cookie(CookieError)
    /// The message does not decode (type or length).
    case malformed(MessageDropReason)
    /// An error of another `TunnelHandshake` implementation, by its description.
    case other(String)

    /// The rejection for an error thrown by a `TunnelHandshake`.
    public init(_ error: any Error) {
        switch error {
        case let rejection as HandshakeRejection: self = rejection
        case let error as HandshakeError: self = .handshake(error)
        case let error as CookieError: self = .cookie(error)
        case let error as MessageDropReason: self = .malformed(error)
        default: self = .other(String(describing: error))
        }
    }
}
