import WireNet

/// Cryptokey routing: a longest-prefix-match table from IP prefixes to peers (whitepaper §2).
///
/// Sending, the destination of a packet picks the peer (`lookup`); receiving, a decrypted packet is accepted only
/// when `lookup(source)` is the peer it came from. A prefix belongs to one peer at a time: inserting a prefix that
/// exists moves it to the new peer, as `wg set ... allowed-ips` does. Host bits are masked on insertion.
///
/// The table is WireNet's `PrefixTrie` (the kernel's path-compressed trie, drivers/net/wireguard/allowedips.c);
/// this type adds the per-peer index that `wg set ... peer X remove` and `replace_allowed_ips` need.
public struct AllowedIPs<Peer: Hashable & Sendable>: Sendable {
    /// Why an insertion was refused.
    public enum Failure: Error, Hashable, Sendable {
        /// The prefix length is greater than the address family's width (or negative).
        case prefixLengthOutOfRange(length: Int, family: Int)
    }

    @usableFromInline var table = PrefixTrie<Peer>()
    private var byPeer: [Peer: Set<IPPrefix>] = [:]

    /// An empty table.
    public init() {}

    /// The number of prefixes held.
    public var count: Int { table.count }

    /// Whether no prefix is held.
    public var isEmpty: Bool { table.isEmpty }

    /// Routes `address`/`prefixLength` to `peer`, taking the prefix from any peer that had it.
    public mutating func insert(_ address: IPAddress, prefixLength: Int, peer: Peer) throws(Failure) {
        guard let prefix = IPPrefix(address: address, length: prefixLength) else {
            throw .prefixLengthOutOfRange(length: prefixLength, family: address.bitWidth)
        }
        insert(prefix, peer: peer)
    }

    /// Routes `prefix` to `peer`, taking it from any peer that had it.
    public mutating func insert(_ prefix: IPPrefix, peer: Peer) {
        let network = prefix.network
        if let old = table.insert(network, peer), old != peer { forget(network, of: old) }
        byPeer[peer, default: []].insert(network)
    }

    private mutating func forget(_ prefix: IPPrefix, of peer: Peer) {
        byPeer[peer]?.remove(prefix)
        if byPeer[peer]?.isEmpty == true { byPeer[peer] = nil }
    }

    /// The peer whose longest prefix contains `address`, if any.
    @inlinable
    public func lookup(_ address: IPAddress) -> Peer? {
        table.longestMatch(address)
    }

    /// The prefixes routed to `peer`, in no particular order, host bits masked.
    public func prefixes(of peer: Peer) -> [(address: IPAddress, prefixLength: Int)] {
        (byPeer[peer] ?? []).map { ($0.address, $0.length) }
    }

    /// Removes every prefix routed to `peer` (`wg set ... peer X remove`, or `replace_allowed_ips`).
    public mutating func removeAll(of peer: Peer) {
        guard let set = byPeer.removeValue(forKey: peer) else { return }
        for prefix in set { table.remove(prefix) }
    }

    /// Removes `address`/`prefixLength` when it is routed to `peer`; returns whether it was.
    @discardableResult
    public mutating func remove(_ address: IPAddress, prefixLength: Int, peer: Peer) -> Bool {
        guard let prefix = IPPrefix(address: address, length: prefixLength)?.network,
            table.exact(prefix) == peer
        else { return false }
        table.remove(prefix)
        forget(prefix, of: peer)
        return true
    }
}
