/// A peer's UDP endpoint: `1.2.3.4:51820`, `[fd00::1]:51820` or `host.example:51820` (wg(8) "Endpoint").
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// Where the peer is: a literal address, or a name that wg resolves when the config is set.
    public enum Host: Hashable, Sendable {
        case address(IPAddress)
        case name(String)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[V6]:PORT`. A port is required, as wg requires it.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        let hostPart: Substring
        let portPart: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            hostPart = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = s.lastIndex(of: ":") else { return nil }
            hostPart = s[..<colon]
            portPart = s[s.index(after: colon)...]
            // An unbracketed IPv6 literal is ambiguous; wg requires brackets.
            if hostPart.contains(":") { return nil }
        }
        guard !hostPart.isEmpty, !portPart.isEmpty, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portPart)
        else { return nil }
        if let addr = IPAddress(hostPart) {
            self.init(host: .address(addr), port: port)
        } else {
            guard Endpoint.isValidHostname(hostPart) else { return nil }
            self.init(host: .name(String(hostPart)), port: port)
        }
    }

    /// A DNS name of letters, digits, hyphens, underscores and dots.
    static func isValidHostname(_ s: Substring) -> Bool {
        guard s.count <= 253 else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    /// The address, when the endpoint is a literal.
    public var address: IPAddress? {
        if case .address(let a) = host { return a }
        return nil
    }

    public var description: String {
        switch host {
        case .address(let a) where a.isIPv6: return "[\(a)]:\(port)"
        case .address(let a): return "\(a):\(port)"
        case .name(let n): return "\(n):\(port)"
        }
    }
}
