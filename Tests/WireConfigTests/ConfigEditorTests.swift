import Testing

@testable import WireConfig

@Suite struct ConfigEditorTests {
    static let hubKey = WireKey.generatePrivate()
    static let peerKey = WireKey.generatePrivate().publicKey

    var text: String {
        """
        # alice
        [Interface]
        PrivateKey = \(Self.hubKey.base64)
        Address = 10.0.0.2/32

        [Peer]
        # the hub
        PublicKey = \(Self.peerKey.base64)
        AllowedIPs = 10.0.0.0/24 # hub subnet
        PersistentKeepalive = 25
        """
    }

    @Test func addsAllowedIPsOnTheExistingLineKeepingComments() throws {
        var e = ConfigEditor(text: text, file: "alice/wg0.conf")
        let added = try e.addAllowedIPs([IPPrefix("10.1.0.0/24")!, IPPrefix("10.0.0.0/24")!], toPeer: Self.peerKey)
        #expect(added == [IPPrefix("10.1.0.0/24")!])
        #expect(e.text.contains("AllowedIPs = 10.0.0.0/24, 10.1.0.0/24 # hub subnet"))
        #expect(try e.config().peers[0].allowedIPs.map(\.description) == ["10.0.0.0/24", "10.1.0.0/24"])
        #expect(e.text.hasPrefix("# alice\n"))
    }

    @Test func addsAnInterfaceLineAfterTheLastSetting() throws {
        var e = ConfigEditor(text: text, file: "alice/wg0.conf")
        try e.addInterfaceLine(.postUp, "sysctl -w net.ipv4.ip_forward=1")
        let lines = e.text.components(separatedBy: "\n")
        #expect(lines[4] == "PostUp = sysctl -w net.ipv4.ip_forward=1")
        #expect(try e.config().interface.postUp == ["sysctl -w net.ipv4.ip_forward=1"])
    }

    @Test func refusesAnUnknownPeer() {
        var e = ConfigEditor(text: text, file: "alice/wg0.conf")
        #expect(throws: ConfigEditor.EditError.self) {
            try e.addAllowedIPs([IPPrefix("10.1.0.0/24")!], toPeer: WireKey.generatePrivate().publicKey)
        }
    }
}
