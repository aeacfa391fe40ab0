import WireConfig

/// Hands out the lab's own addresses (NAT links, NAT routers' public addresses, addresses for Endpoint names)
/// from fixed ranges, skipping every prefix the network names so the lab never shadows a config's address.
struct AddressPool: Sendable {
    private var avoid: [IPPrefix]
    private var nextPublic4: UInt32 = 0xCB00_71C8  // 203.0.113.200 (TEST-NET-3)
    private var nextPublic6: UInt128 = 0x2001_0db8_ffff_0000 << 64 | 0x100
    private var nextNAT4: UInt32 = 0x6440_0000  // 100.64.0.0/10, /30 each
    private var nextNAT6: UInt128 = 0xfdff_0077_0000_0000 << 64

    init(avoiding prefixes: [IPPrefix]) { avoid = prefixes }

    /// Marks `address` as taken.
    mutating func reserve(_ address: IPAddress) { avoid.append(.host(address)) }

    private func free(_ p: IPPrefix) -> Bool { !avoid.contains { $0.overlaps(p) } }

    /// A public IPv4 address for a NAT router or a named host.
    mutating func nextPublicV4() -> IPAddress {
        while true {
            let a = IPAddress.v4(nextPublic4)
            // 203.0.113.254 is the internet router's test address: then 100.127.0.1...
            nextPublic4 = nextPublic4 == 0xCB00_71FD ? 0x647F_0001 : nextPublic4 + 1
            if free(.host(a)) {
                reserve(a)
                return a
            }
        }
    }

    /// A public IPv6 address for a NAT router.
    mutating func nextPublicV6() -> IPAddress {
        while true {
            let a = IPAddress.v6(nextPublic6)
            nextPublic6 += 1
            if free(.host(a)) {
                reserve(a)
                return a
            }
        }
    }

    /// A /30 between a NAT router and its host: (host `/30`, router `/30`).
    mutating func nextPrivateV4() -> (String, String) {
        while true {
            let base = nextNAT4
            nextNAT4 += 4
            let p = IPPrefix(address: .v4(base), length: 30)!
            if free(p) {
                avoid.append(p)
                return ("\(IPAddress.v4(base + 2))/30", "\(IPAddress.v4(base + 1))/30")
            }
        }
    }

    /// A /64 between a NAT router and its host: (host `/64`, router `/64`).
    mutating func nextPrivateV6() -> (String, String) {
        while true {
            let base = nextNAT6
            nextNAT6 += UInt128(1) << 64
            let p = IPPrefix(address: .v6(base), length: 64)!
            if free(p) {
                avoid.append(p)
                return ("\(IPAddress.v6(base + 2))/64", "\(IPAddress.v6(base + 1))/64")
            }
        }
    }
}
