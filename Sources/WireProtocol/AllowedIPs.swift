/// Cryptokey routing: a longest-prefix-match trie from IP prefixes to peers (whitepaper §2).
///
/// Sending, the destination of a packet picks the peer (`lookup`); receiving, a decrypted packet is accepted only
/// when `lookup(source)` is the peer it came from. A prefix belongs to one peer at a time: inserting a prefix that
/// exists moves it to the new peer, as `wg set ... allowed-ips` does. Host bits are masked on insertion.
///
/// The shape is the kernel's (drivers/net/wireguard/allowedips.c): a path-compressed binary trie per family whose
/// nodes hold a masked key and a prefix length, branching on the bit after the prefix; nodes without a peer are
/// only junctions. Nodes live in one array and refer to each other by index, so the whole table is a value.
public struct AllowedIPs<Peer: Hashable & Sendable>: Sendable {
    /// Why an insertion was refused.
    public enum Failure: Error, Hashable, Sendable {
        /// The prefix length is greater than the address family's width (or negative).
        case prefixLengthOutOfRange(length: Int, family: Int)
    }

    typealias Index = Int32
    static var none: Index { -1 }

    struct Node: Sendable {
        var key: UInt128  // left-aligned, masked to `cidr`
        var cidr: UInt8
        var family: UInt8  // 32 or 128
        var parent: Index
        var child0: Index = -1
        var child1: Index = -1
        var peer: Peer?
    }

    var nodes: [Node] = []
    private var free: [Index] = []
    private var root4: Index = -1
    private var root6: Index = -1
    private var byPeer: [Peer: Set<Index>] = [:]

    /// An empty table.
    public init() {}

    /// The number of prefixes held.
    public var count: Int { byPeer.values.reduce(0) { $0 + $1.count } }

    /// Whether no prefix is held.
    public var isEmpty: Bool { byPeer.isEmpty }

    // MARK: Bits

    @inline(__always)
    static func mask(_ cidr: UInt8) -> UInt128 {
        cidr == 0 ? 0 : ~UInt128(0) << (128 - UInt128(cidr))
    }

    @inline(__always)
    static func bit(_ key: UInt128, at position: UInt8) -> Int {
        Int(truncatingIfNeeded: key >> (127 - UInt128(position))) & 1
    }

    @inline(__always)
    private func child(_ node: Index, _ b: Int) -> Index {
        b == 0 ? nodes[Int(node)].child0 : nodes[Int(node)].child1
    }

    @inline(__always)
    private mutating func setChild(_ node: Index, _ b: Int, _ value: Index) {
        if b == 0 { nodes[Int(node)].child0 = value } else { nodes[Int(node)].child1 = value }
        if value != Self.none { nodes[Int(value)].parent = node }
    }

    private func root(_ family: Int) -> Index { family == 32 ? root4 : root6 }

    /// Points whatever refers to `old` (its parent's child slot, or the root) at `new`.
    private mutating func replace(_ old: Index, with new: Index, family: Int) {
        let parent = nodes[Int(old)].parent
        if parent == Self.none {
            if family == 32 { root4 = new } else { root6 = new }
            if new != Self.none { nodes[Int(new)].parent = Self.none }
        } else {
            setChild(parent, nodes[Int(parent)].child0 == old ? 0 : 1, new)
        }
    }

    private mutating func allocate(_ node: Node) -> Index {
        if let i = free.popLast() {
            nodes[Int(i)] = node
            return i
        }
        nodes.append(node)
        return Index(nodes.count - 1)
    }

    private mutating func release(_ i: Index) {
        nodes[Int(i)].peer = nil
        nodes[Int(i)].child0 = Self.none
        nodes[Int(i)].child1 = Self.none
        free.append(i)
    }

    // MARK: Insert

    /// Routes `address`/`prefixLength` to `peer`, taking the prefix from any peer that had it.
    public mutating func insert(_ address: InternetAddress, prefixLength: Int, peer: Peer) throws(Failure) {
        let family = address.bitWidth
        guard prefixLength >= 0, prefixLength <= family else {
            throw .prefixLengthOutOfRange(length: prefixLength, family: family)
        }
        let cidr = UInt8(prefixLength)
        let key = address.leftAligned & Self.mask(cidr)
        var parent = Self.none
        var node = root(family)
        // Walk while the node's prefix covers the new one.
        while node != Self.none {
            let n = nodes[Int(node)]
            guard n.cidr <= cidr, key & Self.mask(n.cidr) == n.key else { break }
            if n.cidr == cidr {
                setPeer(node, peer)
                return
            }
            parent = node
            node = child(node, Self.bit(key, at: n.cidr))
        }
        let fresh = allocate(Node(key: key, cidr: cidr, family: UInt8(family), parent: parent))
        setPeer(fresh, peer)
        if node == Self.none {
            if parent == Self.none {
                if family == 32 { root4 = fresh } else { root6 = fresh }
            } else {
                setChild(parent, Self.bit(key, at: nodes[Int(parent)].cidr), fresh)
            }
            return
        }
        // `node` diverges from the new prefix somewhere: find the common prefix.
        let other = nodes[Int(node)]
        let common = UInt8(min(Int(cidr), Int(other.cidr), (key ^ other.key).leadingZeroBitCount))
        if common == cidr {
            // The new prefix sits above `node`.
            replace(node, with: fresh, family: family)
            setChild(fresh, Self.bit(other.key, at: cidr), node)
        } else {
            // A junction at the common prefix holds both.
            let junction = allocate(
                Node(
                    key: key & Self.mask(common), cidr: common, family: UInt8(family),
                    parent: Self.none))
            replace(node, with: junction, family: family)
            setChild(junction, Self.bit(other.key, at: common), node)
            setChild(junction, Self.bit(key, at: common), fresh)
        }
    }

    private mutating func setPeer(_ node: Index, _ peer: Peer?) {
        if let old = nodes[Int(node)].peer {
            byPeer[old]?.remove(node)
            if byPeer[old]?.isEmpty == true { byPeer[old] = nil }
        }
        nodes[Int(node)].peer = peer
        if let peer { byPeer[peer, default: []].insert(node) }
    }

    // MARK: Lookup

    /// The peer whose longest prefix contains `address`, if any.
    public func lookup(_ address: InternetAddress) -> Peer? {
        let key = address.leftAligned
        let width = UInt8(address.bitWidth)
        var best: Peer? = nil
        var node = root(address.bitWidth)
        while node != Self.none {
            let n = nodes[Int(node)]
            guard key & Self.mask(n.cidr) == n.key else { break }
            if let p = n.peer { best = p }
            if n.cidr == width { break }
            node = Self.bit(key, at: n.cidr) == 0 ? n.child0 : n.child1
        }
        return best
    }

    /// The prefixes routed to `peer`, in no particular order, host bits masked.
    public func prefixes(of peer: Peer) -> [(address: InternetAddress, prefixLength: Int)] {
        guard let set = byPeer[peer] else { return [] }
        return set.map { i in
            let n = nodes[Int(i)]
            let address: InternetAddress = n.family == 32 ? .v4(UInt32(truncatingIfNeeded: n.key >> 96)) : .v6(n.key)
            return (address, Int(n.cidr))
        }
    }

    // MARK: Remove

    /// Removes every prefix routed to `peer` (`wg set ... peer X remove`, or `replace_allowed_ips`).
    public mutating func removeAll(of peer: Peer) {
        guard let set = byPeer.removeValue(forKey: peer) else { return }
        for node in set { removeNode(node) }
    }

    /// Removes `address`/`prefixLength` when it is routed to `peer`; returns whether it was.
    @discardableResult
    public mutating func remove(_ address: InternetAddress, prefixLength: Int, peer: Peer) -> Bool {
        guard prefixLength >= 0, prefixLength <= address.bitWidth else { return false }
        let cidr = UInt8(prefixLength)
        let key = address.leftAligned & Self.mask(cidr)
        var node = root(address.bitWidth)
        while node != Self.none {
            let n = nodes[Int(node)]
            guard n.cidr <= cidr, key & Self.mask(n.cidr) == n.key else { return false }
            if n.cidr == cidr {
                guard n.peer == peer else { return false }
                byPeer[peer]?.remove(node)
                if byPeer[peer]?.isEmpty == true { byPeer[peer] = nil }
                removeNode(node)
                return true
            }
            node = child(node, Self.bit(key, at: n.cidr))
        }
        return false
    }

    /// Unlinks a node whose peer entry is already gone from `byPeer`, then a junction left with one child.
    private mutating func removeNode(_ node: Index) {
        nodes[Int(node)].peer = nil
        let n = nodes[Int(node)]
        let family = Int(n.family)
        if n.child0 != Self.none && n.child1 != Self.none { return }  // stays as a junction
        let only = n.child0 != Self.none ? n.child0 : n.child1
        let parent = n.parent
        replace(node, with: only, family: family)
        release(node)
        // A junction parent (no peer) left with a single child is no longer needed.
        guard only == Self.none, parent != Self.none, nodes[Int(parent)].peer == nil else { return }
        let p = nodes[Int(parent)]
        let remaining = p.child0 != Self.none ? p.child0 : p.child1
        replace(parent, with: remaining, family: family)
        release(parent)
    }
}
