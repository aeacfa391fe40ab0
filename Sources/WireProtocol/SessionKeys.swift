/// The keys a completed handshake yields for one session (whitepaper §5.4.5: T_send, T_recv).
///
/// Hand them to a keypair: `sendingKey` seals transport messages whose header carries `remoteIndex`; packets
/// arriving with `localIndex` open with `receivingKey`. The counters of both directions start at zero.
public struct SessionKeys: Sendable {
    /// T_send (32 bytes).
    public let sendingKey: [UInt8]
    /// T_recv (32 bytes).
    public let receivingKey: [UInt8]
    /// Our index for the session: the receiver index of incoming transport messages.
    public let localIndex: UInt32
    /// The peer's index: the receiver index we put on outgoing transport messages.
    public let remoteIndex: UInt32
    /// True on the side that sent the initiation. The responder must not send data on these keys until it has
    /// received a first transport message (the confirmation rule of §5.4.5/§6.1).
    public let isInitiator: Bool
    /// The final handshake hash h, for diagnostics and channel binding.
    public let handshakeHash: [UInt8]

    /// Session keys from their parts (for tests and for callers that restore a session).
    public init(
        sendingKey: [UInt8], receivingKey: [UInt8], localIndex: UInt32, remoteIndex: UInt32, isInitiator: Bool,
        handshakeHash: [UInt8] = []
    ) {
        self.sendingKey = sendingKey
        self.receivingKey = receivingKey
        self.localIndex = localIndex
        self.remoteIndex = remoteIndex
        self.isInitiator = isInitiator
        self.handshakeHash = handshakeHash
    }
}
