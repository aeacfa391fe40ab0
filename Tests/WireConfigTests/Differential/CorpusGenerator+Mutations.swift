import WireConfig

/// Breaks a valid config in one of the ways wg rejects, or one of the ways wg accepts but wiresmith refuses.
extension CorpusGenerator {
    mutating func mutate(_ lines: inout [String], privateKey: WireKey, peers: [WireKey]) -> (Expectation, String) {
        let peerLine = lines.lastIndex { $0.lowercased().contains("[peer]") }
        let interfaceLine = lines.firstIndex { $0.lowercased().contains("interface") }!
        func insert(afterPeer text: String) -> Bool {
            guard let i = peerLine else { return false }
            lines.insert(text, at: i + 1)
            return true
        }
        let hasPrivate = lines.contains { $0.lowercased().filter { !$0.isWhitespace }.hasPrefix("privatekey=") }
        switch int(0...22) {
        case 0:
            lines.insert("ListenPort = \(int(65536...99999))", at: interfaceLine + 1)
            return (.stricter, "ListenPort over 65535")
        case 1:
            if insert(afterPeer: "Endpoint = 192.0.2.1:\(int(65536...99999))") {
                return (.stricter, "Endpoint port over 65535")
            }
        case 2:
            if insert(afterPeer: "Endpoint = 2001:db8::\(int(1...99)):51820") {
                return (.stricter, "unbracketed IPv6 Endpoint")
            }
        case 3:
            if insert(afterPeer: "Endpoint = \(pick(["127.1", "010.0.0.1", "0x7f000001", "192.0.2"])):51820") {
                return (.stricter, "legacy numeric Endpoint host")
            }
        case 4:
            if insert(afterPeer: "PublicKey = \(key().base64)") { return (.stricter, "second PublicKey in a [Peer]") }
        case 5:
            if hasPrivate {
                lines.append("[Peer]")
                lines.append("PublicKey = \(privateKey.publicKey.base64)")
                return (.match, "peer with the interface's own key (wg ignores it; showconf leaves it out)")
            }
        case 6:
            if insert(afterPeer: "Endpoint = 192.0.2.1:domain") { return (.stricter, "Endpoint port by service name") }
        case 7:
            var k = key().base64
            k.removeFirst()
            lines.insert("PrivateKey = \(k)", at: interfaceLine + 1)
            return (.wgRejects, "43-character key")
        case 8:
            // 'B' before '=' leaves non-zero padding bits: not a canonical encoding of 32 bytes.
            var k = key().base64
            k.removeLast(2)
            lines.insert("PrivateKey = \(k)B=", at: interfaceLine + 1)
            return (.wgRejects, "non-canonical base64 key")
        case 9:
            if insert(afterPeer: "AllowedIPs = 10.0.0.0/33") { return (.wgRejects, "/33") }
        case 10:
            if insert(afterPeer: "AllowedIPs = 10.1.0.0/16,") { return (.wgRejects, "trailing comma") }
        case 11:
            if insert(afterPeer: "Endpoint = 192.0.2.1") { return (.wgRejects, "Endpoint without port") }
        case 12:
            lines.insert(pick(["Foo = bar", "ListenPorts = 1", "Peer = x"]), at: interfaceLine + 1)
            return (.wgRejects, "unknown key")
        case 13:
            if insert(afterPeer: "PersistentKeepalive = \(pick(["65536", "-1", "0x10", "1e3"]))") {
                return (.wgRejects, "bad keepalive")
            }
        case 14:
            lines.insert("FwMark = \(pick(["0XAB", "4294967296", "0x", "mark"]))", at: interfaceLine + 1)
            return (.wgRejects, "bad FwMark")
        case 15:
            lines.append("[Peer]")
            lines.append("AllowedIPs = 10.99.0.0/16")
            return (.wgRejects, "peer without PublicKey")
        case 16:
            lines.insert("ListenPort = 51820", at: 0)
            return (.wgRejects, "key before any section")
        case 17:
            lines.append(pick(["[Peers]", "[Interface2]", "[]"]))
            return (.wgRejects, "unknown section")
        case 18:
            if insert(afterPeer: "MTU = 1420") { return (.wgRejects, "wg-quick key in [Peer]") }
        case 19:
            lines.insert("ListenPort = \(pick(["12a", "port", "-5"]))", at: interfaceLine + 1)
            return (.wgRejects, "non-numeric ListenPort")
        case 20:
            if insert(afterPeer: pick(["Endpoint =", "AllowedIPs = ", "PresharedKey="])) {
                return (.wgRejects, "empty value")
            }
        case 21:
            if insert(afterPeer: "Endpoint = nowhere.invalid:51820") { return (.wgRejects, "unresolvable name") }
        default:
            lines.insert("Pre Up = true", at: interfaceLine + 1)
            return (.wgRejects, "wg-quick key with a space inside")
        }
        // The chosen break needed a [Peer]; fall back to one that does not.
        lines.insert("ListenPort = \(int(65536...99999))", at: interfaceLine + 1)
        return (.stricter, "ListenPort over 65535")
    }
}

/// The names the lab namespace resolves, from its own hosts file (`ip netns exec` binds /etc/netns/NS/hosts).
enum LabHosts {
    static let file = """
        127.0.0.1 localhost
        ::1 localhost
        192.0.2.10 alpha.test
        2001:db8::10 beta.test
        198.51.100.7 gamma.test
        2001:db8::7 gamma.test

        """
    static let names = ["localhost", "alpha.test", "beta.test", "gamma.test"]
}
