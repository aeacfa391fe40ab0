import WireConfig

/// Lint's questions of a `PrefixTrie` whose values are lists: many links may route the same prefix, many interfaces
/// may share an address. Each answer is flattened to one `(prefix, value)` entry per list element, so rules stay
/// linear in the size of the network instead of comparing every pair of peers.
extension PrefixTrie {
    /// A table of `items` grouped by prefix (host bits ignored), each list in the order of `items`.
    init<Element>(grouping items: [(IPPrefix, Element)]) where Value == [Element] {
        self.init()
        for (prefix, element) in items { modify(prefix, default: []) { $0.append(element) } }
    }

    /// Every element, in prefix order.
    func flattened<Element>() -> [(prefix: IPPrefix, value: Element)] where Value == [Element] {
        Self.flatten(entries)
    }

    /// The elements whose prefix equals `prefix` (host bits ignored).
    func exactly<Element>(_ prefix: IPPrefix) -> [(prefix: IPPrefix, value: Element)] where Value == [Element] {
        (exact(prefix) ?? []).map { (prefix.network, $0) }
    }

    /// The elements whose prefix contains `prefix` (equal ones included), shortest first.
    func containing<Element>(_ prefix: IPPrefix) -> [(prefix: IPPrefix, value: Element)] where Value == [Element] {
        Self.flatten(matches(containing: prefix))
    }

    /// The elements whose prefix contains `address`.
    func containing<Element>(_ address: IPAddress) -> [(prefix: IPPrefix, value: Element)] where Value == [Element] {
        containing(IPPrefix.host(address))
    }

    /// The elements whose prefix lies strictly inside `prefix` (longer, and contained); at most `limit` lists.
    func inside<Element>(_ prefix: IPPrefix, limit: Int = .max) -> [(prefix: IPPrefix, value: Element)]
    where Value == [Element] {
        let found = entries(within: prefix, limit: limit == .max ? .max : limit + 1)
        return Self.flatten(found.filter { $0.prefix.length > prefix.length }.prefix(limit))
    }

    /// The elements whose prefix shares an address with `prefix`: those containing it and those inside it.
    func overlapping<Element>(_ prefix: IPPrefix, limit: Int = .max) -> [(prefix: IPPrefix, value: Element)]
    where Value == [Element] {
        containing(prefix) + inside(prefix, limit: limit)
    }

    private static func flatten<Element>(
        _ lists: some Sequence<(prefix: IPPrefix, value: [Element])>
    ) -> [(prefix: IPPrefix, value: Element)] {
        lists.flatMap { entry in entry.value.map { (entry.prefix, $0) } }
    }
}
