import WireConfig

/// A WireKey as a dictionary key that hashes its 32 bytes in one call. `WireKey`'s synthesized hashing feeds the
/// hasher byte by byte, which dominated linting a 10,000-peer hub; lint indexes keys through this instead.
struct FastKey: Hashable, Sendable {
    let key: WireKey

    init(_ key: WireKey) { self.key = key }

    static func == (a: FastKey, b: FastKey) -> Bool { a.key.bytes == b.key.bytes }

    func hash(into hasher: inout Hasher) {
        key.bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
