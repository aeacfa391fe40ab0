/// An IPv4 or IPv6 address.
///
/// Parsing follows `inet_pton(3)` (what wg uses for AllowedIPs): dotted quads of exactly four decimal parts with
/// no leading zeros, and RFC 4291 text for IPv6 (with an embedded IPv4 tail). Printing follows glibc's
/// `inet_ntop(3)`, which is what `wg showconf` prints: RFC 5952 zero compression, lowercase hex, and the IPv4 tail
/// for `::a.b.c.d` and `::ffff:a.b.c.d`.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// The address family's width in bits: 32 or 128.
    @inlinable
    public var bitWidth: Int {
        switch self {
        case .v4: return 32
        case .v6: return 128
        }
    }

    /// True for an IPv4 address.
    @inlinable
    public var isIPv4: Bool { if case .v4 = self { return true } else { return false } }
    /// True for an IPv6 address.
    @inlinable
    public var isIPv6: Bool { !isIPv4 }

    /// The address as a 128-bit integer aligned to the left (the v4 value occupies the top 32 bits), so that
    /// prefix arithmetic is the same code for both families.
    @inlinable
    public var leftAligned: UInt128 {
        switch self {
        case .v4(let v): return UInt128(v) << 96
        case .v6(let v): return v
        }
    }

    /// Builds an address of the same family as `self` from a left-aligned value.
    @inlinable
    public func withLeftAligned(_ value: UInt128) -> IPAddress {
        switch self {
        case .v4: return .v4(UInt32(truncatingIfNeeded: value >> 96))
        case .v6: return .v6(value)
        }
    }

    /// Parses an IPv4 or IPv6 address in `inet_pton` syntax; returns nil on anything else.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        if let v4 = IPAddress.parseV4(Substring(s)) {
            self = .v4(v4)
        } else if let v6 = IPAddress.parseV6(s) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    /// Parses an IPv4 dotted quad as `inet_pton(AF_INET)` does; nil on anything else.
    public static func parseV4(_ s: Substring) -> UInt32? {
        var parts: [UInt32] = []
        var current: UInt32 = 0
        var digits = 0
        for c in s.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, parts.count < 3 else { return nil }
                parts.append(current)
                current = 0
                digits = 0
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits > 0 && current == 0 { return nil }  // leading zero
                current = current * 10 + UInt32(c - UInt8(ascii: "0"))
                digits += 1
                guard current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts.count == 3 else { return nil }
        parts.append(current)
        return parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]
    }

    /// Parses IPv6 text as `inet_pton(AF_INET6)` does; nil on anything else.
    public static func parseV6(_ s: String) -> UInt128? {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty else { return nil }
        var words: [UInt16] = []
        var gap: Int? = nil
        var i = 0
        if bytes.starts(with: Array("::".utf8)) {
            gap = 0
            i = 2
            if i == bytes.count { return 0 }
        } else if bytes[0] == UInt8(ascii: ":") {
            return nil
        }
        while i < bytes.count {
            // Read one group: hex digits, or an IPv4 tail.
            var j = i
            while j < bytes.count && bytes[j] != UInt8(ascii: ":") { j += 1 }
            let group = bytes[i..<j]
            if group.contains(UInt8(ascii: ".")) {
                guard j == bytes.count, words.count <= 6,
                    let v4 = parseV4(Substring(String(decoding: group, as: UTF8.self)))
                else { return nil }
                words.append(UInt16(v4 >> 16))
                words.append(UInt16(v4 & 0xffff))
                i = j
                break
            }
            guard !group.isEmpty, group.count <= 4 else { return nil }
            var w: UInt16 = 0
            for c in group {
                guard let n = hexValue(c) else { return nil }
                w = w << 4 | UInt16(n)
            }
            words.append(w)
            guard words.count <= 8 else { return nil }
            if j == bytes.count {
                i = j
                break
            }
            // j is at ':'
            if j + 1 < bytes.count && bytes[j + 1] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = words.count
                i = j + 2
                if i == bytes.count { break }
            } else {
                i = j + 1
                guard i < bytes.count else { return nil }  // trailing single ':'
            }
        }
        if let gap {
            guard words.count < 8 else { return nil }
            let fill = [UInt16](repeating: 0, count: 8 - words.count)
            words.insert(contentsOf: fill, at: gap)
        }
        guard words.count == 8 else { return nil }
        return words.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// One hex digit of an IPv6 group, either case (WireNet is a leaf and does not borrow WireCrypto's `Hex`).
    private static func hexValue(_ c: UInt8) -> UInt8? {
        let lower = c | 0x20  // ASCII letters to lowercase; digits are unchanged by this bit
        if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { return c &- UInt8(ascii: "0") }
        if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") { return lower &- UInt8(ascii: "a") &+ 10 }
        return nil
    }

    /// The text `inet_ntop(3)` prints for this address.
    public var description: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .v6(let v):
            let words = (0..<8).map { UInt16(truncatingIfNeeded: v >> UInt128(112 - 16 * $0)) }
            // Longest run of at least two zero words, first one wins on ties (RFC 5952 §4.2).
            var bestStart = -1
            var bestLen = 0
            var curStart = -1
            var curLen = 0
            for (i, w) in words.enumerated() {
                if w == 0 {
                    if curStart < 0 {
                        curStart = i
                        curLen = 0
                    }
                    curLen += 1
                    if curLen > bestLen {
                        bestStart = curStart
                        bestLen = curLen
                    }
                } else {
                    curStart = -1
                }
            }
            if bestLen < 2 { bestStart = -1 }
            var out = ""
            var i = 0
            while i < 8 {
                if i == bestStart {
                    out += i == 0 ? "::" : ":"
                    i += bestLen
                    continue
                }
                // glibc prints an IPv4 tail for ::a.b.c.d (compat) and ::ffff:a.b.c.d (mapped).
                if i == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)) {
                    let v4 = UInt32(words[6]) << 16 | UInt32(words[7])
                    out += IPAddress.v4(v4).description
                    break
                }
                out += String(words[i], radix: 16)
                if i < 7 { out += ":" }
                i += 1
            }
            return out
        }
    }

    /// Numeric order within a family; every IPv4 address sorts before every IPv6 address.
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v6(let x), .v6(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
