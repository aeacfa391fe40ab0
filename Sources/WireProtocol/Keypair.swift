import WireCrypto
import WireNet

/// One session's transport state: keys, indices, the send counter and the receive replay window (§5.4.6).
///
/// Transport messages are type 4, three zero bytes, the receiver's index and the 64-bit counter (both
/// little-endian), then ChaCha20-Poly1305 of the packet padded with zeros to a multiple of 16 bytes, with the
/// counter as nonce (four zero bytes, then the counter little-endian) and no associated data.
public struct Keypair: Sendable {
    /// Length of the transport header: type, reserved, receiver index, counter.
    public static let headerLength = 16
    /// Length of the Poly1305 tag.
    public static let tagLength = 16

    let sendingKey: TransportAEAD
    let receivingKey: TransportAEAD
    /// This side's index, carried as receiver index by incoming transport messages.
    public let localIndex: UInt32
    /// The peer's index, written as receiver index into outgoing transport messages.
    public let remoteIndex: UInt32
    /// When the session was derived: the clock for Rekey-After-Time and Reject-After-Time.
    public let createdAt: Instant
    /// Whether this side initiated the handshake: only the initiator rekeys on time (§6.2).
    public let isInitiator: Bool
    /// The counter the next sent message uses.
    public internal(set) var sendCounter: UInt64 = 0
    var replay = ReplayFilter()

    /// A keypair from a handshake's session keys, created at `now`.
    public init(_ keys: SessionKeys, now: Instant) {
        sendingKey = TransportAEAD(key: keys.sendingKey)
        receivingKey = TransportAEAD(key: keys.receivingKey)
        localIndex = keys.localIndex
        remoteIndex = keys.remoteIndex
        createdAt = now
        isInitiator = keys.isInitiator
    }

    /// Zeroes both transport keys now (the keypair was dropped): every copy of it then fails to seal and open.
    public func wipe() {
        sendingKey.wipe()
        receivingKey.wipe()
    }

    /// Whether `wipe()` ran.
    public var isWiped: Bool { sendingKey.isWiped && receivingKey.isWiped }

    /// Whether this and `other` are the same session (they share their key contexts).
    func isSameSession(as other: Keypair) -> Bool { sendingKey === other.sendingKey }

    /// Whether the keypair may still send at `now`: younger than Reject-After-Time and below
    /// Reject-After-Messages (§6.1).
    public func canSend(now: Instant) -> Bool {
        sendCounter < ProtocolConstants.rejectAfterMessages
            && !createdAt.hasExpired(after: ProtocolConstants.rejectAfterTime, now: now)
    }

    /// Whether the keypair may still receive at `now` (the kernel's check before decrypting).
    public func canReceive(now: Instant) -> Bool {
        !replay.isExhausted && !createdAt.hasExpired(after: ProtocolConstants.rejectAfterTime, now: now)
    }

    /// Whether the sender should start a new handshake: Rekey-After-Messages sent, or, for the initiator only,
    /// older than Rekey-After-Time (§6.2).
    public func needsRekeyForSending(now: Instant) -> Bool {
        sendCounter > ProtocolConstants.rekeyAfterMessages
            || (isInitiator && createdAt.hasExpired(after: ProtocolConstants.rekeyAfterTime, now: now))
    }

    /// The padded length of a `length`-byte packet: the next multiple of 16, but never beyond `mtu`.
    public static func paddedLength(_ length: Int, mtu: Int?) -> Int {
        let multiple = ProtocolConstants.paddingMultiple
        let rounded = (length + multiple - 1) / multiple * multiple
        guard let mtu else { return rounded }
        return max(length, min(rounded, mtu))
    }

    /// Encrypts `packet` into a transport message with the next counter; nil when the counter is exhausted.
    public mutating func seal(_ packet: [UInt8], mtu: Int? = nil) -> [UInt8]? {
        guard sendCounter < ProtocolConstants.rejectAfterMessages else { return nil }
        let counter = sendCounter
        sendCounter += 1
        let padded = Self.paddedLength(packet.count, mtu: mtu)
        let total = Self.headerLength + padded + Self.tagLength
        let receiver = remoteIndex
        var sealed = false
        let out = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            buffer[0] = 4
            buffer[1] = 0
            buffer[2] = 0
            buffer[3] = 0
            for i in 0..<4 { buffer[4 + i] = UInt8(truncatingIfNeeded: receiver >> (8 * UInt32(i))) }
            for i in 0..<8 { buffer[8 + i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
            let body = Self.headerLength
            packet.withUnsafeBufferPointer { p in
                if let source = p.baseAddress {
                    (buffer.baseAddress! + body).initialize(from: source, count: p.count)
                }
            }
            (buffer.baseAddress! + body + packet.count).initialize(repeating: 0, count: padded - packet.count)
            sealed = sendingKey.seal(
                UnsafeMutableRawBufferPointer(buffer), plaintext: body..<(body + padded),
                counter: counter)
            initialized = total
        }
        return sealed ? out : nil
    }

    /// Decrypts the transport message `datagram` (already known to be addressed to this keypair).
    ///
    /// Returns the counter and the padded plaintext, or nil when authentication fails. The counter is not yet
    /// checked against the replay window: call `acceptCounter` after this succeeds (§5.4.6).
    public func open(_ datagram: [UInt8]) -> (counter: UInt64, plaintext: [UInt8])? {
        guard datagram.count >= Self.headerLength + Self.tagLength else { return nil }
        let counter = Self.readLittleEndian(datagram, at: 8, bytes: 8)
        let length = datagram.count - Self.headerLength - Self.tagLength
        var opened = false
        let plain = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            opened = datagram.withUnsafeBytes { d in
                receivingKey.open(
                    UnsafeRawBufferPointer(rebasing: d[Self.headerLength...]),
                    into: UnsafeMutableRawBufferPointer(buffer), counter: counter)
            }
            initialized = length
        }
        return opened ? (counter, plain) : nil
    }

    /// Records an authenticated counter in the replay window; false when it was seen or is too old.
    public mutating func acceptCounter(_ counter: UInt64) -> Bool {
        replay.accept(counter)
    }

    static func appendLittleEndian(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    static func readLittleEndian(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<count).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
        return v
    }
}
