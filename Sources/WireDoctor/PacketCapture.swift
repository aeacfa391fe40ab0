import WireConfig
import WireCrypto
import WireNet
import WireProtocol

/// Reads a pcap file (the classic format tcpdump writes with `-w`, pcap-savefile(5)) and counts UDP datagrams to and
/// from given ports by remote address, by WireGuard message type, and the ICMP errors saying a port they were sent
/// to is closed: what `doctor --capture` uses to tell "nothing arrives from the peer" from "it arrives and nothing
/// goes back", a handshake this host's WireGuard rejects from one it answers, and an Endpoint on a closed port.
/// Link types: LINUX_SLL (113, `tcpdump -i any` before libpcap 1.10), LINUX_SLL2 (276), Ethernet (1) and raw IP
/// (12, 101); IPv4 and IPv6 without extension headers.
public enum PacketCapture {
    /// Datagrams per direction for one remote address.
    public struct Counts: Equatable, Sendable {
        /// From the remote address to one of the ports.
        public var inbound = 0
        /// From one of the ports to the remote address.
        public var outbound = 0
        /// Inbound WireGuard transport data messages carrying a packet (type 4, longer than a 32-byte keepalive).
        public var inboundData = 0
        /// The UDP payload bytes of the inbound data messages captured until `handshakesUntil` (all when not
        /// given): what WireGuard adds to the peer's rx counter for them once it has decrypted them.
        public var inboundDataBytes = 0
        /// Outbound transport data messages carrying a packet.
        public var outboundData = 0
        /// Inbound handshake initiations (type 1, 148 bytes).
        public var inboundInitiations = 0
        /// Outbound handshake initiations.
        public var outboundInitiations = 0
        /// Inbound handshake responses (type 2, 92 bytes).
        public var inboundResponses = 0
        /// Outbound handshake responses.
        public var outboundResponses = 0
        /// Outbound cookie replies (type 3, 64 bytes): the answer to an initiation under load (§5.4.7).
        public var outboundCookieReplies = 0
        /// Of `inboundInitiations`, those captured whole whose mac1 does not verify with the public key of the
        /// interface listening on their destination port: the sender holds another public key for it (§5.4.4).
        public var inboundInitiationsForAnotherKey = 0
        /// Of `inboundResponses`, those captured whole whose mac1 does not verify with that public key.
        public var inboundResponsesForAnotherKey = 0
        /// ICMP "port unreachable" errors answering datagrams sent from one of the ports to the remote address:
        /// nothing listens there on `unreachablePort`.
        public var portUnreachable = 0
        /// The destination port those errors quote (the last one seen).
        public var unreachablePort: Int?
        /// The listen ports inbound initiations were sent to.
        public var initiationPorts: Set<Int> = []
        /// The initiators' static public keys (base64) decrypted from inbound initiations whose mac1 is ours, with
        /// how many carried each.
        public var initiatorKeys: [String: Int] = [:]
    }

    /// A WireGuard message, told by the first byte of the UDP payload (its type, then three reserved zero bytes)
    /// and the datagram's length (whitepaper §5.4.2 to §5.4.6).
    public enum Message: Equatable, Sendable {
        /// Type 1, 148 bytes.
        case initiation
        /// Type 2, 92 bytes.
        case response
        /// Type 3, 64 bytes.
        case cookieReply
        /// Type 4 with an empty payload: 16 bytes of header and a 16-byte tag.
        case keepalive
        /// Type 4 carrying a packet: 32 bytes plus the payload padded to 16 bytes.
        case data

        /// The message a UDP payload of `length` bytes starting with `header` (at least 4 bytes) is, or nil when it
        /// is none of WireGuard's.
        public init?(header: ArraySlice<UInt8>, length: Int) {
            guard header.count >= 4 else { return nil }
            let h = Array(header.prefix(4))
            guard h[1] == 0, h[2] == 0, h[3] == 0 else { return nil }
            switch h[0] {
            case 1 where length == 148: self = .initiation
            case 2 where length == 92: self = .response
            case 3 where length == 64: self = .cookieReply
            case 4 where length == 32: self = .keepalive
            case 4 where length > 32 && length % 16 == 0: self = .data
            default: return nil
            }
        }
    }

    /// How many bytes of each packet the capture must keep to check an initiation's mac1: a LINUX_SLL2 header (20),
    /// an IPv6 header (40), the UDP header (8) and the 148-byte initiation.
    public static let snapshotLength = 256

    /// How many bytes of each packet a capture on a WireGuard interface keeps: the IP header, for the source
    /// address (an IPv6 header is 40 bytes; SLL2 adds 20).
    public static let tunnelSnapshotLength = 64

    /// Counts by remote address (its text form) of UDP datagrams whose destination (inbound) or source (outbound)
    /// port is one of `ports`; `publicKeys` (port to the listening interface's public key) lets inbound initiations
    /// be checked against it. Inbound initiations and responses captured after `handshakesUntil` (Unix seconds) are
    /// left out: the caller read WireGuard's counters then, and they cannot show yet whether those were accepted.
    /// With `privateKeys` (port to the interface's private key, held in memory for this call only), the static key
    /// of each such initiation whose mac1 is ours is decrypted as the responder does (whitepaper §5.4.2), so the
    /// initiator's identity is known without WireGuard's help. Nil when `bytes` is not a pcap file doctor reads.
    public static func count(
        _ bytes: [UInt8], ports: Set<Int>, publicKeys: [Int: [UInt8]] = [:], privateKeys: [Int: [UInt8]] = [:],
        handshakesUntil: Double? = nil
    ) -> [String: Counts]? {
        guard let file = PcapFile(bytes) else { return nil }
        let mac1Keys = publicKeys.mapValues(mac1Key)
        let identities = privateKeys.compactMapValues { try? HandshakeIdentity(privateKey: $0) }
        var out: [String: Counts] = [:]
        for record in file.records {
            let end = record.end
            if let u = portUnreachable(bytes, record.network, end, ethertype: record.ethertype), ports.contains(u.sport)
            {
                out[u.dst, default: Counts()].portUnreachable += 1
                out[u.dst, default: Counts()].unreachablePort = u.dport
            } else if let d = udp(bytes, record.network, end, ethertype: record.ethertype) {
                let message = Message(header: bytes[min(d.payload, end)..<min(d.payload + 4, end)], length: d.length)
                if ports.contains(d.dport) {
                    var c = out[d.src, default: Counts()]
                    c.inbound += 1
                    let judged = handshakesUntil.map { record.time <= $0 } ?? true
                    // mac1 covers the message up to itself: 116 bytes of an initiation, 60 of a response (§5.4.4).
                    func forAnotherKey(_ macAt: Int) -> Bool {
                        guard let key = mac1Keys[d.dport], d.payload + macAt + 16 <= end else { return false }
                        let mac1 = NoiseHash.mac(key: key, Array(bytes[d.payload..<d.payload + macAt]))
                        return mac1 != Array(bytes[d.payload + macAt..<d.payload + macAt + 16])
                    }
                    switch message {
                    case .data:
                        c.inboundData += 1
                        if judged { c.inboundDataBytes += d.length }
                    case .initiation where judged:
                        c.inboundInitiations += 1
                        c.initiationPorts.insert(d.dport)
                        if forAnotherKey(116) {
                            c.inboundInitiationsForAnotherKey += 1
                        } else if let identity = identities[d.dport], d.payload + 148 <= end,
                            let message = try? HandshakeInitiation(decoding: bytes[d.payload..<d.payload + 148]),
                            let opened = try? identity.consumeInitiation(message),
                            let key = WireKey(bytes: opened.remoteStatic)
                        {
                            c.initiatorKeys[key.base64, default: 0] += 1
                        }
                    case .response where judged:
                        c.inboundResponses += 1
                        if forAnotherKey(60) { c.inboundResponsesForAnotherKey += 1 }
                    default: break
                    }
                    out[d.src] = c
                }
                if ports.contains(d.sport) {
                    var c = out[d.dst, default: Counts()]
                    c.outbound += 1
                    switch message {
                    case .data: c.outboundData += 1
                    case .initiation: c.outboundInitiations += 1
                    case .response: c.outboundResponses += 1
                    case .cookieReply: c.outboundCookieReplies += 1
                    default: break
                    }
                    out[d.dst] = c
                }
            }
        }
        return out
    }

    /// The key of mac1 for messages to the holder of `publicKey`: HASH("mac1----" || public key) (whitepaper
    /// §5.4.4); mac1 is MAC(that key, the message's first 116 bytes for an initiation).
    static func mac1Key(_ publicKey: [UInt8]) -> [UInt8] { NoiseHash.hash(Array("mac1----".utf8), publicKey) }

    /// mac1 of a handshake message for the holder of `publicKey`: of its first `length` bytes (116 for an
    /// initiation, 60 for a response).
    static func mac1(_ message: ArraySlice<UInt8>, publicKey: [UInt8], length: Int = 116) -> [UInt8] {
        NoiseHash.mac(key: mac1Key(publicKey), Array(message.prefix(length)))
    }

    /// A UDP datagram's addresses, ports, where its payload starts and the payload's length (from the UDP header:
    /// the capture may hold less of it).
    struct Datagram {
        var src: String
        var dst: String
        var sport: Int
        var dport: Int
        var payload: Int
        var length: Int
    }

    /// The UDP datagram of the IP packet at `at`, or nil when it is not UDP.
    static func udp(_ b: [UInt8], _ at: Int, _ end: Int, ethertype: Int) -> Datagram? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        guard let ip = IPHeader(b, at: at, end: end, ethertype: ethertype), ip.protocolNumber == 17,
            ip.payload + 8 <= end
        else { return nil }
        let u = ip.payload
        return Datagram(
            src: ip.source.description, dst: ip.destination.description, sport: be16(u), dport: be16(u + 2),
            payload: u + 8, length: be16(u + 4) - 8)
    }
}
