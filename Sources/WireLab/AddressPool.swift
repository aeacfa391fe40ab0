import WireConfig

/// Hands out the lab's own addresses (NAT links, NAT routers' public addresses, addresses for Endpoint names)
/// from fixed ranges, skipping every prefix the network names so the lab never shadows a config's address.
///
/// Each range is finite and every step is checked arithmetic: a network whose prefixes cover a whole range (a LAN
/// of 0.0.0.0/0, say) gets `nil`, never a trap or an endless search. A blocking prefix is jumped over whole, so a
/// search costs at most one step per avoided prefix.
struct AddressPool: Sendable {
    private var avoid: [IPPrefix]
    private var nextPublic4: UInt128 = UInt128(0xCB00_71C8) << 96  // 203.0.113.200 (TEST-NET-3)...
    private var nextPublic4b: UInt128 = UInt128(0x647F_0001) << 96  // ...then 100.127.0.1
    private var nextPublic6: UInt128 = 0x2001_0db8_ffff_0000 << 64 | 0x100
    private var nextNAT4: UInt128 = UInt128(0x6440_0000) << 96  // 100.64.0.0/10, /30 each
    private var nextNAT6: UInt128 = 0xfdff_0077_0000_0000 << 64

    init(avoiding prefixes: [IPPrefix]) { avoid = prefixes }

    /// Marks `address` as taken.
    mutating func reserve(_ address: IPAddress) { avoid.append(.host(address)) }

    /// The first free block of `length` bits at or after `next`, not past `last`; `next` moves past it.
    private mutating func take(
        _ cursor: WritableKeyPath<AddressPool, UInt128>, last: UInt128, v4: Bool, length: Int
    ) -> IPPrefix? {
        var next = self[keyPath: cursor]
        defer { self[keyPath: cursor] = next }
        // Left-aligned values keep an IPv4 address in the top 32 bits: a length counts from the top either way.
        let step = UInt128(1) << UInt128(128 - length)
        while next <= last {
            let address: IPAddress = v4 ? .v4(UInt32(truncatingIfNeeded: next >> 96)) : .v6(next)
            guard let p = IPPrefix(address: address, length: length) else { return nil }
            guard let blocker = avoid.first(where: { $0.overlaps(p) }) else {
                avoid.append(p)
                let (after, overflow) = next.addingReportingOverflow(step)
                next = overflow ? last : after  // at the top, the next search finds this block taken and stops
                return p
            }
            // Jump past the blocker, to the next block boundary.
            let end = blocker.network.address.leftAligned | (UInt128.max >> UInt128(blocker.length))
            let (past, o1) = Swift.max(end, next).addingReportingOverflow(1)
            guard !o1 else { return nil }
            let (rounded, o2) = past.addingReportingOverflow(step - 1)
            guard !o2 else { return nil }
            next = rounded / step * step
        }
        return nil
    }

    /// A public IPv4 address for a NAT router or a named host.
    mutating func nextPublicV4() -> IPAddress? {
        // 203.0.113.254 is the internet router's test address: then 100.127.0.1...
        if let p = take(\.nextPublic4, last: UInt128(0xCB00_71FD) << 96, v4: true, length: 32) { return p.address }
        return take(\.nextPublic4b, last: UInt128(0x647F_FFFE) << 96, v4: true, length: 32)?.address
    }

    /// A public IPv6 address for a NAT router.
    mutating func nextPublicV6() -> IPAddress? {
        take(\.nextPublic6, last: 0x2001_0db8_ffff_0000 << 64 | 0xffff_ffff, v4: false, length: 128)?.address
    }

    /// A /30 between a NAT router and its host: (host `/30`, router `/30`).
    mutating func nextPrivateV4() -> (String, String)? {
        guard let p = take(\.nextNAT4, last: UInt128(0x647E_FFFC) << 96, v4: true, length: 30),
            let router = p.address(after: 1), let host = p.address(after: 2)
        else { return nil }
        return ("\(host)/30", "\(router)/30")
    }

    /// A /64 between a NAT router and its host: (host `/64`, router `/64`).
    mutating func nextPrivateV6() -> (String, String)? {
        guard let p = take(\.nextNAT6, last: 0xfdff_0077_ffff_0000 << 64, v4: false, length: 64),
            let router = p.address(after: 1), let host = p.address(after: 2)
        else { return nil }
        return ("\(host)/64", "\(router)/64")
    }
}
