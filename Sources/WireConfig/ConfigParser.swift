import WireNet

/// Reads wg(8) and wg-quick(8) config files into the model, collecting every problem with its location.
///
/// Acceptance follows wireguard-tools (config.c `config_read_line`/`process_line`, wg-quick `parse_options`):
/// section names and keys match case-insensitively, `#` starts a comment, wg deletes every space inside a line
/// (so `Allowed IPs = 10.0.0.0 /8` is accepted) while wg-quick only trims its own keys, repeated AllowedIPs/Address/DNS
/// lines accumulate, `off` turns off PersistentKeepalive and FwMark, FwMark may be `0x`-hex or decimal, keys are base64
/// of exactly 32 bytes, and AllowedIPs with host bits set are masked with a warning.
///
/// Everything wg (or `wg-quick strip`) rejects is an error here too. Where wg silently reinterprets, this parser is
/// stricter and says so: a ListenPort or Endpoint port over 65535 (wg wraps it), a port given as a service name, an
/// unbracketed IPv6 Endpoint, a numeric Endpoint host that is not a dotted quad (`127.1`, `010.0.0.1`), an Endpoint
/// with a `%zone` or a name in brackets, a second PublicKey in one [Peer] section (wg keeps the last), a peer whose
/// PublicKey is the interface's own (wg ignores that peer), a NUL byte, and wg-quick values that `wg-quick up` would
/// fail on (Address, MTU, Table). The differential tests (Tests/WireConfigTests/Differential) check both halves
/// against the real tools.
///
/// Warnings (the file still works): host bits in AllowedIPs, a single-valued key set twice, two [Peer] sections with
/// one PublicKey (wg merges them), a prefix listed by two peers (the later one takes it), an Endpoint port 0.
public struct ConfigParser: Sendable {
    /// The result of a parse: the best model that could be built, and every diagnostic in file order.
    public struct Result: Sendable {
        /// The model, as complete as the valid lines allow.
        public var config: WireGuardConfig
        /// Every error and warning in file order.
        public var diagnostics: [ConfigDiagnostic]
        /// The public key of the interface's PrivateKey, derived once by the parse (an X25519 multiplication;
        /// callers that need it should take it from here rather than derive it again).
        public var publicKey: WireKey? = nil
        /// The errors alone.
        public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
        /// The warnings alone.
        public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }
        /// True when there is no error (warnings allowed).
        public var isValid: Bool { errors.isEmpty }
    }

    /// Which keys are accepted: wg(8)'s alone (as `wg setconf` does), or wg-quick(8)'s superset.
    public enum Dialect: Sendable { case wg, wgQuick }

    /// The keys this parser accepts.
    public var dialect: Dialect

    /// A parser for `dialect` (wg-quick's superset by default).
    public init(dialect: Dialect = .wgQuick) { self.dialect = dialect }

    /// Parses `text`, naming `file` in every diagnostic. Never throws: errors are in the result.
    ///
    /// Past a limit of `InputLimits` (bytes, lines, peers, entries on a line or in the file) the parse stops with an
    /// error at the place the limit was crossed; below them it runs in time linear in the size of the text.
    public func parse(_ text: String, file: String) -> Result {
        var state = ParseState(file: file, dialect: dialect)
        var text = text
        text.makeContiguousUTF8()
        _ = text.utf8.withContiguousStorageIfAvailable { all in
            var utf8 = all[...]
            if utf8.count > InputLimits.configBytes {
                state.error(
                    .tooLarge, line: 1, column: 1, key: nil,
                    "the file is larger than \(InputLimits.bytes(InputLimits.configBytes)), the limit for a config "
                        + "(docs/limits.md); it was not read")
                utf8 = utf8.prefix(0)
            }
            if utf8.starts(with: [0xEF, 0xBB, 0xBF]) {
                // wg reads the mark as part of `[Interface]` ("Line unrecognized") and wg-quick's `[[ $line ==
                // [Interface] ]]` does not match it: both refuse the file. The rest is read without it, for its own
                // diagnostics.
                state.error(
                    .byteOrderMark, line: 1, column: 1, key: nil,
                    "the file starts with a UTF-8 byte-order mark (bytes EF BB BF); wg rejects the first line "
                        + "(`Line unrecognized`) and wg-quick does not see [Interface]: save the file without it")
                utf8 = utf8.dropFirst(3)
            }
            // Split on LF bytes, as getline(3) and bash's `read` do; a CR before it is a space to both tools.
            var lineNumber = 0
            var start = utf8.startIndex
            while true {
                var end = start
                while end < utf8.endIndex && utf8[end] != UInt8(ascii: "\n") { end += 1 }
                lineNumber += 1
                if lineNumber > InputLimits.configLines {
                    state.error(
                        .tooLarge, line: lineNumber, column: 1, key: nil,
                        "the file has more than \(InputLimits.configLines) lines, the limit for a config "
                            + "(docs/limits.md); the rest was not read")
                    break
                }
                state.consume(ConfigLine(bytes: UnsafeBufferPointer(rebasing: all[start..<end]), number: lineNumber))
                if state.stopped || end == utf8.endIndex { break }
                start = end + 1
            }
        }
        state.finish()
        var config = state.config
        config.warnings = state.diagnostics.filter { $0.severity == .warning }
        return Result(config: config, diagnostics: state.diagnostics, publicKey: state.publicKey)
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
struct ParseState {
    let file: String
    let dialect: ConfigParser.Dialect
    var config = WireGuardConfig()
    var diagnostics: [ConfigDiagnostic] = []
    /// The interface's public key, derived in `finish`.
    var publicKey: WireKey?

    enum Section { case none, interface, peer, unknown }
    /// The section as wg sees it.
    var section = Section.none
    /// Whether wg-quick sees the current section as [Interface] (it compares the trimmed header text exactly).
    var quickInInterface = false
    /// Line of the last header wg took as [Interface] but wg-quick did not (e.g. `[ Interface ]`).
    var headerWgQuickMissed: Int?
    var interfaceOrigin: SectionOrigin?
    /// The peer being read.
    var peer: PendingPeer?
    /// Index in `config.peers` of the first section of each public key, for the duplicate-peer warning.
    var firstSection: [WireKey: Int] = [:]
    /// Index in `config.peers` of the last peer that listed each prefix, for the duplicate-prefix warning.
    var prefixOwner: [IPPrefix: Int] = [:]
    /// The members of `config.interface.addresses`, so that a repeat is found without a scan.
    var addressSet: Set<IPPrefix> = []
    /// `[Peer]` headers seen, against `InputLimits.configPeers`.
    var peerSections = 0
    /// AllowedIPs, Address and DNS entries seen, against `InputLimits.configEntries`.
    var entries = 0
    /// Set when a limit is crossed: the rest of the file is not read.
    var stopped = false

    struct PendingPeer {
        var publicKey: WireKey?
        var presharedKey: WireKey?
        /// Each prefix with the sequence number of its latest listing: a repeated entry moves to the end, as the
        /// kernel and wireguard-go re-insert it. Sorted once when the section ends, so repeats cost no scan.
        var allowedOrder: [IPPrefix: Int] = [:]
        var allowedSequence = 0
        /// The prefixes in the order wg keeps them.
        var allowedIPs: [IPPrefix] { allowedOrder.sorted { $0.value < $1.value }.map(\.key) }
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

    mutating func consume(_ line: ConfigLine) {
        if let column = line.nulColumn {
            // wg's C strings end at the NUL, while bash's `read` drops it: the two would read different lines.
            error(
                .syntax, line: line.number, column: column, key: nil,
                "holds a NUL byte (wg would cut the line there, wg-quick would delete it)")
            return
        }
        if line.isBlank { return }
        // wg-quick's view first: it tracks [Interface] by the trimmed key and takes its own keys out of the file.
        if line.quickKey.hasPrefix("[") { quickInInterface = line.quickKey.lowercased() == "[interface]" }
        if dialect == .wgQuick, quickInInterface, let key = ConfigKey(caseInsensitive: line.quickKey),
            key.isWgQuickOnly
        {
            consumeWgQuick(key, line: line)
            return
        }

        // What is left goes to `wg setconf`, which sees the line with every space removed.
        if line.wgStartsWithBracket {
            consumeHeader(line.wgText, line: line)
            return
        }
        guard let (keyText, value) = line.wgKeyValue else {
            error(
                .syntax, line: line.number, column: line.firstColumn, key: nil,
                "expected `Key = Value` or a section header, found \(Redaction.quoted(line.quickKey))")
            return
        }
        let column = line.firstColumn
        guard let key = ConfigKey(caseInsensitive: keyText) else {
            let lower = keyText.lowercased()
            if let glued = ConfigKey.allCases.first(where: { lower.hasPrefix($0.rawValue.lowercased()) }) {
                // `PrivateKey: abc...=` or `PrivateKey abc...=`: the value ran into the key; never echo it.
                error(
                    .unknownKey, line: line.number, column: column, key: glued.rawValue + "…",
                    "unknown key: the text after `\(glued.rawValue)` runs into the key (a space or `:` where `=` "
                        + "belongs?)")
            } else if Self.mayEcho(name: keyText) {
                error(
                    .unknownKey, line: line.number, column: column, key: keyText,
                    "unknown key" + suggestion(for: keyText))
            } else {
                error(
                    .unknownKey, line: line.number, column: column, key: nil,
                    "unknown key of \(keyText.count) characters (not shown: it is shaped like a key)")
            }
            return
        }
        if key.isWgQuickOnly {
            error(
                section == .peer || section == .none ? .keyOutsideSection : .unknownKey,
                line: line.number, column: column, key: keyText, wgQuickKeyRejection(key, line: line))
            return
        }
        switch (section, key.section) {
        case (.none, _):
            error(
                .keyOutsideSection, line: line.number, column: column, key: keyText,
                "appears before any [Interface] or [Peer] section")
            return
        case (.unknown, _):
            return  // already reported at the section header
        case (.interface, .peer):
            error(
                .keyOutsideSection, line: line.number, column: column, key: keyText,
                "belongs in a [Peer] section, not [Interface]")
            return
        case (.peer, .interface):
            error(
                .keyOutsideSection, line: line.number, column: column, key: keyText,
                "belongs in the [Interface] section, not [Peer]")
            return
        default:
            break
        }
        guard !value.isEmpty else {
            error(.syntax, line: line.number, column: value.column, key: keyText, "has no value (wg rejects the line)")
            return
        }
        consumeWg(key, name: keyText, value: value, line: line)
    }

    /// Why a wg-quick key reached wg, which rejects it.
    func wgQuickKeyRejection(_ key: ConfigKey, line: ConfigLine) -> String {
        if dialect == .wg {
            return "is a wg-quick(8) setting; `wg setconf` rejects it (use `wg-quick strip` or wg-quick)"
        }
        switch section {
        case .none: return "appears before any [Interface] section"
        case .peer: return "belongs in the [Interface] section, not [Peer]"
        default: break
        }
        if ConfigKey(caseInsensitive: line.quickKey) == nil {
            return "wg-quick only knows `\(key.rawValue)` written without spaces inside; it passes the line to wg, "
                + "which rejects it"
        }
        let header = headerWgQuickMissed.map { " on line \($0)" } ?? ""
        return "wg-quick does not see the section header\(header) as [Interface] (write it exactly `[Interface]`), "
            + "so it passes the line to wg, which rejects it"
    }

    mutating func consumeHeader(_ text: String, line: ConfigLine) {
        finishPeer()
        switch text.lowercased() {
        case "[interface]":
            section = .interface
            if !quickInInterface { headerWgQuickMissed = line.number }
            if interfaceOrigin == nil { interfaceOrigin = SectionOrigin(file: file, line: line.number) }
        case "[peer]":
            section = .peer
            peerSections += 1
            if peerSections > InputLimits.configPeers {
                error(
                    .tooLarge, line: line.number, column: line.firstColumn, key: nil,
                    "more than \(InputLimits.configPeers) [Peer] sections, the limit for a config "
                        + "(docs/limits.md); the rest was not read")
                stopped = true
                return
            }
            peer = PendingPeer(origin: SectionOrigin(file: file, line: line.number))
        default:
            section = .unknown
            // Only the name in brackets may be shown, never what follows `]` (found by FuzzConfig: a key pasted
            // after `[Interface]` was echoed whole).
            let inner = String(text.dropFirst().prefix { $0 != "]" })
            let trailing = text.count - inner.count - 2
            var shown = Self.mayEcho(name: inner) ? "`[\(inner)]`" : Redaction.withheld(text.count)
            if Self.mayEcho(name: inner) && trailing > 0 { shown += " followed by \(trailing) characters (not shown)" }
            error(
                .unknownSection, line: line.number, column: line.firstColumn, key: nil,
                "unknown section \(shown); expected [Interface] or [Peer]")
        }
    }

    /// True when a key or section name from the file may appear in a message: a near miss of a known name, or
    /// letters that are not shaped like a key (see `Redaction`).
    static func mayEcho(name: String) -> Bool {
        let vocabulary = ConfigKey.allCases.map(\.rawValue) + ["Interface", "Peer"]
        if Redaction.isNearName(name, vocabulary: vocabulary) { return true }
        return name.count <= 32 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") }
            && !Redaction.isKeyShaped(name)
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
        let index = config.peers.count
        if let earlier = firstSection[key] {
            warning(
                .duplicatePeer, line: p.origin.keyLines[.publicKey] ?? p.origin.line, column: 1, key: "PublicKey",
                "this peer already has a [Peer] section at line \(config.peers[earlier].origin?.line ?? 0); "
                    + "wg merges them (settings given here win, AllowedIPs are replaced)")
        } else {
            firstSection[key] = index
        }
        let allowed = p.allowedIPs
        for prefix in allowed {
            if let other = prefixOwner[prefix], config.peers[other].publicKey != key {
                let line = p.origin.prefixLines[prefix] ?? p.origin.line
                warning(
                    .duplicateAllowedIP, line: line, column: 1, key: "AllowedIPs",
                    "\(prefix) is also listed by the [Peer] at line \(config.peers[other].origin?.line ?? 0); "
                        + "wg gives it to this later peer only")
            }
            prefixOwner[prefix] = index
        }
        config.peers.append(
            PeerConfig(
                publicKey: key, presharedKey: p.presharedKey, allowedIPs: allowed,
                endpoint: p.endpoint, persistentKeepalive: p.persistentKeepalive,
                origin: p.origin))
    }

    mutating func finish() {
        finishPeer()
        config.interface.origin = interfaceOrigin
        // Checked at the end, so that peers written before the PrivateKey line are seen too.
        publicKey = config.interface.privateKey?.publicKey
        if let own = publicKey {
            for p in config.peers where p.publicKey == own {
                warning(
                    .ownPublicKey, line: p.origin?.keyLines[.publicKey] ?? p.origin?.line ?? 0, column: 1,
                    key: "PublicKey",
                    "is this interface's own public key: wg accepts it and ignores this peer, so nothing reaches "
                        + "the host it was meant for")
            }
        }
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}
