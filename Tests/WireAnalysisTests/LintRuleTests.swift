import Testing
import WireAnalysis
import WireConfig

/// Every finding code: a variant of a test network that produces it (with its severity and the line to edit), and
/// a near-identical network that does not.
@Suite struct LintRuleTests {
    typealias Edit = LintFixtures.Edit

    struct Case: Sendable, CustomStringConvertible {
        var code: FindingCode
        var severity: Finding.Severity
        var base: String
        var edits: [Edit]
        /// The expected primary location, `DIR/FILE:LINE`; nil to check only the code.
        var at: String?
        /// Edits of `base` giving a near-identical network without the finding ([] = the base itself).
        var clean: [Edit] = []
        var description: String { "\(code.rawValue) (\(base))" }
    }

    static let stray = "wssOtGNCxU4jx5pW6O2BIEfmD+pqPHtz5eO/+td4IF4="  // a key no test network holds
    static let psk = "uDvEjbHX6nz4lANmr0HBiV29mySGerzVCu6pNUuWdGo="
    static let pskLine = "PresharedKey = uDvEjbHX6nz4lANmr0HBiV29mySGerzVCu6pNUuWdGo="
    static let hubWg0 = "wDq9sI7p0ydHe6cNGZAsiiOtbc6mS9uRWA5MXFBtUmk="
    static let alicePub = "AS40mhftfg7QSPLoZessWjmDf+QiW3zT5nmLlbbgfAk="
    static let bobPub = "NyjNurFR5pSP27GAHeAI+yy9Sc3ljlEaQMbbLFLNxRo="
    static let bobPeerSection = """
        [Peer]
        # hub wg1
        PublicKey = ClQu/MarCaLP02YlS0e+TGfSqF0w4UHnpbcob403Mxs=
        Endpoint = 192.0.2.1:51821
        AllowedIPs = 10.1.0.0/24, 10.0.0.0/24
        PersistentKeepalive = 25

        """

    static let cases: [Case] = [
        Case(
            code: .configInvalid, severity: .error, base: "lint-two-hub",
            edits: [Edit("bob/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = often")],
            at: "bob/wg0.conf:11"),
        Case(
            code: .factsInvalid, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/host.yaml", "", "behind_nat: maybe\n")], at: "hub/host.yaml:4"),
        Case(
            code: .keyMismatch, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "PublicKey = \(hubWg0)", "PublicKey = \(stray)")], at: "alice/wg0.conf:8"),
        Case(
            code: .keyMismatch, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "PublicKey = \(hubWg0)", "PublicKey = \(alicePub)")],
            at: "alice/wg0.conf:8"),
        Case(
            code: .unknownPeer, severity: .info, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "", "\n[Peer]\nPublicKey = \(stray)\nAllowedIPs = 172.31.0.5/32\n")],
            at: "hub/wg0.conf:14"),
        Case(
            code: .peerNotMutual, severity: .error, base: "lint-two-hub",
            edits: [Edit("bob/wg0.conf", bobPeerSection, "")], at: "bob/wg0.conf:3"),
        Case(
            code: .duplicateKey, severity: .error, base: "lint-two-hub",
            edits: [
                Edit(
                    "bob/wg0.conf", "KESczRnD0VlivlMxtQage9qV7C/WM98xGxcvENnzcGQ=",
                    "qK28qzAiIdkydSvmZOmeuJVl/RLg8NMsypt2bK0kynk=")
            ], at: "alice/wg0.conf:3"),
        Case(
            code: .missingPeerHeader, severity: .error, base: "lint-two-hub",
            edits: [
                Edit(
                    "hub/wg0.conf", "AllowedIPs = 10.0.0.2/32",
                    "AllowedIPs = 10.0.0.2/32\nPublicKey = \(bobPub)\nAllowedIPs = 10.0.0.3/32")
            ],
            at: "hub/wg0.conf:12"),
        Case(
            code: .duplicatePeer, severity: .warning, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "", "\n[Peer]\nPublicKey = \(alicePub)\nAllowedIPs = 10.0.0.9/32\n")],
            at: "hub/wg0.conf:14"),
        Case(
            code: .allowedIPsOverlap, severity: .error, base: "lint-single-hub-32",
            edits: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.3/32", "AllowedIPs = 10.0.0.3/32, 10.0.0.2/32")],
            at: "hub/wg0.conf:10"),
        Case(
            code: .allowedIPsOverlap, severity: .warning, base: "lint-single-hub-32",
            edits: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.3/32", "AllowedIPs = 10.0.0.0/28")],
            at: "hub/wg0.conf:10",
            clean: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.3/32", "AllowedIPs = 10.0.0.3/32, 10.0.0.4/30")]),
        Case(
            code: .allowedIPsHostBits, severity: .warning, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.2/32", "AllowedIPs = 10.0.0.3/31")],
            at: "hub/wg0.conf:11",
            clean: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.2/32", "AllowedIPs = 10.0.0.2/31")]),
        Case(
            code: .allowedIPsEmpty, severity: .warning, base: "lint-two-hub",
            edits: [Edit("hub/wg1.conf", "AllowedIPs = 10.1.0.2/32", "")], at: "hub/wg1.conf:9"),
        Case(
            code: .addressNotAllowed, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.2/32", "AllowedIPs = 10.0.0.9/32")],
            at: "hub/wg0.conf:11"),
        Case(
            code: .clientToClientBlocked, severity: .warning, base: "lint-single-hub-32", edits: [],
            at: "alice/wg0.conf:9",
            clean: [
                Edit("alice/wg0.conf", "AllowedIPs = 10.0.0.1/32", "AllowedIPs = 10.0.0.0/24"),
                Edit("bob/wg0.conf", "AllowedIPs = 10.0.0.1/32", "AllowedIPs = 10.0.0.0/24"),
            ]),
        Case(
            code: .asymmetricAllowedIPs, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "AllowedIPs = 10.0.0.0/24, 10.1.0.0/24", "AllowedIPs = 10.0.0.0/24")],
            at: "alice/wg0.conf:10"),
        Case(
            code: .subnetNotRouted, severity: .warning, base: "lint-site-to-site",
            edits: [Edit("siteA/wg0.conf", "AllowedIPs = 10.9.0.2/32, 192.168.20.0/24", "AllowedIPs = 10.9.0.2/32")],
            at: "siteA/wg0.conf:12"),
        Case(
            code: .keepaliveMissing, severity: .warning, base: "lint-two-hub",
            edits: [
                Edit("alice/wg0.conf", "PersistentKeepalive = 25\n", ""),
                Edit("alice/host.yaml", "", "behind_nat: true\n"),
            ],
            at: "alice/wg0.conf:9", clean: [Edit("alice/host.yaml", "", "behind_nat: true\n")]),
        Case(
            code: .keepaliveLongerThanNATTimeout, severity: .warning, base: "lint-two-hub",
            edits: [
                Edit("alice/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = 60"),
                Edit("alice/host.yaml", "", "behind_nat: true\nnat_udp_timeout: 60\n"),
            ],
            at: "alice/wg0.conf:11",
            clean: [
                Edit("alice/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = 59"),
                Edit("alice/host.yaml", "", "behind_nat: true\nnat_udp_timeout: 60\n"),
            ]),
        Case(
            code: .noInitiator, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "Endpoint = 192.0.2.1:51820\n", "")], at: "alice/wg0.conf:8"),
        Case(
            code: .endpointPortMismatch, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "192.0.2.1:51820", "192.0.2.1:51821")], at: "alice/wg0.conf:9"),
        Case(
            code: .endpointPortMismatch, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg1.conf", "ListenPort = 51821\n", "")], at: "hub/wg1.conf:2"),
        Case(
            code: .endpointHostMismatch, severity: .error, base: "lint-two-hub",
            edits: [
                Edit("alice/host.yaml", "", "public_addresses: [192.0.2.50]\n"),
                Edit("bob/wg0.conf", "192.0.2.1:51821", "192.0.2.50:51821"),
            ], at: "bob/wg0.conf:9",
            clean: [Edit("alice/host.yaml", "", "public_addresses: [192.0.2.50]\n")]),
        Case(
            code: .duplicateAddress, severity: .error, base: "lint-two-hub",
            edits: [Edit("bob/wg0.conf", "Address = 10.1.0.2/32", "Address = 10.0.0.2/32")], at: nil),
        Case(
            code: .pskMismatch, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = 25\n" + pskLine)],
            at: "alice/wg0.conf:12",
            clean: [
                Edit("alice/wg0.conf", "PersistentKeepalive = 25", "PersistentKeepalive = 25\n" + pskLine),
                Edit("hub/wg0.conf", "AllowedIPs = 10.0.0.2/32", "AllowedIPs = 10.0.0.2/32\n" + pskLine),
            ]),
        Case(
            code: .forwardingDisabled, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "PostUp = sysctl -w net.ipv4.ip_forward=1\n", "")], at: "hub/wg0.conf:2"),
        Case(
            code: .forwardingDisabled, severity: .error, base: "lint-two-hub",
            edits: [
                Edit(
                    "hub/wg1.conf", "ListenPort = 51821",
                    "ListenPort = 51821\nPostUp = sysctl -w net.ipv4.ip_forward=0")
            ],
            at: "hub/wg1.conf:6"),
        Case(
            code: .forwardingDisabled, severity: .error, base: "lint-ipv6-hub",
            edits: [Edit("hub/wg0.conf", "PostUp = sysctl -w net.ipv6.conf.all.forwarding=1\n", "")],
            at: "hub/wg0.conf:1"),
        Case(
            code: .addressNotAllowed, severity: .error, base: "lint-ipv6-hub",
            edits: [Edit("hub/wg0.conf", "AllowedIPs = fd00:20::3/128", "AllowedIPs = fd00:20::33/128")],
            at: "hub/wg0.conf:15"),
        Case(
            code: .masqueradeMissing, severity: .error, base: "lint-gateway",
            edits: [Edit("gw/wg0.conf", "PostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\n", "")],
            at: "gw/wg0.conf:2"),
        Case(
            code: .masqueradeWrongInterface, severity: .error, base: "lint-gateway",
            edits: [Edit("gw/wg0.conf", "-A POSTROUTING -o eth0", "-A POSTROUTING -o %i")], at: "gw/wg0.conf:7"),
        Case(
            code: .masqueradeWrongInterface, severity: .error, base: "lint-gateway",
            edits: [
                Edit(
                    "gw/wg0.conf", "PostDown",
                    "PostUp = iptables -t nat -A POSTROUTING -o ens9 -j MASQUERADE\nPostDown")
            ],
            at: "gw/wg0.conf:8",
            clean: [
                Edit(
                    "gw/wg0.conf", "PostDown",
                    "PostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\nPostDown")
            ]),
        // siteB's LAN uses another router: siteA's traffic to it needs MASQUERADE out of siteB's LAN link.
        Case(
            code: .masqueradeMissing, severity: .error, base: "lint-site-to-site",
            edits: [Edit("siteB/host.yaml", "address: 192.168.20.1 }", "address: 192.168.20.1, gateway: false }")],
            at: "siteB/host.yaml:2",
            clean: [
                Edit("siteB/host.yaml", "address: 192.168.20.1 }", "address: 192.168.20.1, gateway: false }"),
                Edit(
                    "siteB/wg0.conf", "ListenPort = 51820\n",
                    "ListenPort = 51820\nPostUp = iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE\n"),
            ]),
        Case(
            code: .masqueradeWrongInterface, severity: .error, base: "lint-site-to-site",
            edits: [
                Edit("siteB/host.yaml", "address: 192.168.20.1 }", "address: 192.168.20.1, gateway: false }"),
                Edit(
                    "siteB/wg0.conf", "ListenPort = 51820\n",
                    "ListenPort = 51820\nPostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\n"),
            ],
            at: "siteB/wg0.conf:6"),
        Case(
            code: .overlappingLANs, severity: .warning, base: "lint-site-to-site",
            edits: [
                Edit(
                    "siteB/host.yaml", "192.168.20.0/24, interface: eth1, address: 192.168.20.1",
                    "192.168.10.0/24, interface: eth1, address: 192.168.10.1")
            ], at: nil),
        Case(
            code: .fullTunnelConflict, severity: .error, base: "lint-gateway",
            edits: [Edit("laptop/wg0.conf", "AllowedIPs = 10.30.0.1/32", "AllowedIPs = 0.0.0.0/0")],
            at: "laptop/wg0.conf:10"),
        Case(
            code: .postUpMayFail, severity: .warning, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = ping -c1 -W1 10.0.0.2")],
            at: "hub/wg0.conf:7",
            clean: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = ping -c1 -W1 10.0.0.2 || true")]),
        Case(
            code: .postUpMayFail, severity: .warning, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = ip route add 10.7.0.0/24 dev %i")],
            at: "hub/wg0.conf:7",
            clean: [
                Edit(
                    "hub/wg0.conf", "ip_forward=1",
                    "ip_forward=1\nPostUp = ip route replace 10.7.0.0/24 dev %i")
            ]),
        Case(
            code: .mtuTooLarge, severity: .warning, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "Address = 10.0.0.2/32", "Address = 10.0.0.2/32\nMTU = 1500")],
            at: "alice/wg0.conf:5",
            clean: [Edit("alice/wg0.conf", "Address = 10.0.0.2/32", "Address = 10.0.0.2/32\nMTU = 1420")]),
        Case(
            code: .listenPortCollision, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg1.conf", "ListenPort = 51821", "ListenPort = 51820")], at: "hub/wg1.conf:5"),
        Case(
            code: .interfaceWithoutAddress, severity: .warning, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "Address = 10.0.0.2/32\n", "")], at: "alice/wg0.conf:2"),
        Case(
            code: .interfacesIsolated, severity: .info, base: "lint-two-hub",
            edits: [
                Edit("alice/wg0.conf", "AllowedIPs = 10.0.0.0/24, 10.1.0.0/24", "AllowedIPs = 10.0.0.0/24"),
                Edit("bob/wg0.conf", "AllowedIPs = 10.1.0.0/24, 10.0.0.0/24", "AllowedIPs = 10.1.0.0/24"),
                Edit("hub/wg0.conf", "PostUp = sysctl -w net.ipv4.ip_forward=1\n", ""),
            ],
            at: "hub/wg0.conf:2",
            clean: [
                Edit("alice/wg0.conf", "AllowedIPs = 10.0.0.0/24, 10.1.0.0/24", "AllowedIPs = 10.0.0.0/24"),
                Edit("bob/wg0.conf", "AllowedIPs = 10.1.0.0/24, 10.0.0.0/24", "AllowedIPs = 10.1.0.0/24"),
            ]),
        Case(
            code: .routeConflict, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg1.conf", "AllowedIPs = 10.1.0.2/32", "AllowedIPs = 10.1.0.2/32, 10.0.0.0/24")],
            at: "hub/wg1.conf:10",
            clean: [Edit("hub/wg1.conf", "AllowedIPs = 10.1.0.2/32", "AllowedIPs = 10.1.0.2/32, 10.0.0.0/25")]),
        Case(
            code: .forwardBlocked, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/host.yaml", "", "forward_policy: drop\n")], at: "hub/host.yaml:4",
            clean: [
                Edit(
                    "hub/host.yaml", "",
                    "forward_policy: drop\nforward_rules:\n"
                        + "  - { in: wg0, out: wg1, action: accept }\n  - { in: wg1, out: wg0, action: accept }\n")
            ]),
        Case(
            code: .forwardBlocked, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = iptables -A FORWARD -i wg0 -j DROP")],
            at: "hub/wg0.conf:7",
            clean: [
                Edit(
                    "hub/wg0.conf", "ip_forward=1",
                    "ip_forward=1\nPostUp = iptables -A FORWARD -i wg0 -j ACCEPT")
            ]),
        Case(
            code: .interfaceDown, severity: .error, base: "lint-two-hub",
            edits: [Edit("alice/wg0.conf", "Endpoint = 192.0.2.1:51820", "Endpoint = hub.exmaple:51820")],
            at: "alice/wg0.conf:9",
            clean: [Edit("alice/wg0.conf", "Endpoint = 192.0.2.1:51820", "Endpoint = hub.example:51820")]),
        Case(
            code: .inputBlocked, severity: .error, base: "lint-two-hub",
            edits: [
                Edit(
                    "hub/wg0.conf", "ip_forward=1",
                    "ip_forward=1\nPostUp = iptables -A INPUT -p udp --dport 51821 -j DROP")
            ],
            at: "hub/wg0.conf:7",
            clean: [
                Edit(
                    "hub/wg0.conf", "ip_forward=1",
                    "ip_forward=1\nPostUp = iptables -A INPUT -p udp --dport 51822 -j DROP")
            ]),
        Case(
            code: .outputBlocked, severity: .error, base: "lint-two-hub",
            edits: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = iptables -A OUTPUT -o wg1 -j DROP")],
            at: "hub/wg0.conf:7",
            clean: [Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = iptables -A OUTPUT -o wg2 -j DROP")]),
        Case(
            code: .rpFilter, severity: .error, base: "lint-two-hub",
            edits: [
                Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = sysctl -w net.ipv4.conf.all.rp_filter=1"),
                Edit("hub/wg0.conf", "ListenPort = 51820", "ListenPort = 51820\nTable = off"),
                Edit("hub/wg0.conf", "Address = 10.0.0.1/24", "Address = 10.0.0.1/32"),
            ],
            at: "hub/wg0.conf:8",
            clean: [
                Edit("hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = sysctl -w net.ipv4.conf.all.rp_filter=1")
            ]),
        Case(
            code: .intentInvalid, severity: .error, base: "lint-two-hub",
            edits: [Edit("intent.yaml", "", "rules:\n  - deny: [alice]\n")], at: "lint-two-hub/intent.yaml:2",
            clean: [Edit("intent.yaml", "", "rules:\n  - deny: [alice, bob]\n")]),
        Case(
            code: .intentLeak, severity: .error, base: "lint-two-hub",
            edits: [Edit("intent.yaml", "", "rules:\n  - isolate: [alice, bob]\n")], at: "lint-two-hub/intent.yaml:2",
            clean: [
                Edit("intent.yaml", "", "rules:\n  - isolate: [alice, bob]\n"),
                Edit(
                    "hub/wg0.conf", "ip_forward=1",
                    "ip_forward=1\nPostUp = iptables -A FORWARD -i wg0 -o wg1 -j DROP; "
                        + "iptables -A FORWARD -i wg1 -o wg0 -j DROP"
                ),
            ]),
        Case(
            code: .intentUnreachable, severity: .error, base: "lint-two-hub",
            edits: [
                Edit("intent.yaml", "", "rules:\n  - allow: [alice, bob]\n"),
                Edit(
                    "hub/wg0.conf", "ip_forward=1", "ip_forward=1\nPostUp = iptables -A FORWARD -i wg0 -o wg1 -j DROP"),
            ], at: "lint-two-hub/intent.yaml:2",
            clean: [Edit("intent.yaml", "", "rules:\n  - allow: [alice, bob]\n")]),
    ]

    @Test(arguments: cases)
    func producesFinding(_ c: Case) throws {
        let report = LintFixtures.lint(try LintFixtures.load(c.base, c.edits))
        let found = report.findings(c.code)
        #expect(!found.isEmpty, "no \(c.code.rawValue) in:\n\(report.text())")
        #expect(found.allSatisfy { $0.severity == c.severity })
        if let at = c.at {
            #expect(
                found.contains { $0.primaryLocation?.short == at },
                "\(c.code.rawValue) not at \(at): \(found.map { $0.primaryLocation?.short ?? "-" })")
        }
        #expect(found.allSatisfy { !$0.message.isEmpty && !$0.fix.isEmpty && !$0.hosts.isEmpty })
    }

    @Test(arguments: cases)
    func nearIdenticalNetworkDoesNotProduceIt(_ c: Case) throws {
        let report = LintFixtures.lint(try LintFixtures.load(c.base, c.clean))
        let found = report.findings(c.code).filter { $0.severity == c.severity }
        #expect(found.isEmpty, "unexpected \(c.code.rawValue):\n\(report.text())")
    }

    @Test func everyCodeHasACase() {
        let covered = Set(Self.cases.map(\.code))
        #expect(Set(FindingCode.allCases).subtracting(covered).isEmpty)
    }
}
