import Testing
import WireCrypto

@testable import WireConfig

/// `ConfigPrinter.showconf` and `asSetByWg`: the device state after `wg setconf`, printed as showconf.c prints it.
@Suite struct ShowconfTests {
    let a = TestKeys.a.base64
    let b = TestKeys.b.base64

    func showconf(_ text: String, resolver: EndpointResolver = .table([:])) throws(ConfigError) -> String {
        let config = try WireGuardConfig(parsing: text, file: "t.conf")
        return try ConfigPrinter.showconf(config, resolver: resolver)
    }

    @Test func layoutMatchesShowconfC() throws {
        let text = """
            [Interface]
            Address = 10.0.0.1/24
            PrivateKey = \(TestKeys.priv.base64)
            FwMark = 51820
            ListenPort = 51820
            [Peer]
            PublicKey = \(a)
            PersistentKeepalive = 25
            Endpoint = 192.0.2.1:51820
            AllowedIPs = 10.0.0.2/32, fd00::2
            PresharedKey = \(TestKeys.psk.base64)
            [Peer]
            PublicKey = \(b)
            """
        #expect(
            try showconf(text) == """
                [Interface]
                ListenPort = 51820
                FwMark = 0xca6c
                PrivateKey = \(TestKeys.priv.base64)

                [Peer]
                PublicKey = \(a)
                PresharedKey = \(TestKeys.psk.base64)
                AllowedIPs = 10.0.0.2/32, fd00::2/128
                Endpoint = 192.0.2.1:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = \(b)

                """)
    }

    @Test func noPeersEndsWithAnEmptyLine() throws {
        #expect(try showconf("") == "[Interface]\n\n")
    }

    @Test func privateKeyIsShownClamped() throws {
        let unclamped = WireKey(bytes: [UInt8](repeating: 0xff, count: 32))!
        let out = try showconf("[Interface]\nPrivateKey = \(unclamped.base64)\n")
        #expect(out == "[Interface]\nPrivateKey = \(unclamped.clamped.base64)\n\n")
        #expect(unclamped.clamped.bytes.first == 0xf8 && unclamped.clamped.bytes.last == 0x7f)
    }

    /// FIELD-NOTES: peer A `10.0.0.0/24, 10.0.0.0/25`, peer B `10.0.0.0/24` -> A keeps only `10.0.0.0/25`.
    @Test func laterPeerTakesAPrefix() throws {
        let out = try showconf(
            """
            [Peer]
            PublicKey = \(a)
            AllowedIPs = 10.0.0.0/24, 10.0.0.0/25
            [Peer]
            PublicKey = \(b)
            AllowedIPs = 10.0.0.7/24
            """)
        #expect(out.contains("PublicKey = \(a)\nAllowedIPs = 10.0.0.0/25\n"))
        #expect(out.contains("PublicKey = \(b)\nAllowedIPs = 10.0.0.0/24\n"))
    }

    @Test func prefixInsertedAgainMovesToTheEnd() throws {
        let out = try showconf(
            "[Peer]\nPublicKey = \(a)\nAllowedIPs = 10.0.0.0/8\n"
                + "AllowedIPs = 10.2.0.0/16, 10.0.0.0/8\n")
        #expect(out.contains("AllowedIPs = 10.2.0.0/16, 10.0.0.0/8\n"))
    }

    @Test func duplicatePeerSectionsMerge() throws {
        let out = try showconf(
            """
            [Peer]
            PublicKey = \(a)
            PresharedKey = \(TestKeys.psk.base64)
            Endpoint = 192.0.2.1:5
            AllowedIPs = 10.0.0.0/8
            PersistentKeepalive = 5
            [Peer]
            PublicKey = \(b)
            AllowedIPs = 10.5.0.0/16
            [Peer]
            PublicKey = \(a)
            AllowedIPs = 10.9.0.0/16, 10.5.0.0/16
            PersistentKeepalive = off
            """)
        #expect(
            out == """
                [Interface]

                [Peer]
                PublicKey = \(a)
                PresharedKey = \(TestKeys.psk.base64)
                AllowedIPs = 10.9.0.0/16, 10.5.0.0/16
                Endpoint = 192.0.2.1:5

                [Peer]
                PublicKey = \(b)

                """)
    }

    @Test func wgQuickKeysAndZeroValuesAreNotShown() throws {
        let out = try showconf(
            """
            [Interface]
            Address = 10.0.0.1/24
            DNS = 10.0.0.53
            MTU = 1420
            ListenPort = 0
            FwMark = off
            PrivateKey = \(WireKey.zero.base64)
            """)
        #expect(out == "[Interface]\n\n")
    }

    @Test func endpointNamesAreResolvedOrReportedAtTheirLine() throws {
        let text =
            "[Peer]\nPublicKey = \(a)\nEndpoint = vpn.test:51820\n"
            + "[Peer]\nPublicKey = \(b)\nEndpoint = gone.test:1\n"
        let resolver = EndpointResolver.table(["vpn.test": IPAddress("2001:db8::7")!])
        do {
            _ = try showconf(text, resolver: resolver)
            Issue.record("expected the unresolvable name to fail")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "t.conf:6:1: Endpoint: cannot resolve `gone.test`: not in the table"
                ])
        }
        let resolved = try showconf(text.replacingOccurrences(of: "gone.test", with: "vpn.test"), resolver: resolver)
        #expect(resolved.contains("Endpoint = [2001:db8::7]:51820\n"))
        #expect(resolved.contains("Endpoint = [2001:db8::7]:1\n"))
    }

    /// wg resolves every Endpoint line, also one a later line or a later section replaces.
    @Test func replacedEndpointNamesMustResolveToo() throws {
        let text =
            "[Peer]\nPublicKey = \(a)\nEndpoint = gone.test:1\nEndpoint = vpn.test:2\n"
            + "[Peer]\nPublicKey = \(b)\nEndpoint = lost.test:3\n[Peer]\nPublicKey = \(b)\nEndpoint = 192.0.2.1:4\n"
        do {
            _ = try showconf(text, resolver: .table(["vpn.test": IPAddress("192.0.2.7")!]))
            Issue.record("expected the replaced, unresolvable names to fail")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "t.conf:3:1: Endpoint: cannot resolve `gone.test`: not in the table",
                    "t.conf:7:1: Endpoint: cannot resolve `lost.test`: not in the table",
                ])
        }
    }

    @Test func systemResolverReadsLiteralsAndLocalhost() {
        guard case .success(let v4) = EndpointResolver.system.resolve("127.0.0.1", 1) else {
            Issue.record("127.0.0.1 did not resolve")
            return
        }
        #expect(v4 == IPAddress("127.0.0.1"))
        guard case .success(let v6) = EndpointResolver.system.resolve("::1", 1) else {
            Issue.record("::1 did not resolve")
            return
        }
        #expect(v6 == IPAddress("::1"))
    }

    @Test func ownKeyPeerIsDroppedFromTheDeviceView() {
        let own = TestKeys.priv.publicKey
        let config = WireGuardConfig(
            interface: InterfaceConfig(privateKey: TestKeys.priv),
            peers: [PeerConfig(publicKey: own), PeerConfig(publicKey: TestKeys.a)])
        #expect(config.asSetByWg.peers.map(\.publicKey) == [TestKeys.a])
    }
}

/// A hub's worth of peers: parse, apply and print stay linear (about 1.5 s in a debug build on 2 shared cores).
@Suite struct ConfigScaleTests {
    @Test func tenThousandPeersAndTenThousandPrefixesInOnePeer() throws {
        var rng = SeededRandom(seed: 10_000)
        var text = "[Interface]\nListenPort = 51820\n"
        var keys: [WireKey] = []
        for i in 0..<10_000 {
            let key = WireKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })!
            keys.append(key)
            text += "[Peer]\nPublicKey = \(key.base64)\nAllowedIPs = 10.\(i / 256).\(i % 256).0/24, fd00::\(i)/128\n"
        }
        text +=
            "[Peer]\nPublicKey = \(TestKeys.a.base64)\nAllowedIPs = "
            + (0..<10_000).map { "172.16.\($0 / 256).\($0 % 256)/32" }.joined(separator: ",") + ", 10.0.0.0/24\n"
        let result = ConfigParser().parse(text, file: "hub.conf")
        #expect(result.isValid)
        #expect(result.config.peers.count == 10_001)
        #expect(result.warnings.count == 1)  // 10.0.0.0/24 moves from the first peer to the last
        let device = result.config.asSetByWg
        #expect(device.peers.first?.allowedIPs.map(\.description) == ["fd00::/128"])
        #expect(device.peers.last?.allowedIPs.count == 10_001)
        #expect(ConfigPrinter.showconf(result.config).utf8.count > 1_000_000)
    }
}

/// `ConfigPrinter.wgQuick` writes every setting back: parsing its output gives the same model.
@Suite struct WgQuickPrinterTests {
    static func withoutOrigins(_ config: WireGuardConfig) -> WireGuardConfig {
        var c = config
        c.interface.origin = nil
        c.warnings = []
        for i in c.peers.indices { c.peers[i].origin = nil }
        return c
    }

    @Test func roundTripsTheGeneratedCorpus() {
        var generator = CorpusGenerator(seed: 0x5749_5245_534D_4954)
        var checked = 0
        for i in 0..<240 {
            let result = ConfigParser().parse(generator.config(i).text, file: "g.conf")
            guard result.isValid else { continue }
            let printed = ConfigPrinter.wgQuick(result.config)
            let again = ConfigParser().parse(printed, file: "printed.conf")
            #expect(again.errors.isEmpty, "\(again.errors)")
            #expect(Self.withoutOrigins(again.config) == Self.withoutOrigins(result.config), "\(printed)")
            checked += 1
        }
        #expect(checked > 150)
    }
}
