import CWireDaemon
import WireProtocol

/// Datagrams waiting to be sent, copied into one arena allocated once, and sent with sendmmsg(2) per address
/// family: one system call for up to 128 datagrams instead of one each.
struct SendQueue {
    static let arenaSize = 4 << 20
    static let maximumCount = 256
    let arena: UnsafeMutableRawPointer
    var used = 0
    var pointers4: [UnsafePointer<UInt8>?] = []
    var lengths4: [Int] = []
    var targets4: [wsd_endpoint] = []
    var sources4: [wsd_endpoint] = []
    var pointers6: [UnsafePointer<UInt8>?] = []
    var lengths6: [Int] = []
    var targets6: [wsd_endpoint] = []
    var sources6: [wsd_endpoint] = []

    init() {
        arena = .allocate(byteCount: Self.arenaSize, alignment: 64)
        for a in [\SendQueue.pointers4, \SendQueue.pointers6] as [WritableKeyPath<SendQueue, [UnsafePointer<UInt8>?]>] {
            self[keyPath: a].reserveCapacity(Self.maximumCount)
        }
    }

    /// Releases the arena (the owner's deinit).
    func deallocate() { arena.deallocate() }

    /// Queues `datagram` for `endpoint`, from the local address `source` (family 0: the routing table's choice);
    /// false when the arena is full (send first, then append again).
    mutating func append(_ datagram: [UInt8], to endpoint: UDPEndpoint, from source: wsd_endpoint) -> Bool {
        guard used + datagram.count <= Self.arenaSize, pointers4.count + pointers6.count < Self.maximumCount else {
            return false
        }
        let start = arena + used
        datagram.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        used += (datagram.count + 15) & ~15
        let pointer = UnsafePointer(start.assumingMemoryBound(to: UInt8.self))
        var target = wsd_endpoint()
        target.port = endpoint.port
        switch endpoint.address {
        case .v4(let v):
            target.family = 4
            withUnsafeMutableBytes(of: &target.address) { b in
                for i in 0..<4 { b[i] = UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32(i))) }
            }
            pointers4.append(pointer)
            lengths4.append(datagram.count)
            targets4.append(target)
            sources4.append(source.family == 4 ? source : wsd_endpoint())
        case .v6(let v):
            target.family = 6
            withUnsafeMutableBytes(of: &target.address) { b in
                for i in 0..<16 { b[i] = UInt8(truncatingIfNeeded: v >> UInt128(120 - 8 * i)) }
            }
            pointers6.append(pointer)
            lengths6.append(datagram.count)
            targets6.append(target)
            sources6.append(source.family == 6 ? source : wsd_endpoint())
        }
        return true
    }

    /// Sends everything queued (datagrams of a family without a socket are dropped) and empties the queue.
    mutating func send(fd4: Int32, fd6: Int32) {
        Self.sendAll(fd4, &pointers4, &lengths4, &targets4, &sources4)
        Self.sendAll(fd6, &pointers6, &lengths6, &targets6, &sources6)
        used = 0
    }

    static func sendAll(
        _ fd: Int32, _ pointers: inout [UnsafePointer<UInt8>?], _ lengths: inout [Int],
        _ targets: inout [wsd_endpoint], _ sources: inout [wsd_endpoint]
    ) {
        defer {
            pointers.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            targets.removeAll(keepingCapacity: true)
            sources.removeAll(keepingCapacity: true)
        }
        guard fd >= 0, !pointers.isEmpty else { return }
        var offset = 0
        while offset < pointers.count {
            let count = min(128, pointers.count - offset)
            let sent = pointers.withUnsafeBufferPointer { p in
                lengths.withUnsafeBufferPointer { l in
                    targets.withUnsafeBufferPointer { t in
                        sources.withUnsafeBufferPointer { src in
                            wsd_send_batch(
                                fd, p.baseAddress! + offset, l.baseAddress! + offset, t.baseAddress! + offset,
                                src.baseAddress! + offset, Int32(count))
                        }
                    }
                }
            }
            // A full socket buffer drops the rest of this batch, as a full NIC queue would.
            if sent <= 0 { return }
            offset += Int(sent)
        }
    }
}
