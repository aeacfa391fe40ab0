import Testing
import WireConfig

@testable import WireAnalysis

/// RoutingTable (wg-quick's routes and rules) and PrefixTrie (longest prefix, last claim wins).
@Suite struct TraceRoutingTests {
    static let key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
    static let peerKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="

    /// A host `h` with one interface from config text, plus facts YAML.
    func host(_ conf: String, facts: String = "") -> Host {
        let text = "[Interface]\nPrivateKey = \(Self.key)\n" + conf
        let parsed = ConfigParser().parse(text, file: "h/wg0.conf")
        let iface = TunnelInterface(
            host: "h", name: "wg0", file: "h/wg0.conf", config: parsed.config,
            diagnostics: parsed.diagnostics, hookLines: HookLines.scan(text))
        return Host(name: "h", interfaces: [iface], facts: HostFactsReader.parse(facts, file: "h/host.yaml").0)
    }

    func lookup(_ h: Host, _ address: String) -> Route? {
        RoutingTable(host: h, facts: EffectiveFacts(host: h)).lookup(IPAddress(address)!)
    }

    static let lan = "lans:\n  - { name: home, prefix: 192.168.1.0/24, interface: eth1 }\n"

    @Test func tableAutoAddsAllowedIPsRoutesAndConnectedRoutes() throws {
        let h = host(
            "Address = 10.0.0.2/24\n[Peer]\nPublicKey = \(Self.peerKey)\n"
                + "AllowedIPs = 10.0.0.0/24, 10.1.0.0/16\n")
        let r = try #require(lookup(h, "10.1.2.3"))
        #expect(r.device == "wg0" && r.origin == .allowedIPs && r.location?.line == 6)
        // 10.0.0.0/24 is covered by the Address route on the same interface: wg-quick adds none.
        #expect(lookup(h, "10.0.0.9")?.origin == .address)
        #expect(lookup(h, "8.8.8.8")?.origin == .uplink)
    }

    @Test func fullTunnelUsesTheFwmarkTableButKeepsSpecificRoutes() throws {
        let h = host(
            "Address = 10.0.0.2/32\n[Peer]\nPublicKey = \(Self.peerKey)\nAllowedIPs = 0.0.0.0/0\n",
            facts: Self.lan)
        let r = try #require(lookup(h, "8.8.8.8"))
        #expect(r.device == "wg0" && r.table == "51820")
        #expect(lookup(h, "192.168.1.7")?.device == "eth1")  // suppress_prefixlength 0 lets the LAN route win
        #expect(lookup(h, "2001:db8::1")?.origin == .uplink)  // no ::/0 in AllowedIPs
    }

    @Test func fwMarkNamesTheTable() {
        let h = host("FwMark = 1234\n[Peer]\nPublicKey = \(Self.peerKey)\nAllowedIPs = ::/0\n")
        #expect(lookup(h, "2001:db8::1")?.table == "1234")
    }

    @Test("Table = off or N keeps routes out of main", arguments: ["off", "1234"])
    func tableOffOrNumber(table: String) throws {
        let h = host("Table = \(table)\n[Peer]\nPublicKey = \(Self.peerKey)\nAllowedIPs = 10.1.0.0/16\n")
        #expect(lookup(h, "10.1.0.1")?.origin == .uplink)
        let t = RoutingTable(host: h, facts: EffectiveFacts(host: h))
        #expect(t.unconsultedRoutes(for: IPAddress("10.1.0.1")!).count == (table == "off" ? 0 : 1))
    }

    @Test func aRouteForAPrefixAlreadyRoutedIsAConflict() {
        let h = host("[Peer]\nPublicKey = \(Self.peerKey)\nAllowedIPs = 192.168.1.0/24\n", facts: Self.lan)
        let t = RoutingTable(host: h, facts: EffectiveFacts(host: h))
        #expect(t.lookup(IPAddress("192.168.1.3")!)?.device == "eth1")
        #expect(t.conflicts.map(\.description) == ["192.168.1.0/24 dev wg0"])
    }

    @Test func hookRoutesCount() {
        let h = host("Table = off\nPostUp = ip route add 10.9.0.0/16 dev %i\n")
        #expect(lookup(h, "10.9.1.1")?.origin == .hook)
        #expect(lookup(h, "10.9.1.1")?.location?.line == 4)
    }

    @Test func aConfigWithErrorsDoesNotComeUp() {
        let h = host("Address = 10.0.0.2/24\nBogus = 1\n")
        #expect(lookup(h, "10.0.0.9")?.origin == .uplink)
    }

    @Test func prefixMapLongestPrefixAndLastClaimWins() {
        var m = PrefixTrie<String>()
        m.insert(IPPrefix("10.0.0.0/24")!, "a")
        m.insert(IPPrefix("10.0.0.0/25")!, "a")
        m.insert(IPPrefix("10.0.0.0/24")!, "b")
        m.insert(IPPrefix("fd00::/8")!, "v6")
        #expect(m.lookup(IPAddress("10.0.0.1")!)?.value == "a")
        #expect(m.lookup(IPAddress("10.0.0.200")!)?.value == "b")
        #expect(m.lookup(IPAddress("fd12::1")!)?.value == "v6")
        #expect(m.lookup(IPAddress("10.0.1.1")!) == nil)
        #expect(m.lookup(IPAddress("10.0.0.1")!, minLength: 26) == nil)
    }
}
