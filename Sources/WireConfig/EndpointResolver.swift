import WireNet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns an Endpoint name into the address `wg setconf` would set, the only host lookup in this module.
///
/// wg resolves a name once, when the config is set (config.c `parse_endpoint`): getaddrinfo(3) with `AF_UNSPEC`,
/// `SOCK_DGRAM`, `IPPROTO_UDP` and no flags, taking the first answer. `system` makes the same call, so `showconf`
/// prints what `wg showconf` prints on the same host (same /etc/hosts, same DNS, same address preference).
public struct EndpointResolver: Sendable {
    /// Why a name did not resolve: the resolver's own message (gai_strerror).
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The name that did not resolve.
        public var name: String
        /// The resolver's reason (gai_strerror text).
        public var reason: String
        /// A failure for `name`.
        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
        /// `cannot resolve `NAME`: REASON`.
        public var description: String { "cannot resolve `\(name)`: \(reason)" }
    }

    /// Resolves a name for a UDP port.
    public var resolve: @Sendable (_ name: String, _ port: UInt16) -> Result<IPAddress, Failure>

    /// A resolver from a function (for tests, or for callers with their own lookup).
    public init(resolve: @escaping @Sendable (_ name: String, _ port: UInt16) -> Result<IPAddress, Failure>) {
        self.resolve = resolve
    }

    /// A fixed table, for tests and for callers that resolved names themselves.
    public static func table(_ names: [String: IPAddress]) -> EndpointResolver {
        EndpointResolver { name, _ in
            names[name].map { .success($0) } ?? .failure(Failure(name: name, reason: "not in the table"))
        }
    }

    /// The host's resolver, called exactly as wg calls it. The corresponding C function is `getaddrinfo`.
    public static let system = EndpointResolver { name, port in
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        #else
            hints.ai_socktype = SOCK_DGRAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_UDP)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, String(port), &hints, &result)
        guard status == 0, let first = result else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(Failure(name: name, reason: reason))
        }
        defer { freeaddrinfo(result) }
        let info = first.pointee
        guard let sockaddr = info.ai_addr else { return .failure(Failure(name: name, reason: "no address")) }
        if info.ai_family == AF_INET, Int(info.ai_addrlen) == MemoryLayout<sockaddr_in>.size {
            let sin = UnsafeRawPointer(sockaddr).loadUnaligned(as: sockaddr_in.self)
            return .success(.v4(UInt32(bigEndian: sin.sin_addr.s_addr)))
        }
        if info.ai_family == AF_INET6, Int(info.ai_addrlen) == MemoryLayout<sockaddr_in6>.size {
            let sin6 = UnsafeRawPointer(sockaddr).loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            return .success(.v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }))
        }
        return .failure(Failure(name: name, reason: "neither an IPv4 nor an IPv6 address found"))
    }
}
