import Testing

@testable import WireDoctor

/// `NftSourceNATRule` over a hand-written `nft -j list ruleset`: only rules in a chain on the postrouting hook with a
/// masquerade or snat statement, each `oifname` match kept in order with its operator.
@Suite struct NftSourceNATTests {
    static let ruleset = """
        {"nftables": [
          {"chain": {"family": "ip", "table": "nat", "name": "post", "hook": "postrouting"}},
          {"chain": {"family": "ip", "table": "filter", "name": "fwd", "hook": "forward"}},
          {"rule": {"family": "ip", "table": "nat", "chain": "post", "expr": [
            {"match": {"op": "!=", "left": {"meta": {"key": "oifname"}}, "right": "wg0"}},
            {"masquerade": null}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "post", "expr": [
            {"match": {"left": {"meta": {"key": "oifname"}}, "right": "eth1"}},
            {"snat": {"addr": "192.0.2.1"}}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "post", "expr": [{"accept": null}]}},
          {"rule": {"family": "ip", "table": "filter", "chain": "fwd", "expr": [{"masquerade": null}]}}
        ]}
        """

    @Test func postroutingSourceNATRulesWithTheirOutputInterfaces() {
        let rules = NftSourceNATRule.all(in: Self.ruleset)
        #expect(rules.count == 2)
        #expect(rules.map(\.chain) == ["post", "post"])
        #expect(rules.map { $0.outInterfaceMatches.map(\.name) } == [["wg0"], ["eth1"]])
        #expect(rules.map { $0.outInterfaceMatches.map(\.op) } == [["!="], ["=="]])
        #expect(NftSourceNATRule.all(in: "not json").isEmpty)
    }
}
