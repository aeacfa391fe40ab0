import Testing
import WireCrypto

@testable import WireConfig

/// Fixed keys for readable vectors (public keys are any 32 bytes to wg; the private key's public key is derived).
enum TestKeys {
    static let priv = WireKey(bytes: [UInt8](repeating: 0x11, count: 32))!.clamped
    static let a = WireKey(bytes: [UInt8](repeating: 0xaa, count: 32))!
    static let b = WireKey(bytes: [UInt8](repeating: 0xbb, count: 32))!
    static let psk = WireKey(bytes: [UInt8](repeating: 0x5c, count: 32))!
}

@Suite struct ConfigParserTests {
    let a = TestKeys.a.base64
    let b = TestKeys.b.base64

    func parse(_ text: String, dialect: ConfigParser.Dialect = .wgQuick) -> ConfigParser.Result {
        ConfigParser(dialect: dialect).parse(text, file: "t.conf")
    }

    /// Each bad line alone in an otherwise valid file, and the exact diagnostic it gets.
    @Test(arguments: [
        (
            "Foo = bar",
            "t.conf:2:1: Foo: unknown key (known keys: PrivateKey, ListenPort, FwMark, Address, DNS, MTU, "
                + "Table, PreUp, PostUp, PreDown, PostDown, SaveConfig, PublicKey, PresharedKey, AllowedIPs, Endpoint, "
                + "PersistentKeepalive)"
        ),
        ("Listen_Port = 1", "t.conf:2:1: Listen_Port: unknown key; did you mean `ListenPort`?"),
        (
            "PrivateKey = abc=",
            "t.conf:2:14: PrivateKey: not a key: expected 44 characters of base64 encoding exactly "
                + "32 bytes, as `wg genkey` prints (4 characters given)"
        ),
        (
            "ListenPort = 70000",
            "t.conf:2:14: ListenPort: `70000` is not a port from 0 to 65535 (0 picks a random "
                + "port); wg would silently use 4464"
        ),
        ("ListenPort = http", "t.conf:2:14: ListenPort: `http` is not a port from 0 to 65535 (0 picks a random port)"),
        ("ListenPort =", "t.conf:2:13: ListenPort: has no value (wg rejects the line)"),
        (
            "FwMark = 0XFF",
            "t.conf:2:10: FwMark: `0XFF` is not `off` or a mark from 0 to 0xffffffff (decimal, or hex "
                + "after `0x`)"
        ),
        (
            "FwMark = 4294967296",
            "t.conf:2:10: FwMark: `4294967296` is not `off` or a mark from 0 to 0xffffffff "
                + "(decimal, or hex after `0x`)"
        ),
        ("PublicKey = x", "t.conf:2:1: PublicKey: belongs in a [Peer] section, not [Interface]"),
        ("[Peers]", "t.conf:2:1: unknown section `[Peers]`; expected [Interface] or [Peer]"),
        ("Just words", "t.conf:2:1: expected `Key = Value` or a section header, found `Just words`"),
        (
            "Post Up = x",
            "t.conf:2:1: PostUp: wg-quick only knows `PostUp` written without spaces inside; it passes "
                + "the line to wg, which rejects it"
        ),
        ("SaveConfig = yes", "t.conf:2:14: SaveConfig: must be `true` or `false` (wg-quick stops)"),
        ("MTU = 100", "t.conf:2:7: MTU: `100` is not an MTU (a number from 576 to 65535)"),
    ])
    func interfaceLineErrors(line: String, expected: String) {
        let result = parse("[Interface]\n\(line)\n")
        #expect(result.errors.map(\.description) == [expected])
    }

    @Test(arguments: [
        (
            "AllowedIPs = 10.0.0.0/33",
            "t.conf:4:14: AllowedIPs: `10.0.0.0/33` is not an IPv4 or IPv6 prefix (ADDRESS "
                + "or ADDRESS/LENGTH, LENGTH at most 32 or 128)"
        ),
        (
            "AllowedIPs = 10.0.0.0/8, , fd00::/8",
            "t.conf:4:25: AllowedIPs: an empty entry (a stray comma) is not an "
                + "IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH, LENGTH at most 32 or 128)"
        ),
        (
            "AllowedIPs = 0/0",
            "t.conf:4:14: AllowedIPs: `0/0` is not an IPv4 or IPv6 prefix (ADDRESS or "
                + "ADDRESS/LENGTH, LENGTH at most 32 or 128)"
        ),
        ("Endpoint = 192.0.2.1", "t.conf:4:12: Endpoint: needs a port: HOST:PORT, [IPV6]:PORT or NAME:PORT"),
        ("Endpoint = 192.0.2.1:70000", "t.conf:4:12: Endpoint: port 70000 is over 65535 (wg would silently use 4464)"),
        ("Endpoint = 192.0.2.1:domain", "t.conf:4:12: Endpoint: port `domain` is not a number from 0 to 65535"),
        (
            "Endpoint = fd00::1:51820",
            "t.conf:4:12: Endpoint: IPv6 address `fd00::1` needs brackets: [ADDRESS]:PORT "
                + "(wg would split at the last `:`)"
        ),
        ("Endpoint = [fd00::1]51820", "t.conf:4:12: Endpoint: needs a port: HOST:PORT, [IPV6]:PORT or NAME:PORT"),
        ("Endpoint = [fd00::1:51820", "t.conf:4:12: Endpoint: `[` has no matching `]`"),
        (
            "Endpoint = 127.1:51820",
            "t.conf:4:12: Endpoint: `127.1` is not a dotted-quad IPv4 address (the resolver "
                + "would read legacy forms such as octal)"
        ),
        (
            "Endpoint = [fe80::1%eth0]:1",
            "t.conf:4:12: Endpoint: `fe80::1%eth0`: scoped addresses (%zone) are not "
                + "supported; wg drops the zone"
        ),
        ("Endpoint = host!name:1", "t.conf:4:12: Endpoint: `host!name` is neither an IP address nor a DNS name"),
        (
            "PersistentKeepalive = 65536",
            "t.conf:4:23: PersistentKeepalive: `65536` is not `off` or a number of "
                + "seconds from 0 to 65535"
        ),
        (
            "PersistentKeepalive = 0x19",
            "t.conf:4:23: PersistentKeepalive: `0x19` is not `off` or a number of seconds "
                + "from 0 to 65535"
        ),
        ("ListenPort = 1", "t.conf:4:1: ListenPort: belongs in the [Interface] section, not [Peer]"),
        ("MTU = 1420", "t.conf:4:1: MTU: belongs in the [Interface] section, not [Peer]"),
        (
            "PublicKey = \(TestKeys.b.base64)",
            "t.conf:4:1: PublicKey: a second PublicKey in one [Peer] section (the "
                + "first is on line 3); wg would silently keep only this one: start a new [Peer] section before it"
        ),
    ])
    func peerLineErrors(line: String, expected: String) {
        let result = parse("[Interface]\n[Peer]\nPublicKey = \(TestKeys.a.base64)\n\(line)\n")
        #expect(result.errors.map(\.description) == [expected])
    }

    @Test func reportsEveryErrorOfAFileAtOnceInFileOrder() {
        let text = """
            ListenPort = 1
            [Interface]
            PrivateKey = short=
            ListenPort = 99999
            [Peer]
            AllowedIPs = 10.0.0.0/8
            [Peer]
            PublicKey = \(a)
            Endpoint = nowhere
            """
        let result = parse(text)
        #expect(
            result.errors.map { "\($0.location.line):\($0.location.column) \($0.kind)" } == [
                "1:1 keyOutsideSection", "3:14 invalidKey", "4:14 invalidPort", "5:1 missingPublicKey",
                "9:12 invalidPort",
            ])
        #expect(throws: ConfigError.self) { try ConfigParser().parseStrict(text, file: "t.conf") }
        do {
            _ = try WireGuardConfig(parsing: text, file: "t.conf")
        } catch {
            #expect(error.errors.count == 5)
            #expect(error.description.split(separator: "\n").allSatisfy { $0.hasPrefix("t.conf:") })
        }
    }

    @Test func ownPublicKeyIsAWarningEvenWhenThePeerComesFirst() {
        // wg accepts a peer with the interface's own key and ignores it; so does wiresmith, and says so.
        let text =
            "[Peer]\nPublicKey = \(TestKeys.priv.publicKey.base64)\n[Interface]\nPrivateKey = "
            + "\(TestKeys.priv.base64)\n"
        let result = ConfigParser().parse(text, file: "t.conf")
        #expect(result.isValid)
        #expect(
            result.diagnostics.map(\.description) == [
                "t.conf:2:1: warning: PublicKey: is this interface's own public key: wg accepts it and ignores this "
                    + "peer, so nothing reaches the host it was meant for"
            ])
    }

    @Test func acceptsWhatWgAccepts() throws {
        // wg deletes every space inside a line; keys and sections match in any case; comments anywhere.
        let text = """
              [ interface ]  # comment
            private key = \(TestKeys.priv.base64)
            LISTENPORT=5 1 8 2 0
            FwMark = 0xDEADbeef
            [PEER]
            publickey\t=\t\(a)#comment
            Allowed IPs = 10.1.2.3 / 24 , fd00 :: 1 / 64
            AllowedIPs = 10.0.0.0/08, 192.0.2.1
            end point = [2001:DB8::1] : 0051820
            PersistentKeepalive = 025
            PresharedKey = \(TestKeys.psk.base64)
            """
        let result = parse(text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(result.errors.isEmpty, "\(result.errors)")
        let config = result.config
        #expect(config.interface.listenPort == 51820)
        #expect(config.interface.fwMark == 0xdead_beef)
        #expect(config.interface.privateKey == TestKeys.priv)
        let peer = try #require(config.peers.first)
        #expect(peer.publicKey == TestKeys.a)
        #expect(peer.presharedKey == TestKeys.psk)
        #expect(peer.allowedIPs.map(\.description) == ["10.1.2.0/24", "fd00::/64", "10.0.0.0/8", "192.0.2.1/32"])
        #expect(peer.endpoint?.description == "[2001:db8::1]:51820")
        #expect(peer.persistentKeepalive == 25)
        #expect(
            result.warnings.map(\.description) == [
                "t.conf:7:15: warning: AllowedIPs: `10.1.2.3/24` has host bits set; it is taken as 10.1.2.0/24, "
                    + "as wg does",
                "t.conf:7:31: warning: AllowedIPs: `fd00::1/64` has host bits set; it is taken as fd00::/64, as "
                    + "wg does",
            ])
        #expect(peer.origin?.prefixLines[IPPrefix("10.0.0.0/8")!] == 8)
    }

    @Test(
        arguments: [
            ("off", nil), ("OFF", nil), ("0", nil), ("0x0", nil), ("0x10", 16), ("000042", 42),
            ("4294967295", 4_294_967_295),
        ] as [(String, UInt32?)])
    func fwMarkForms(text: String, mark: UInt32?) {
        let result = parse("[Interface]\nFwMark = \(text)\n")
        #expect(result.isValid)
        #expect(result.config.interface.fwMark == mark)
    }

    @Test(
        arguments: [("off", nil), ("Off", nil), ("0", nil), ("25", 25), ("0025", 25), ("65535", 65535)]
            as [(String, UInt16?)])
    func keepaliveForms(text: String, seconds: UInt16?) {
        let result = parse("[Peer]\nPublicKey = \(TestKeys.a.base64)\nPersistentKeepalive = \(text)\n")
        #expect(result.isValid)
        #expect(result.config.peers.first?.persistentKeepalive == seconds)
    }

    @Test func endpointNamesStayNamesUntilResolved() throws {
        let result = parse("[Peer]\nPublicKey = \(a)\nEndpoint = vpn.example.com:51820\n")
        let endpoint = try #require(result.config.peers.first?.endpoint)
        #expect(endpoint.host == .name("vpn.example.com"))
        #expect(endpoint.port == 51820)
    }

    @Test func wgQuickKeysAreRejectedByTheWgDialect() {
        let result = parse("[Interface]\nAddress = 10.0.0.1/24\n", dialect: .wg)
        #expect(
            result.errors.map(\.description) == [
                "t.conf:2:1: Address: is a wg-quick(8) setting; `wg setconf` rejects it (use `wg-quick strip` "
                    + "or wg-quick)"
            ])
    }

    @Test func wgQuickKeysAccumulate() {
        let text = """
            [Interface]
            Address = 10.0.0.1/24, fd00::1/64
            Address = 10.0.1.1/24
            DNS = 10.0.0.53, example.internal
            PostUp = echo "a = b"; true
            PostUp = true
            Table = off
            MTU = 1420
            SaveConfig = True
            """
        let result = parse(text)
        #expect(result.isValid)
        let i = result.config.interface
        #expect(i.addresses.map(\.description) == ["10.0.0.1/24", "fd00::1/64", "10.0.1.1/24"])
        #expect(i.dns == ["10.0.0.53", "example.internal"])
        #expect(i.postUp == ["echo \"a = b\"; true", "true"])
        #expect(i.table == "off")
        #expect(i.mtu == 1420)
        #expect(i.saveConfig)
    }

    @Test func repeatedSettingsWarnAndTheLastWins() {
        let result = parse("[Interface]\nListenPort = 1\nListenPort = 2\n")
        #expect(result.isValid)
        #expect(result.config.interface.listenPort == 2)
        #expect(
            result.warnings.map(\.description) == [
                "t.conf:3:1: warning: ListenPort: set again; this replaces the value on line 2"
            ])
    }

    @Test func zeroKeysMeanNoKey() {
        let zero = WireKey.zero.base64
        let result = parse("[Interface]\nPrivateKey = \(zero)\n[Peer]\nPublicKey = \(a)\nPresharedKey = \(zero)\n")
        #expect(result.isValid)
        #expect(result.config.interface.privateKey == nil)
        #expect(result.config.peers.first?.presharedKey == nil)
    }

    @Test func neverCrashesOnArbitraryBytes() {
        var rng = SeededRandom(seed: 7)
        let alphabet = Array("[]=#,:/ .\t\r\nPeerInterfaceAllowedIPs0123456789abcdef+")
        for _ in 0..<300 {
            let count = Int.random(in: 0...200, using: &rng)
            let text = String((0..<count).map { _ in alphabet.randomElement(using: &rng)! })
            let result = parse(text)
            #expect(result.errors.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        }
    }
}

extension ConfigParserTests {
    /// A private key typed with a space or colon instead of `=` must not reach a message.
    @Test(arguments: [
        "PrivateKey \(TestKeys.priv.base64)", "PrivateKey: \(TestKeys.priv.base64)",
        "\(TestKeys.priv.base64)", "Private_Key \(TestKeys.priv.base64)", "[\(TestKeys.priv.base64)]",
    ])
    func messagesNeverCarryAKey(line: String) {
        let result = parse("[Interface]\n\(line)\n")
        #expect(result.errors.count == 1)
        let key = Array(TestKeys.priv.base64)
        let windows = (0...(key.count - 6)).map { String(key[$0..<($0 + 6)]) }
        for diagnostic in result.diagnostics {
            #expect(windows.allSatisfy { !diagnostic.description.contains($0) }, "\(diagnostic)")
        }
    }
}

extension ConfigParserTests {
    @Test func nulBytesAreErrors() {
        #expect(
            parse("[Interface]\nListenPort = 51\u{0}20\n").errors.map(\.description) == [
                "t.conf:2:16: holds a NUL byte (wg would cut the line there, wg-quick would delete it)"
            ])
    }
}
