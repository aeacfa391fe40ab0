import WireConfig

/// Prefixes with values, indexed for the two questions lint rules ask of AllowedIPs at scale: which entries contain
/// a prefix (its ancestors, by one hash lookup per prefix length in use) and which entries lie inside it (a range of
/// a sorted array). Both families share one table: IPv4 and IPv6 entries never match each other.
///
/// Built once, then read-only; every query is O(lengths in use + log n + answers), so rules stay linear in the size
/// of the network instead of comparing every pair of peers.
struct PrefixTable<Value: Sendable>: Sendable {
    struct Entry: Sendable {
        var prefix: IPPrefix
        var value: Value
    }

    /// Entries sorted by family, network address, then length (shorter first).
    private(set) var entries: [Entry]
    /// Entry indexes by exact (masked) prefix.
    private var exact: [IPPrefix: [Int]]
    /// The prefix lengths present, per family (false = IPv4, true = IPv6), ascending.
    private var lengths: [Bool: [Int]]

    init(_ items: [(IPPrefix, Value)]) {
        var es = items.map { Entry(prefix: $0.0.network, value: $0.1) }
        es.sort { Self.key($0.prefix) < Self.key($1.prefix) }
        entries = es
        exact = [:]
        var lens: [Bool: Set<Int>] = [:]
        for (i, e) in es.enumerated() {
            exact[e.prefix, default: []].append(i)
            lens[e.prefix.address.isIPv6, default: []].insert(e.prefix.length)
        }
        lengths = lens.mapValues { $0.sorted() }
    }

    /// Sort key: family, left-aligned network address, length.
    private static func key(_ p: IPPrefix) -> (Int, UInt128, Int) {
        (p.address.isIPv6 ? 1 : 0, p.address.leftAligned, p.length)
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Entries whose prefix equals `prefix` (after masking).
    func exactly(_ prefix: IPPrefix) -> [Entry] {
        (exact[prefix.network] ?? []).map { entries[$0] }
    }

    /// Entries whose prefix contains `prefix` (equal ones included), shortest first.
    func containing(_ prefix: IPPrefix) -> [Entry] {
        var out: [Entry] = []
        for len in lengths[prefix.address.isIPv6] ?? [] where len <= prefix.length {
            guard let p = IPPrefix(address: prefix.address, length: len)?.network, let idx = exact[p] else { continue }
            out.append(contentsOf: idx.map { entries[$0] })
        }
        return out
    }

    /// Entries whose prefix contains `address`.
    func containing(_ address: IPAddress) -> [Entry] { containing(IPPrefix.host(address)) }

    /// Entries strictly inside `prefix` (longer, and contained); at most `limit` of them.
    func inside(_ prefix: IPPrefix, limit: Int = .max) -> [Entry] {
        var out: [Entry] = []
        var i = lowerBound(prefix.network)
        while i < entries.count, out.count < limit, prefix.contains(entries[i].prefix) {
            if entries[i].prefix.length > prefix.length { out.append(entries[i]) }
            i += 1
        }
        return out
    }

    /// Entries that share an address with `prefix`: those containing it and those inside it.
    func overlapping(_ prefix: IPPrefix, limit: Int = .max) -> [Entry] {
        containing(prefix) + inside(prefix, limit: limit)
    }

    /// How many entries are inside or equal to `prefix` (a count of a sorted range, without building it).
    func countWithin(_ prefix: IPPrefix) -> Int {
        let start = lowerBound(prefix.network)
        var lo = start
        var hi = entries.count
        // The entries within the prefix are contiguous from `start`; find where they end.
        while lo < hi {
            let mid = (lo + hi) / 2
            if prefix.contains(entries[mid].prefix) || Self.key(entries[mid].prefix) < Self.key(prefix.network) {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        return lo - start
    }

    private func lowerBound(_ p: IPPrefix) -> Int {
        let k = Self.key(p)
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.key(entries[mid].prefix) < k { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
