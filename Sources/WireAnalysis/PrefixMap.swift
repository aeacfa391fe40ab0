import WireConfig

/// A longest-prefix-match map from prefixes to values, one hash table per prefix length.
///
/// Lookups cost one hash probe per distinct prefix length present (at most 33 for IPv4, 129 for IPv6), so a
/// 10,000-peer interface answers as fast as a 3-peer one. Inserting a prefix that is already present replaces its
/// value, as wg's allowedips trie gives a prefix to the peer that claimed it last.
public struct PrefixMap<Value: Sendable>: Sendable {
    private var v4: [Int: [UInt128: Value]] = [:]
    private var v6: [Int: [UInt128: Value]] = [:]
    private var v4Lengths: [Int] = []
    private var v6Lengths: [Int] = []

    /// An empty map.
    public init() {}

    /// Sets the value of `prefix` (host bits ignored), replacing any earlier value for the same prefix.
    public mutating func insert(_ prefix: IPPrefix, _ value: Value) {
        let net = prefix.network.address.leftAligned
        if prefix.address.isIPv4 {
            if v4[prefix.length] == nil {
                v4Lengths.append(prefix.length)
                v4Lengths.sort(by: >)
            }
            v4[prefix.length, default: [:]][net] = value
        } else {
            if v6[prefix.length] == nil {
                v6Lengths.append(prefix.length)
                v6Lengths.sort(by: >)
            }
            v6[prefix.length, default: [:]][net] = value
        }
    }

    /// The value of `prefix` exactly, if present.
    public func exact(_ prefix: IPPrefix) -> Value? {
        let table = prefix.address.isIPv4 ? v4 : v6
        return table[prefix.length]?[prefix.network.address.leftAligned]
    }

    /// The value of the longest prefix containing `address`, with that prefix's length.
    ///
    /// `minLength` skips shorter prefixes (wg-quick's `suppress_prefixlength 0` is `minLength: 1`).
    public func lookup(_ address: IPAddress, minLength: Int = 0) -> (length: Int, value: Value)? {
        let (tables, lengths) = address.isIPv4 ? (v4, v4Lengths) : (v6, v6Lengths)
        let a = address.leftAligned
        for length in lengths where length >= minLength {
            let mask: UInt128 = length == 0 ? 0 : ~UInt128(0) << UInt128(128 - length)
            if let v = tables[length]?[a & mask] { return (length, v) }
        }
        return nil
    }

    /// True when nothing was inserted.
    public var isEmpty: Bool { v4Lengths.isEmpty && v6Lengths.isEmpty }
}
