import WireNet

/// A peer's UDP endpoint: `1.2.3.4:51820`, `[fd00::1]:51820` or `host.example:51820` (wg(8) "Endpoint").
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// Where the peer is: a literal address, or a name that wg resolves when the config is set.
    public enum Host: Hashable, Sendable {
        case address(IPAddress)
        case name(String)
    }

    /// The address or name.
    public var host: Host
    /// The UDP port.
    public var port: UInt16

    /// An endpoint from its parts.
    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Why a text is not an endpoint; `description` is the message a config diagnostic shows.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// `[` without a matching `]`.
        case unmatchedBracket
        /// No `:PORT` after the host (wg: "Unable to find port of endpoint").
        case missingPort
        /// An IPv6 address without brackets; wg guesses at the last `:`, we ask for `[ADDR]:PORT`.
        case unbracketedIPv6(String)
        /// A port that is not a decimal number (wg would look service names up in /etc/services).
        case portNotNumeric(String)
        /// A port over 65535 (wg silently takes it modulo 65536).
        case portOutOfRange(String)
        /// An IPv6 address with a `%zone`; wg drops the zone, so it cannot mean what it says.
        case scopedAddress(String)
        /// Brackets around something that is not an address.
        case bracketedName(String)
        /// Digits and dots (or 0x-hex) that are not a dotted quad: the resolver would read `010` as octal.
        case legacyNumericAddress(String)
        /// A host that is neither an address nor a DNS name.
        case invalidHostname(String)

        /// The message a config diagnostic shows.
        public var description: String {
            switch self {
            case .unmatchedBracket: return "`[` has no matching `]`"
            case .missingPort: return "needs a port: HOST:PORT, [IPV6]:PORT or NAME:PORT"
            case .unbracketedIPv6(let h):
                return "IPv6 address \(Redaction.quoted(h)) needs brackets: [ADDRESS]:PORT (wg would split at "
                    + "the last `:`)"
            case .portNotNumeric(let p): return "port \(Redaction.quoted(p)) is not a number from 0 to 65535"
            case .portOutOfRange(let p):
                let wrapped = UInt64(p).map { " (wg would silently use \($0 % 65536))" } ?? ""
                return "port \(Redaction.isKeyShaped(p) ? Redaction.withheld(p.count) : p) is over 65535\(wrapped)"
            case .scopedAddress(let h):
                return "\(Redaction.quoted(h)): scoped addresses (%zone) are not supported; wg drops the zone"
            case .bracketedName(let h):
                return "\(Redaction.quoted("[" + h + "]")): only an IP address may stand in brackets"
            case .legacyNumericAddress(let h):
                return "\(Redaction.quoted(h)) is not a dotted-quad IPv4 address (the resolver would read legacy "
                    + "forms such as octal)"
            case .invalidHostname(let h): return "\(Redaction.quoted(h)) is neither an IP address nor a DNS name"
            }
        }
    }

    /// Parses `HOST:PORT`, `[V6]:PORT` or `NAME:PORT`, saying what is wrong.
    ///
    /// Splits as wireguard-tools' `parse_endpoint` does (at `]:` or the last `:`), but is stricter where wg's
    /// getaddrinfo call would silently reinterpret: ports must be decimal 0...65535, IPv6 needs brackets, numeric
    /// hosts must be dotted quads, and zones are refused.
    public static func parse(_ text: some StringProtocol) -> Result<Endpoint, Problem> {
        let s = String(text)
        let hostPart: Substring
        let portPart: Substring
        let bracketed = s.hasPrefix("[")
        if bracketed {
            guard let close = s.firstIndex(of: "]") else { return .failure(.unmatchedBracket) }
            hostPart = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            guard rest.hasPrefix(":"), rest.count > 1 else { return .failure(.missingPort) }
            portPart = rest.dropFirst()
        } else {
            guard let colon = s.lastIndex(of: ":"), s.index(after: colon) != s.endIndex else {
                return .failure(.missingPort)
            }
            hostPart = s[..<colon]
            portPart = s[s.index(after: colon)...]
            if hostPart.contains(":" as Character) { return .failure(.unbracketedIPv6(String(hostPart))) }
        }
        guard portPart.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(.portNotNumeric(String(portPart)))
        }
        let significant = portPart.drop { $0 == "0" }
        guard significant.count <= 5, let number = significant.isEmpty ? 0 : Int(significant), number <= 65535
        else { return .failure(.portOutOfRange(String(portPart))) }
        let port = UInt16(number)
        if let addr = IPAddress(hostPart) { return .success(Endpoint(host: .address(addr), port: port)) }
        if hostPart.contains("%" as Character) { return .failure(.scopedAddress(String(hostPart))) }
        if bracketed { return .failure(.bracketedName(String(hostPart))) }
        if Endpoint.looksNumeric(hostPart) { return .failure(.legacyNumericAddress(String(hostPart))) }
        guard !hostPart.isEmpty, Endpoint.isValidHostname(hostPart) else {
            return .failure(.invalidHostname(String(hostPart)))
        }
        return .success(Endpoint(host: .name(String(hostPart)), port: port))
    }

    /// Parses `HOST:PORT` or `[V6]:PORT`; nil where `parse` reports a problem.
    public init?(_ text: some StringProtocol) {
        guard case .success(let e) = Endpoint.parse(text) else { return nil }
        self = e
    }

    /// True for hosts that inet_aton would take as a number (`127.1`, `010.0.0.1`, `0x7f000001`).
    static func looksNumeric(_ s: Substring) -> Bool {
        if s.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return true }
        let lower = s.lowercased()
        return lower.hasPrefix("0x") && lower.allSatisfy { $0 == "." || $0 == "x" || $0.isHexDigit }
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

    /// `1.2.3.4:51820`, `[fd00::1]:51820` or `name:51820`, as `wg showconf` prints a literal endpoint.
    public var description: String {
        switch host {
        case .address(let a) where a.isIPv6: return "[\(a)]:\(port)"
        case .address(let a): return "\(a):\(port)"
        case .name(let n): return "\(n):\(port)"
        }
    }
}
