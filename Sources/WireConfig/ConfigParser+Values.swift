import WireNet

/// The value syntax of each key, as wireguard-tools' config.c (`parse_port`, `parse_fwmark`, `parse_key`,
/// `parse_allowedips`, `parse_endpoint`, `parse_persistent_keepalive`) and wg-quick's `parse_options` accept it.
extension ParseState {
    /// Handles a key that `wg setconf` reads; `value` has had every space removed, as wg removes them.
    mutating func consumeWg(_ key: ConfigKey, name: String, value: WgValue, line: ConfigLine) {
        let n = line.number
        let text = value.text
        switch key {
        case .privateKey:
            guard let k = parseKey(value, key: name, line: n) else { return }
            noteRepeat(key, name: name, line: line, previous: interfaceOrigin?.keyLines[key])
            config.interface.privateKey = k.isZero ? nil : k
            interfaceOrigin?.keyLines[key] = n
        case .listenPort:
            guard let p = parseNumber(text, max: 65535) else {
                let wrapped = text.allSatisfy(\.isASCIIDigit) ? wrappedPortNote(text) : ""
                error(
                    .invalidPort, line: n, column: value.column, key: name,
                    "\(Redaction.quoted(text)) is not a port from 0 to 65535 (0 picks a random port)\(wrapped)")
                return
            }
            noteRepeat(key, name: name, line: line, previous: interfaceOrigin?.keyLines[key])
            config.interface.listenPort = p == 0 ? nil : UInt16(p)
            interfaceOrigin?.keyLines[key] = n
        case .fwMark:
            guard let m = parseFwMark(text) else {
                error(
                    .invalidNumber, line: n, column: value.column, key: name,
                    "\(Redaction.quoted(text)) is not `off` or a mark from 0 to 0xffffffff (decimal, or hex after `0x`)"
                )
                return
            }
            noteRepeat(key, name: name, line: line, previous: interfaceOrigin?.keyLines[key])
            config.interface.fwMark = m == 0 ? nil : m
            interfaceOrigin?.keyLines[key] = n
        case .publicKey:
            guard let k = parseKey(value, key: name, line: n) else { return }
            if let first = peer?.origin.keyLines[.publicKey] {
                error(
                    .duplicatePublicKey, line: n, column: line.firstColumn, key: name,
                    "a second PublicKey in one [Peer] section (the first is on line \(first)); "
                        + "wg would silently keep only this one: start a new [Peer] section before it")
                return
            }
            peer?.publicKey = k
            peer?.origin.keyLines[.publicKey] = n
        case .presharedKey:
            guard let k = parseKey(value, key: name, line: n) else { return }
            noteRepeat(key, name: name, line: line, previous: peer?.origin.keyLines[key])
            peer?.presharedKey = k.isZero ? nil : k
            peer?.origin.keyLines[key] = n
        case .allowedIPs:
            let items = value.split(separator: ",")
            guard items.count <= InputLimits.entriesPerLine else {
                tooManyEntries(line: n, column: value.column, key: name)
                return
            }
            guard countEntries(items.count, line: n, column: value.column, key: name) else { return }
            for item in items {
                guard let p = parseAllowedIP(item.text) else {
                    let what = item.isEmpty ? "an empty entry (a stray comma)" : Redaction.quoted(item.text)
                    error(
                        .invalidPrefix, line: n, column: item.column, key: name,
                        "\(what) is not an IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH, LENGTH at most 32 or 128)")
                    continue
                }
                let net = p.network
                if net != p {
                    warning(
                        .hostBitsSet, line: n, column: item.column, key: name,
                        "\(Redaction.quoted(item.text)) has host bits set; it is taken as \(net), as wg does")
                }
                // A repeated entry moves to the end, as the kernel and wireguard-go re-insert it.
                if peer != nil {
                    peer!.allowedSequence += 1
                    peer!.allowedOrder[net] = peer!.allowedSequence
                }
                peer?.origin.prefixLines[net] = n
            }
            peer?.origin.keyLines[key] = n
        case .endpoint:
            switch Endpoint.parse(text) {
            case .success(let e):
                if case .address = e.host, e.port == 0 {
                    warning(
                        .invalidPort, line: n, column: value.column, key: name,
                        "port 0: the peer can never be reached there")
                }
                noteRepeat(key, name: name, line: line, previous: peer?.origin.keyLines[key])
                if let previous = peer?.origin.keyLines[key], let replaced = peer?.endpoint {
                    peer?.origin.replacedEndpoints[previous] = replaced
                }
                peer?.endpoint = e
                peer?.origin.keyLines[key] = n
            case .failure(let problem):
                let kind: ConfigDiagnostic.Kind
                switch problem {
                case .portNotNumeric, .portOutOfRange, .missingPort: kind = .invalidPort
                default: kind = .invalidEndpoint
                }
                error(kind, line: n, column: value.column, key: name, problem.description)
            }
        case .persistentKeepalive:
            let seconds: Int?
            if text.lowercased() == "off" { seconds = 0 } else { seconds = parseNumber(text, max: 65535) }
            guard let seconds else {
                error(
                    .invalidNumber, line: n, column: value.column, key: name,
                    "\(Redaction.quoted(text)) is not `off` or a number of seconds from 0 to 65535")
                return
            }
            noteRepeat(key, name: name, line: line, previous: peer?.origin.keyLines[key])
            peer?.persistentKeepalive = seconds == 0 ? nil : UInt16(seconds)
            peer?.origin.keyLines[key] = n
        default:
            break  // wg-quick keys never reach here
        }
    }

    /// Handles a key wg-quick takes out of the file before wg sees it; `line.quickValue` is trimmed only.
    mutating func consumeWgQuick(_ key: ConfigKey, line: ConfigLine) {
        let name = line.quickKey
        let value = line.quickValue
        let n = line.number
        let column = line.quickValueColumn
        interfaceOrigin = interfaceOrigin ?? SectionOrigin(file: file, line: n)
        switch key {
        case .address:
            let words = quickWords(value, column: column)
            guard words.count <= InputLimits.entriesPerLine else {
                tooManyEntries(line: n, column: column, key: name)
                return
            }
            guard countEntries(words.count, line: n, column: column, key: name) else { return }
            for (item, col) in words {
                guard let p = IPPrefix(item) else {
                    error(
                        .invalidPrefix, line: n, column: col, key: name,
                        "\(Redaction.quoted(item)) is not an address with an optional /prefix")
                    continue
                }
                if addressSet.insert(p).inserted { config.interface.addresses.append(p) }
                interfaceOrigin?.prefixLines[p] = n
            }
        case .dns:
            let words = quickWords(value, column: column)
            guard words.count <= InputLimits.entriesPerLine else {
                tooManyEntries(line: n, column: column, key: name)
                return
            }
            guard countEntries(words.count, line: n, column: column, key: name) else { return }
            for (item, col) in words {
                // A DNS entry is an address or a search domain; one shaped like a key is a paste in the wrong place.
                if IPAddress(item) == nil && Redaction.isKeyShaped(item) {
                    error(
                        .invalidValue, line: n, column: col, key: name,
                        "\(Redaction.quoted(item)) is neither a DNS server address nor a search domain")
                    continue
                }
                config.interface.dns.append(item)
            }
        case .mtu:
            noteRepeat(key, name: name, line: line, previous: interfaceOrigin?.keyLines[key])
            if value.isEmpty {
                config.interface.mtu = nil
            } else if let m = parseNumber(value, max: 65535), m >= 576 || m == 0 {
                config.interface.mtu = m == 0 ? nil : m
            } else {
                error(
                    .invalidNumber, line: n, column: column, key: name,
                    "\(Redaction.quoted(value)) is not an MTU (a number from 576 to 65535)")
                return
            }
        case .table:
            noteRepeat(key, name: name, line: line, previous: interfaceOrigin?.keyLines[key])
            if value.contains(where: ConfigLine.isSpace) {
                error(
                    .invalidValue, line: n, column: column, key: name,
                    "expected `off`, `auto` or a routing table name or number")
                return
            }
            if !value.isEmpty && !Self.isRoutingTable(value) {
                error(
                    .invalidValue, line: n, column: column, key: name,
                    "wg-quick up fails: `ip route` knows only `off`, `auto`, a number from 0 to 4294967295 or "
                        + "main, local, default, unspec (other names only when /etc/iproute2/rt_tables defines them)")
                return
            }
            config.interface.table = value.isEmpty ? nil : value
        case .preUp: config.interface.preUp.append(value)
        case .postUp: config.interface.postUp.append(value)
        case .preDown: config.interface.preDown.append(value)
        case .postDown: config.interface.postDown.append(value)
        case .saveConfig:
            switch value.lowercased() {
            case "true": config.interface.saveConfig = true
            case "false": config.interface.saveConfig = false
            default:
                error(.invalidValue, line: n, column: column, key: name, "must be `true` or `false` (wg-quick stops)")
                return
            }
        default:
            break  // wg keys never reach here
        }
        interfaceOrigin?.keyLines[key] = n
    }

    /// The error for a list line with more entries than `InputLimits.entriesPerLine`.
    mutating func tooManyEntries(line: Int, column: Int, key: String) {
        error(
            .tooLarge, line: line, column: column, key: key,
            "more than \(InputLimits.entriesPerLine) entries on one line, the limit (docs/limits.md); "
                + "the line was not read")
    }

    /// Counts a line's entries against `InputLimits.configEntries`; past it, an error and the parse stops.
    mutating func countEntries(_ count: Int, line: Int, column: Int, key: String) -> Bool {
        entries += count
        guard entries > InputLimits.configEntries else { return true }
        error(
            .tooLarge, line: line, column: column, key: key,
            "more than \(InputLimits.configEntries) AllowedIPs, Address and DNS entries in the file, the limit "
                + "(docs/limits.md); the rest was not read")
        stopped = true
        return false
    }

    /// A Table value wg-quick's `ip route add ... table VALUE` accepts on a stock system (iproute2's rt_tables).
    static func isRoutingTable(_ value: String) -> Bool {
        if ["off", "auto", "main", "local", "default", "unspec"].contains(value) { return true }
        guard value.allSatisfy(\.isASCIIDigit), value.count <= 10, let n = UInt64(value) else { return false }
        return n <= UInt64(UInt32.max)
    }

    /// A warning when a single-valued key is set again: the later line wins, silently in wg.
    mutating func noteRepeat(_ key: ConfigKey, name: String, line: ConfigLine, previous: Int?) {
        guard let previous, previous != line.number else { return }
        warning(
            .duplicateKey, line: line.number, column: line.firstColumn, key: name,
            "set again; this replaces the value on line \(previous)")
    }

    mutating func parseKey(_ value: WgValue, key: String, line: Int) -> WireKey? {
        if let k = WireKey(base64: value.text) { return k }
        error(
            .invalidKey, line: line, column: value.column, key: key,
            "not a key: expected 44 characters of base64 encoding exactly 32 bytes, as `wg genkey` prints "
                + "(\(value.text.count) characters given)")
        return nil
    }

    /// wg's ListenPort wraps modulo 65536 (getaddrinfo's service parsing); say what it would have used.
    func wrappedPortNote(_ text: String) -> String {
        guard let big = UInt64(text.drop { $0 == "0" }.prefix(18)), big > 65535 else { return "" }
        return "; wg would silently use \(big % 65536)"
    }
}

/// Number syntax shared by the keys.
extension ParseState {
    /// Decimal digits only (leading zeros allowed, as strtoul allows them), at most `max`.
    func parseNumber(_ text: String, max: Int) -> Int? {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else { return nil }
        let significant = text.drop { $0 == "0" }
        guard significant.count <= 18 else { return nil }
        let n = significant.isEmpty ? 0 : Int(significant)!
        return n <= max ? n : nil
    }

    /// `off`, decimal, or lowercase `0x` then hex digits (config.c `parse_fwmark`), at most 0xffffffff.
    func parseFwMark(_ text: String) -> UInt32? {
        if text.lowercased() == "off" { return 0 }
        if text.count > 2 && text.hasPrefix("0x") {
            let digits = text.dropFirst(2)
            guard digits.allSatisfy(\.isHexDigit), digits.allSatisfy(\.isASCII) else { return nil }
            let significant = digits.drop { $0 == "0" }
            guard significant.count <= 8 else { return nil }
            return significant.isEmpty ? 0 : UInt32(significant, radix: 16)
        }
        return parseNumber(text, max: Int(UInt32.max)).map { UInt32($0) }
    }

    /// `ADDRESS[/LENGTH]` as config.c `parse_allowedips` takes it: the family is IPv6 when the text holds a `:`,
    /// the length is decimal digits (leading zeros allowed); a bare address is a host route.
    func parseAllowedIP(_ text: String) -> IPPrefix? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = parts[0]
        let address: IPAddress?
        if addressText.contains(":" as Character) {
            address = IPAddress.parseV6(String(addressText)).map { .v6($0) }
        } else {
            address = IPAddress.parseV4(addressText).map { .v4($0) }
        }
        guard let address else { return nil }
        guard parts.count == 2 else { return .host(address) }
        guard let length = parseNumber(String(parts[1]), max: address.bitWidth) else { return nil }
        return IPPrefix(address: address, length: length)
    }

    /// wg-quick's `${value//,/ }` word split: commas and spaces both separate, empty words vanish.
    func quickWords(_ value: String, column: Int) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = ""
        var start = column
        for (i, c) in value.enumerated() {
            if c == "," || ConfigLine.isSpace(c) {
                if !current.isEmpty { out.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = column + i }
                current.append(c)
            }
        }
        if !current.isEmpty { out.append((current, start)) }
        return out
    }
}

extension Character {
    /// True for `0`...`9` only (not other Unicode digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
