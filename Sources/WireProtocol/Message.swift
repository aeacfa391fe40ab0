/// Any WireGuard message, decoded from a datagram with strict lengths (whitepaper §5.4).
public enum Message: Equatable, Sendable {
    /// A handshake initiation (148 bytes).
    case handshakeInitiation(HandshakeInitiation)
    /// A handshake response (92 bytes).
    case handshakeResponse(HandshakeResponse)
    /// A cookie reply (64 bytes).
    case cookieReply(CookieReply)
    /// A transport message: its header; the sealed packet is the datagram's bytes from offset 16.
    case transportData(TransportHeader)

    /// Decodes any message; a malformed datagram throws the reason to drop it and never traps.
    public init(decoding datagram: some Collection<UInt8>) throws(MessageDropReason) {
        switch try MessageType(of: datagram) {
        case .handshakeInitiation: self = .handshakeInitiation(try HandshakeInitiation(decoding: datagram))
        case .handshakeResponse: self = .handshakeResponse(try HandshakeResponse(decoding: datagram))
        case .cookieReply: self = .cookieReply(try CookieReply(decoding: datagram))
        case .transportData: self = .transportData(try TransportHeader(decoding: datagram))
        }
    }
}
