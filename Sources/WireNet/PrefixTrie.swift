/// A longest-prefix-match table from IP prefixes to values: the one such structure of wiresmith, behind cryptokey
/// routing (whitepaper §2, `AllowedIPs`), routing tables and lint's prefix questions.
///
/// The shape is the kernel's (drivers/net/wireguard/allowedips.c): a path-compressed binary trie per family whose
/// nodes hold a masked key and a prefix length, branching on the bit after the prefix; nodes without a value are
/// only junctions. Nodes live in one array and refer to each other by index, so the whole table is a value, and
/// every node counts the values below it, so "how many prefixes lie inside P" is one walk down.
///
/// A prefix holds one value: inserting a prefix that is present replaces its value (as wg gives a prefix to the peer
/// that claimed it last). Host bits are ignored everywhere (`10.1.2.3/24` is `10.1.2.0/24`). Walks visit prefixes in
/// address order, shorter first on ties, IPv4 before IPv6.
public struct PrefixTrie<Value: Sendable>: Sendable {
    @usableFromInline typealias Index = Int32
    @usableFromInline static var none: Index { -1 }

    /// The shape of the trie, without values: plain data, so walking it copies no reference.
    @usableFromInline
    struct Node: Sendable {
        /// The left-aligned network address, masked to `cidr`.
        @usableFromInline var key: UInt128
        @usableFromInline var cidr: UInt8
        /// Whether `values` holds a value for this node (otherwise it is a junction).
        @usableFromInline var hasValue = false
        @usableFromInline var parent: Index
        @usableFromInline var child0: Index = -1
        @usableFromInline var child1: Index = -1
        /// Values in this node's subtree, its own included.
        @usableFromInline var count: Int32 = 0

        @usableFromInline
        init(key: UInt128, cidr: UInt8, parent: Index) {
            self.key = key
            self.cidr = cidr
            self.parent = parent
        }
    }

    @usableFromInline var nodes: [Node] = []
    /// The value of each node, by the same index (nil for junctions and free slots).
    @usableFromInline var values: [Value?] = []
    @usableFromInline var root4: Index = -1
    @usableFromInline var root6: Index = -1
    @usableFromInline var free: [Index] = []

    /// An empty table.
    @inlinable public init() {}

    /// The number of prefixes held.
    @inlinable public var count: Int {
        Int((root4 == Self.none ? 0 : nodes[Int(root4)].count) + (root6 == Self.none ? 0 : nodes[Int(root6)].count))
    }

    /// Whether no prefix is held.
    @inlinable public var isEmpty: Bool { count == 0 }

    // MARK: Bits

    @inlinable @inline(__always)
    static func mask(_ cidr: UInt8) -> UInt128 {
        cidr == 0 ? 0 : ~UInt128(0) << (128 - UInt128(cidr))
    }

    @inlinable @inline(__always)
    static func bit(_ key: UInt128, at position: UInt8) -> Int {
        Int(truncatingIfNeeded: key >> (127 - UInt128(position))) & 1
    }

    @inlinable @inline(__always)
    func root(v4: Bool) -> Index { v4 ? root4 : root6 }

    @inline(__always)
    @inlinable func child(_ node: Index, _ b: Int) -> Index {
        b == 0 ? nodes[Int(node)].child0 : nodes[Int(node)].child1
    }

    @inlinable mutating func setChild(_ node: Index, _ b: Int, _ value: Index) {
        if b == 0 { nodes[Int(node)].child0 = value } else { nodes[Int(node)].child1 = value }
        if value != Self.none { nodes[Int(value)].parent = node }
    }

    /// Points whatever refers to `old` (its parent's child slot, or the root) at `new`.
    @inlinable mutating func replace(_ old: Index, with new: Index, v4: Bool) {
        let parent = nodes[Int(old)].parent
        if parent == Self.none {
            if v4 { root4 = new } else { root6 = new }
            if new != Self.none { nodes[Int(new)].parent = Self.none }
        } else {
            setChild(parent, nodes[Int(parent)].child0 == old ? 0 : 1, new)
        }
    }

    @inlinable mutating func allocate(_ node: Node) -> Index {
        if let i = free.popLast() {
            nodes[Int(i)] = node
            return i
        }
        nodes.append(node)
        values.append(nil)
        return Index(nodes.count - 1)
    }

    @inlinable mutating func release(_ i: Index) {
        values[Int(i)] = nil
        nodes[Int(i)].hasValue = false
        nodes[Int(i)].child0 = Self.none
        nodes[Int(i)].child1 = Self.none
        free.append(i)
    }

    /// Adds `delta` to the value count of `node` and of every node above it.
    @inlinable mutating func adjustCounts(from node: Index, by delta: Int32) {
        var i = node
        while i != Self.none {
            nodes[Int(i)].count += delta
            i = nodes[Int(i)].parent
        }
    }

    @inlinable func prefix(of node: Index, v4: Bool) -> IPPrefix {
        let n = nodes[Int(node)]
        let address: IPAddress = v4 ? .v4(UInt32(truncatingIfNeeded: n.key >> 96)) : .v6(n.key)
        return IPPrefix(unchecked: address, length: Int(n.cidr))
    }

    // MARK: Insert and remove

    /// The node of `prefix`, created (as a junction without a value) if missing.
    @inlinable mutating func node(for prefix: IPPrefix) -> Index {
        let v4 = prefix.address.isIPv4
        let cidr = UInt8(prefix.length)
        let key = prefix.address.leftAligned & Self.mask(cidr)
        var parent = Self.none
        var node = root(v4: v4)
        // Walk while the node's prefix covers the new one.
        while node != Self.none {
            let n = nodes[Int(node)]
            guard n.cidr <= cidr, key & Self.mask(n.cidr) == n.key else { break }
            if n.cidr == cidr { return node }
            parent = node
            node = child(node, Self.bit(key, at: n.cidr))
        }
        let fresh = allocate(Node(key: key, cidr: cidr, parent: parent))
        if node == Self.none {
            if parent == Self.none {
                if v4 { root4 = fresh } else { root6 = fresh }
            } else {
                setChild(parent, Self.bit(key, at: nodes[Int(parent)].cidr), fresh)
            }
            return fresh
        }
        // `node` diverges from the new prefix somewhere: find the common prefix.
        let other = nodes[Int(node)]
        let common = UInt8(min(Int(cidr), Int(other.cidr), (key ^ other.key).leadingZeroBitCount))
        if common == cidr {
            // The new prefix sits above `node`.
            replace(node, with: fresh, v4: v4)
            setChild(fresh, Self.bit(other.key, at: cidr), node)
            nodes[Int(fresh)].count = other.count
        } else {
            // A junction at the common prefix holds both.
            let junction = allocate(Node(key: key & Self.mask(common), cidr: common, parent: Self.none))
            replace(node, with: junction, v4: v4)
            setChild(junction, Self.bit(other.key, at: common), node)
            setChild(junction, Self.bit(key, at: common), fresh)
            nodes[Int(junction)].count = other.count
        }
        return fresh
    }

    /// Sets the value of `prefix`; returns the value it replaced, if any.
    @discardableResult
    @inlinable public mutating func insert(_ prefix: IPPrefix, _ value: Value) -> Value? {
        let i = node(for: prefix)
        let old = values[Int(i)]
        values[Int(i)] = value
        if !nodes[Int(i)].hasValue {
            nodes[Int(i)].hasValue = true
            adjustCounts(from: i, by: 1)
        }
        return old
    }

    /// Changes the value of `prefix` in place, starting from `defaultValue` when the prefix is absent (for tables
    /// of lists: `table.modify(p, default: []) { $0.append(x) }`).
    @inlinable public mutating func modify(
        _ prefix: IPPrefix, default defaultValue: @autoclosure () -> Value, _ body: (inout Value) -> Void
    ) {
        let i = node(for: prefix)
        if !nodes[Int(i)].hasValue {
            nodes[Int(i)].hasValue = true
            values[Int(i)] = defaultValue()
            adjustCounts(from: i, by: 1)
        }
        var value = values[Int(i)].take()!  // uniquely referenced while `body` changes it
        body(&value)
        values[Int(i)] = value
    }

    /// Removes `prefix`; returns its value, or nil when it was not present.
    @discardableResult
    @inlinable public mutating func remove(_ prefix: IPPrefix) -> Value? {
        let v4 = prefix.address.isIPv4
        guard let node = exactNode(prefix), nodes[Int(node)].hasValue else { return nil }
        let old = values[Int(node)].take()
        nodes[Int(node)].hasValue = false
        adjustCounts(from: node, by: -1)
        let n = nodes[Int(node)]
        if n.child0 != Self.none && n.child1 != Self.none { return old }  // stays as a junction
        let only = n.child0 != Self.none ? n.child0 : n.child1
        let parent = n.parent
        replace(node, with: only, v4: v4)
        release(node)
        // A junction parent (no value) left with a single child is no longer needed.
        if only == Self.none, parent != Self.none, !nodes[Int(parent)].hasValue {
            let p = nodes[Int(parent)]
            let remaining = p.child0 != Self.none ? p.child0 : p.child1
            replace(parent, with: remaining, v4: v4)
            release(parent)
        }
        return old
    }

    /// Removes every prefix.
    @inlinable public mutating func removeAll() {
        self = PrefixTrie()
    }

    // MARK: Lookup

    @inlinable func exactNode(_ prefix: IPPrefix) -> Index? {
        let cidr = UInt8(prefix.length)
        let key = prefix.address.leftAligned & Self.mask(cidr)
        var node = root(v4: prefix.address.isIPv4)
        while node != Self.none {
            let n = nodes[Int(node)]
            guard n.cidr <= cidr, key & Self.mask(n.cidr) == n.key else { return nil }
            if n.cidr == cidr { return node }
            node = child(node, Self.bit(key, at: n.cidr))
        }
        return nil
    }

    /// The value of `prefix` exactly, if present.
    @inlinable public func exact(_ prefix: IPPrefix) -> Value? {
        exactNode(prefix).flatMap { values[Int($0)] }
    }

    /// The value of the longest prefix containing `address`: the packet-path lookup.
    @inlinable
    public func longestMatch(_ address: IPAddress) -> Value? {
        lookup(address)?.value
    }

    /// The value of the longest prefix containing `address`, with that prefix's length.
    ///
    /// `minLength` skips shorter prefixes (wg-quick's `suppress_prefixlength 0` is `minLength: 1`).
    @inlinable
    public func lookup(_ address: IPAddress, minLength: Int = 0) -> (length: Int, value: Value)? {
        let v4 = address.isIPv4
        let key = address.leftAligned
        let width: UInt8 = v4 ? 32 : 128
        var best = Self.none
        var node = root(v4: v4)
        while node != Self.none {
            let n = nodes[Int(node)]
            guard key & Self.mask(n.cidr) == n.key else { break }
            if n.hasValue && Int(n.cidr) >= minLength { best = node }
            if n.cidr == width { break }
            node = Self.bit(key, at: n.cidr) == 0 ? n.child0 : n.child1
        }
        guard best != Self.none, let value = values[Int(best)] else { return nil }
        return (Int(nodes[Int(best)].cidr), value)
    }

    /// The prefixes containing `prefix` (itself included when present), shortest first.
    @inlinable public func matches(containing prefix: IPPrefix) -> [(prefix: IPPrefix, value: Value)] {
        let v4 = prefix.address.isIPv4
        let cidr = UInt8(prefix.length)
        let key = prefix.address.leftAligned
        var out: [(prefix: IPPrefix, value: Value)] = []
        var node = root(v4: v4)
        while node != Self.none {
            let n = nodes[Int(node)]
            guard n.cidr <= cidr, key & Self.mask(n.cidr) == n.key else { break }
            if n.hasValue, let v = values[Int(node)] { out.append((self.prefix(of: node, v4: v4), v)) }
            if n.cidr == cidr { break }
            node = child(node, Self.bit(key, at: n.cidr))
        }
        return out
    }

    /// The top node of the subtree of prefixes inside `prefix` (equal included), if any.
    @inlinable func subtree(within prefix: IPPrefix) -> Index? {
        let cidr = UInt8(prefix.length)
        let key = prefix.address.leftAligned & Self.mask(cidr)
        var node = root(v4: prefix.address.isIPv4)
        while node != Self.none {
            let n = nodes[Int(node)]
            if n.cidr >= cidr { return n.key & Self.mask(cidr) == key ? node : nil }
            guard key & Self.mask(n.cidr) == n.key else { return nil }
            node = child(node, Self.bit(key, at: n.cidr))
        }
        return nil
    }

    /// How many prefixes lie inside `prefix` (equal included): one walk down, whatever the answer.
    @inlinable public func count(within prefix: IPPrefix) -> Int {
        subtree(within: prefix).map { Int(nodes[Int($0)].count) } ?? 0
    }

    /// The prefixes inside `prefix` (equal included), in address order; at most `limit` of them.
    @inlinable public func entries(within prefix: IPPrefix, limit: Int = .max) -> [(prefix: IPPrefix, value: Value)] {
        guard let top = subtree(within: prefix) else { return [] }
        var out: [(prefix: IPPrefix, value: Value)] = []
        walk(from: top, v4: prefix.address.isIPv4, limit: limit, into: &out)
        return out
    }

    /// Every prefix with its value: IPv4 first, each family in address order.
    @inlinable public var entries: [(prefix: IPPrefix, value: Value)] {
        var out: [(prefix: IPPrefix, value: Value)] = []
        out.reserveCapacity(count)
        if root4 != Self.none { walk(from: root4, v4: true, limit: .max, into: &out) }
        if root6 != Self.none { walk(from: root6, v4: false, limit: .max, into: &out) }
        return out
    }

    /// Pre-order walk (a node before its children, the 0 side first), which is address order, shorter first.
    @inlinable func walk(from top: Index, v4: Bool, limit: Int, into out: inout [(prefix: IPPrefix, value: Value)]) {
        var stack: [Index] = [top]
        while let i = stack.popLast(), out.count < limit {
            let n = nodes[Int(i)]
            if n.hasValue, let v = values[Int(i)] { out.append((prefix(of: i, v4: v4), v)) }
            if n.child1 != Self.none { stack.append(n.child1) }
            if n.child0 != Self.none { stack.append(n.child0) }
        }
    }
}
