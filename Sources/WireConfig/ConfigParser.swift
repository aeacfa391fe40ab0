/// Reads wg(8) and wg-quick(8) config files into the model, collecting every problem with its location.
///
/// Acceptance follows wireguard-tools: section names and keys match case-insensitively, `#` starts a comment,
/// repeated AllowedIPs/Address/DNS lines accumulate, comma lists may hold spaces, `off` turns off
/// PersistentKeepalive and FwMark, FwMark may be hex or decimal, keys are base64 of exactly 32 bytes, and AllowedIPs
/// with host bits set are masked with a warning. Unlike wg, a ListenPort over 65535 is an error rather than wrapping.
public struct ConfigParser: Sendable {
    /// The result of a parse: the best model that could be built, and every diagnostic in file order.
    public struct Result: Sendable {
        public var config: WireGuardConfig
        public var diagnostics: [ConfigDiagnostic]
        public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }
        public var isValid: Bool { errors.isEmpty }
    }

    /// Which keys are accepted: wg(8)'s alone (as `wg setconf` does), or wg-quick(8)'s superset.
    public enum Dialect: Sendable { case wg, wgQuick }

    public var dialect: Dialect

    public init(dialect: Dialect = .wgQuick) { self.dialect = dialect }

    /// Parses `text`, naming `file` in every diagnostic. Never throws: errors are in the result.
    public func parse(_ text: String, file: String) -> Result {
        var state = ParseState(file: file, dialect: dialect)
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            state.consume(line: rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine, number: lineNumber)
        }
        state.finish()
        var config = state.config
        config.warnings = state.diagnostics.filter { $0.severity == .warning }
        return Result(config: config, diagnostics: state.diagnostics)
    }

    /// Parses and throws `ConfigError` holding every diagnostic when there is any error.
    public func parseStrict(_ text: String, file: String) throws(ConfigError) -> WireGuardConfig {
        let result = parse(text, file: file)
        guard result.isValid else { throw ConfigError(diagnostics: result.diagnostics) }
        return result.config
    }
}

extension WireGuardConfig {
    /// Parses a wg-quick (or wg) config, throwing every error at once.
    public init(parsing text: String, file: String) throws(ConfigError) {
        self = try ConfigParser().parseStrict(text, file: file)
    }
}

/// The line-by-line state of one parse.
private struct ParseState {
    let file: String
    let dialect: ConfigParser.Dialect
    var config = WireGuardConfig()
    var diagnostics: [ConfigDiagnostic] = []

    enum Section { case none, interface, peer, unknown }
    var section = Section.none
    var interfaceOrigin: SectionOrigin?
    /// The peer being read: its fields, and whether a PublicKey was seen.
    var peer: PendingPeer?

    struct PendingPeer {
        var publicKey: WireKey?
        var presharedKey: WireKey?
        var allowedIPs: [IPPrefix] = []
        var endpoint: Endpoint?
        var persistentKeepalive: UInt16?
        var origin: SectionOrigin
    }

    init(file: String, dialect: ConfigParser.Dialect) {
        self.file = file
        self.dialect = dialect
    }

    mutating func error(_ kind: ConfigDiagnostic.Kind, line: Int, column: Int, key: String?, _ message: String) {
        diagnostics.append(.init(.error, kind, at: .init(file: file, line: line, column: column), key: key, message))
    }

    mutating func warning(_ kind: ConfigDiagnostic.Kind, line: Int, column: Int, key: String?, _ message: String) {
        diagnostics.append(.init(.warning, kind, at: .init(file: file, line: line, column: column), key: key, message))
    }

    mutating func consume(line raw: Substring, number: Int) {
        // Everything after '#' is a comment, in wg and wg-quick alike.
        let content = raw.firstIndex(of: "#").map { raw[..<$0] } ?? raw
        let trimmed = content.trimmingSpaces
        if trimmed.isEmpty { return }
        let indent = raw.distance(from: raw.startIndex, to: trimmed.startIndex) + 1

        if trimmed.hasPrefix("[") {
            finishPeer()
            let name = trimmed.filter { !$0.isWhitespace }.lowercased()
            switch name {
            case "[interface]":
                section = .interface
                if interfaceOrigin == nil { interfaceOrigin = SectionOrigin(file: file, line: number) }
            case "[peer]":
                section = .peer
                peer = PendingPeer(origin: SectionOrigin(file: file, line: number))
            default:
                section = .unknown
                error(.unknownSection, line: number, column: indent, key: nil,
                      "unknown section \(trimmed); expected [Interface] or [Peer]")
            }
            return
        }

        guard let eq = trimmed.firstIndex(of: "=") else {
            error(.syntax, line: number, column: indent, key: nil, "expected `Key = Value`, found `\(trimmed)`")
            return
        }
        let keyText = trimmed[..<eq].trimmingSpaces
        let valueSlice = trimmed[trimmed.index(after: eq)...]
        let value = valueSlice.trimmingSpaces
        let valueColumn = raw.distance(from: raw.startIndex, to: value.startIndex) + 1
        let keyName = String(keyText)

        guard let key = ConfigKey(caseInsensitive: keyText) else {
            error(.unknownKey, line: number, column: indent, key: keyName, "unknown key" + suggestion(for: keyName))
            return
        }
        if key.isWgQuickOnly && dialect == .wg {
            error(.unknownKey, line: number, column: indent, key: keyName,
                  "is a wg-quick(8) setting; `wg setconf` rejects it (use `wg-quick strip` or wg-quick)")
            return
        }
        switch (section, key.section) {
        case (.none, _):
            error(.keyOutsideSection, line: number, column: indent, key: keyName,
                  "appears before any [Interface] or [Peer] section")
            return
        case (.unknown, _):
            return  // already reported at the section header
        case (.interface, .peer):
            error(.keyOutsideSection, line: number, column: indent, key: keyName,
                  "belongs in a [Peer] section, not [Interface]")
            return
        case (.peer, .interface):
            error(.keyOutsideSection, line: number, column: indent, key: keyName,
                  "belongs in the [Interface] section, not [Peer]")
            return
        default:
            break
        }

        let at = (line: number, column: valueColumn)
        switch key {
        case .privateKey:
            if let k = parseKey(value, key: keyName, at: at) {
                config.interface.privateKey = k
                markInterface(key, line: number)
            }
        case .listenPort:
            if let p = parsePort(value, key: keyName, at: at) {
                config.interface.listenPort = p == 0 ? nil : p
                markInterface(key, line: number)
            }
        case .fwMark:
            if let m = parseFwMark(value, key: keyName, at: at) {
                config.interface.fwMark = m == 0 ? nil : m
                markInterface(key, line: number)
            }
        case .address:
            for (item, col) in splitList(value, column: valueColumn) {
                guard let p = IPPrefix(item) else {
                    error(.invalidPrefix, line: number, column: col, key: keyName,
                          "`\(item)` is not an address with an optional /prefix")
                    continue
                }
                if !config.interface.addresses.contains(p) { config.interface.addresses.append(p) }
                interfaceOrigin?.prefixLines[p] = number
            }
            markInterface(key, line: number)
        case .dns:
            for (item, _) in splitList(value, column: valueColumn) { config.interface.dns.append(String(item)) }
            markInterface(key, line: number)
        case .mtu:
            guard let m = Int(value), (576...65535).contains(m) || m == 0 else {
                error(.invalidNumber, line: number, column: valueColumn, key: keyName,
                      "`\(value)` is not an MTU (a number from 576 to 65535)")
                return
            }
            config.interface.mtu = m
            markInterface(key, line: number)
        case .table:
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else {
                error(.invalidValue, line: number, column: valueColumn, key: keyName,
                      "expected `off`, `auto` or a routing table name or number")
                return
            }
            config.interface.table = String(value)
            markInterface(key, line: number)
        case .preUp: config.interface.preUp.append(String(value)); markInterface(key, line: number)
        case .postUp: config.interface.postUp.append(String(value)); markInterface(key, line: number)
        case .preDown: config.interface.preDown.append(String(value)); markInterface(key, line: number)
        case .postDown: config.interface.postDown.append(String(value)); markInterface(key, line: number)
        case .saveConfig:
            switch value.lowercased() {
            case "true": config.interface.saveConfig = true
            case "false": config.interface.saveConfig = false
            default:
                error(.invalidValue, line: number, column: valueColumn, key: keyName, "must be `true` or `false`")
                return
            }
            markInterface(key, line: number)
        case .publicKey:
            guard let k = parseKey(value, key: keyName, at: at) else { return }
            if peer?.publicKey != nil {
                error(.duplicatePublicKey, line: number, column: indent, key: keyName,
                      "a second PublicKey in one [Peer] section replaces the first (line "
                          + "\(peer!.origin.keyLines[.publicKey] ?? 0)); start a new [Peer] section before it")
                return
            }
            peer?.publicKey = k
            peer?.origin.keyLines[.publicKey] = number
        case .presharedKey:
            if let k = parseKey(value, key: keyName, at: at) {
                peer?.presharedKey = k.isZero ? nil : k
                peer?.origin.keyLines[.presharedKey] = number
            }
        case .allowedIPs:
            for (item, col) in splitList(value, column: valueColumn) {
                guard let p = IPPrefix(item) else {
                    error(.invalidPrefix, line: number, column: col, key: keyName,
                          "`\(item)` is not an IPv4 or IPv6 prefix (ADDRESS/LENGTH, LENGTH at most 32 or 128)")
                    continue
                }
                let net = p.network
                if net != p {
                    warning(.hostBitsSet, line: number, column: col, key: keyName,
                            "`\(item)` has host bits set; it is taken as \(net), as wg does")
                }
                if peer?.allowedIPs.contains(net) == false { peer?.allowedIPs.append(net) }
                peer?.origin.prefixLines[net] = number
            }
            peer?.origin.keyLines[.allowedIPs] = number
        case .endpoint:
            let compact = value.filter { !$0.isWhitespace }
            guard let e = Endpoint(compact) else {
                error(.invalidEndpoint, line: number, column: valueColumn, key: keyName,
                      "`\(value)` is not HOST:PORT, [IPV6]:PORT or NAME:PORT (a port from 1 to 65535 is required)")
                return
            }
            peer?.endpoint = e
            peer?.origin.keyLines[.endpoint] = number
        case .persistentKeepalive:
            if value.lowercased() == "off" {
                peer?.persistentKeepalive = nil
            } else {
                guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt16(value) else {
                    error(.invalidNumber, line: number, column: valueColumn, key: keyName,
                          "`\(value)` is not `off` or a number of seconds from 0 to 65535")
                    return
                }
                peer?.persistentKeepalive = n == 0 ? nil : n
            }
            peer?.origin.keyLines[.persistentKeepalive] = number
        }
    }

    mutating func markInterface(_ key: ConfigKey, line: Int) {
        interfaceOrigin?.keyLines[key] = line
    }

    mutating func parseKey(_ value: Substring, key: String, at: (line: Int, column: Int)) -> WireKey? {
        if let k = WireKey(base64: String(value)) { return k }
        error(.invalidKey, line: at.line, column: at.column, key: key,
              "not a key: expected 44 characters of base64 encoding exactly 32 bytes (as `wg genkey` prints)")
        return nil
    }

    mutating func parsePort(_ value: Substring, key: String, at: (line: Int, column: Int)) -> UInt16? {
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(value.prefix(6)),
              value.count <= 6, n <= 65535
        else {
            error(.invalidPort, line: at.line, column: at.column, key: key,
                  "`\(value)` is not a port from 0 to 65535 (0 picks a random port)")
            return nil
        }
        return UInt16(n)
    }

    mutating func parseFwMark(_ value: Substring, key: String, at: (line: Int, column: Int)) -> UInt32? {
        if value.lowercased() == "off" { return 0 }
        let parsed: UInt32?
        if value.lowercased().hasPrefix("0x") {
            parsed = UInt32(value.dropFirst(2), radix: 16)
        } else {
            parsed = value.allSatisfy({ $0.isASCII && $0.isNumber }) ? UInt32(value) : nil
        }
        guard let parsed else {
            error(.invalidNumber, line: at.line, column: at.column, key: key,
                  "`\(value)` is not `off` or a 32-bit mark in decimal or 0x-hex")
            return nil
        }
        return parsed
    }

    /// Splits a comma list, trimming spaces, with the column of each item.
    func splitList(_ value: Substring, column: Int) -> [(Substring, Int)] {
        var out: [(Substring, Int)] = []
        var start = value.startIndex
        while true {
            let end = value[start...].firstIndex(of: ",") ?? value.endIndex
            let item = value[start..<end].trimmingSpaces
            if !item.isEmpty {
                out.append((item, column + value.distance(from: value.startIndex, to: item.startIndex)))
            }
            if end == value.endIndex { break }
            start = value.index(after: end)
        }
        return out
    }

    func suggestion(for name: String) -> String {
        let lower = name.lowercased().filter { $0.isLetter }
        if let close = ConfigKey.allCases.first(where: { $0.rawValue.lowercased() == lower }) {
            return "; did you mean `\(close.rawValue)`?"
        }
        let known = ConfigKey.allCases.filter { dialect == .wgQuick || !$0.isWgQuickOnly }.map(\.rawValue)
        return " (known keys: \(known.joined(separator: ", ")))"
    }

    mutating func finishPeer() {
        guard let p = peer else { return }
        peer = nil
        guard let key = p.publicKey else {
            error(.missingPublicKey, line: p.origin.line, column: 1, key: nil, "[Peer] section has no PublicKey")
            return
        }
        if let own = config.interface.privateKey?.publicKey, own == key {
            error(.ownPublicKey, line: p.origin.keyLines[.publicKey] ?? p.origin.line, column: 1, key: "PublicKey",
                  "is this interface's own public key; a peer must be another host's key")
        }
        config.peers.append(PeerConfig(publicKey: key, presharedKey: p.presharedKey, allowedIPs: p.allowedIPs,
                                       endpoint: p.endpoint, persistentKeepalive: p.persistentKeepalive,
                                       origin: p.origin))
    }

    mutating func finish() {
        finishPeer()
        config.interface.origin = interfaceOrigin
        // The own-key check must also see peers read before the PrivateKey line.
        if let own = config.interface.privateKey?.publicKey {
            for p in config.peers where p.publicKey == own
                && !diagnostics.contains(where: { $0.kind == .ownPublicKey
                    && $0.location.line == (p.origin?.keyLines[.publicKey] ?? 0) }) {
                error(.ownPublicKey, line: p.origin?.keyLines[.publicKey] ?? p.origin?.line ?? 0, column: 1,
                      key: "PublicKey", "is this interface's own public key; a peer must be another host's key")
            }
        }
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}

extension Substring {
    /// The slice without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
