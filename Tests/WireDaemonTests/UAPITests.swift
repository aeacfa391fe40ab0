import Testing
import WireConfig
import WireCrypto
import WireProtocol

@testable import WireDaemon

/// A binder that binds nothing: records what it was asked, or fails like a port in use.
final class FakeBinder: SocketBinder {
    var failBind = false
    var bound: [(UInt16, UInt32)] = []
    var marks: [UInt32] = []
    func bind(port: UInt16, fwmark: UInt32) throws -> UInt16 {
        if failBind { throw DaemonError("bind udp4", "port \(port)", errno: 98) }
        bound.append((port, fwmark))
        return port == 0 ? 40_000 : port
    }
    func setMark(_ fwmark: UInt32) throws { marks.append(fwmark) }
    func close() {}
}

/// The cross-platform UAPI (wireguard.com/xplatform) against wireguard-go's device/uapi.go behaviour.
@Suite struct UAPITests {
    let a = WireKey.generatePrivate()
    let b = WireKey.generatePrivate()
    let c = WireKey.generatePrivate()

    func makeState(up: Bool = true) throws -> (InterfaceState, FakeBinder) {
        let binder = FakeBinder()
        let state = InterfaceState(binder: binder, wallClockAtOrigin: .seconds(1_700_000_000))
        var random = SystemRandomNumberGenerator()
        var actions: [TunnelAction] = []
        if up { try state.setUp(true, now: .zero, random: &random, into: &actions) }
        return (state, binder)
    }

    func set(_ text: String, _ state: InterfaceState) throws(UAPIError) -> [TunnelAction] {
        var random = SystemRandomNumberGenerator()
        var actions: [TunnelAction] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try UAPI.set(Array(lines), on: state, now: .zero, random: &random, into: &actions)
        return actions
    }

    /// wireguard-go caps the device MTU at MaxContentSize (65,535 - 32) whatever the TUN's MTU; so do we.
    @Test func mtuIsCappedAsWireguardGoCapsIt() throws {
        let (state, _) = try makeState()
        state.setMTU(9000)
        #expect(state.mtu == 9000)
        state.setMTU(65_535)
        #expect(state.mtu == 65_503)
    }

    @Test func setThenGetPrintsWhatWireguardGoPrints() throws {
        let (state, _) = try makeState()
        let psk = WireKey.generatePreshared()
        _ = try set(
            """
            private_key=\(a.hex)
            listen_port=51820
            fwmark=4660
            replace_peers=true
            public_key=\(b.publicKey.hex)
            preshared_key=\(psk.hex)
            endpoint=[fd00::2]:51821
            replace_allowed_ips=true
            allowed_ip=10.0.0.0/24
            allowed_ip=fd00:0:0:0::7/128
            protocol_version=1
            """, state)
        #expect(
            UAPI.get(state) == """
                private_key=\(a.clamped.hex)
                listen_port=51820
                fwmark=4660
                public_key=\(b.publicKey.hex)
                preshared_key=\(psk.hex)
                protocol_version=1
                endpoint=[fd00::2]:51821
                last_handshake_time_sec=0
                last_handshake_time_nsec=0
                tx_bytes=0
                rx_bytes=0
                persistent_keepalive_interval=0
                allowed_ip=10.0.0.0/24
                allowed_ip=fd00::7/128

                """)
    }

    @Test func turningKeepaliveOnSendsAnInitiationAtOnce() throws {
        let (state, _) = try makeState()
        let actions = try set(
            """
            private_key=\(a.hex)
            public_key=\(b.publicKey.hex)
            endpoint=192.0.2.1:51820
            persistent_keepalive_interval=25
            """, state)
        #expect(actions.contains { $0.messageType == 1 })
        // Setting it again to another non-zero value sends nothing.
        let again = try set("public_key=\(b.publicKey.hex)\npersistent_keepalive_interval=30", state)
        #expect(!again.contains { $0.messageType != nil })
    }

    @Test(arguments: [
        ("listen_port=65536", UAPIError.Code.invalid),
        ("listen_port=-1", .invalid),
        ("fwmark=x", .invalid),
        ("no_equals_sign", .protocolError),
        ("private_key=abc", .invalid),
        ("replace_peers=false", .invalid),
        ("bogus=1", .invalid),
        ("public_key=zz", .invalid),
    ])
    func badDeviceLinesGetWireguardGosErrno(line: String, code: UAPIError.Code) throws {
        let (state, _) = try makeState()
        #expect(throws: UAPIError.self) { try set(line, state) }
        do { _ = try set(line, state) } catch { #expect(error.code == code) }
    }

    @Test(arguments: [
        "endpoint=example.com:51820", "endpoint=10.0.0.1", "allowed_ip=10.0.0.1", "allowed_ip=10.0.0.0/33",
        "persistent_keepalive_interval=70000", "protocol_version=2", "remove=yes", "update_only=1", "x=y",
        "preshared_key=00",
    ])
    func badPeerLinesAreInvalidAndEarlierLinesStay(line: String) throws {
        let (state, _) = try makeState()
        do {
            _ = try set("public_key=\(b.publicKey.hex)\nallowed_ip=10.1.0.0/16\n\(line)", state)
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.line == 4)
        }
        #expect(state.peer(b.publicKey)?.allowedIPs.map(\.description) == ["10.1.0.0/16"])
    }

    @Test func aPortInUseIsEADDRINUSE() throws {
        let (state, binder) = try makeState()
        binder.failBind = true
        do {
            _ = try set("listen_port=51820", state)
            Issue.record("accepted")
        } catch { #expect(error.code == .portInUse) }
    }

    @Test func allowedIPsMoveBetweenPeersAndKeepOrder() throws {
        let (state, _) = try makeState()
        _ = try set(
            """
            public_key=\(b.publicKey.hex)
            allowed_ip=10.0.0.0/24
            allowed_ip=10.0.0.0/25
            allowed_ip=10.9.9.9/8
            public_key=\(c.publicKey.hex)
            allowed_ip=10.0.0.0/24
            public_key=\(b.publicKey.hex)
            allowed_ip=10.0.0.0/25
            """, state)
        #expect(state.peer(b.publicKey)?.allowedIPs.map(\.description) == ["10.0.0.0/8", "10.0.0.0/25"])
        #expect(state.peer(c.publicKey)?.allowedIPs.map(\.description) == ["10.0.0.0/24"])
    }

    @Test func removeUpdateOnlyReplacePeersAndOwnKey() throws {
        let (state, _) = try makeState()
        _ = try set("private_key=\(a.hex)\npublic_key=\(b.publicKey.hex)\npublic_key=\(c.publicKey.hex)", state)
        #expect(state.order == [b.publicKey, c.publicKey])
        _ = try set("public_key=\(b.publicKey.hex)\nremove=true\nallowed_ip=10.0.0.0/8", state)
        #expect(state.order == [c.publicKey])
        let d = WireKey.generatePrivate().publicKey
        _ = try set("public_key=\(d.hex)\nupdate_only=true\nallowed_ip=10.0.0.0/8", state)
        #expect(state.peer(d) == nil)
        _ = try set("public_key=\(a.publicKey.hex)\nallowed_ip=10.0.0.0/8", state)
        #expect(state.peer(a.publicKey) == nil)
        _ = try set("replace_peers=true", state)
        #expect(state.order.isEmpty)
        // A zero private key clears it.
        _ = try set("private_key=\(WireKey.zero.hex)", state)
        #expect(state.privateKey == nil)
        #expect(!UAPI.get(state).contains("private_key"))
    }

    /// Any request text, valid keys with garbage values and garbage keys, gets a typed error or applies; never a
    /// trap. Seeded, so a failure replays.
    @Test func randomRequestsNeverTrap() throws {
        let (state, _) = try makeState()
        var random = SeededRandom(seed: 15)
        let keys = [
            "private_key", "listen_port", "fwmark", "replace_peers", "public_key", "remove", "update_only",
            "preshared_key", "endpoint", "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip",
            "protocol_version", "", "=", "get", "set",
        ]
        let values = [
            "", "true", "1", "0", "65535", "65536", "-1", b.publicKey.hex, c.publicKey.hex, a.hex, "zz",
            "10.0.0.0/8", "::/0", "[::1]:1", "1.2.3.4:5", "[::1]", "1.2.3.4:99999", "fd00::/129", "\u{0}", "é",
            String(repeating: "f", count: 64), String(repeating: "9", count: 40),
        ]
        for _ in 0..<2_000 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let key = keys.randomElement(using: &random)!
                let value = values.randomElement(using: &random)!
                lines.append(Bool.random(using: &random) ? "\(key)=\(value)" : key + value)
            }
            do { _ = try set(lines.joined(separator: "\n"), state) } catch { #expect(error.code.rawValue < 0) }
            _ = UAPI.get(state)
        }
    }
}
