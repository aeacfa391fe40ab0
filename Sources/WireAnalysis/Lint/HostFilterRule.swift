import WireConfig

/// Finds a host whose own INPUT or OUTPUT chain (iptables/ip6tables/nft, from host.yaml and PreUp/PostUp) drops
/// what WireGuard needs: the UDP datagrams to or from an interface's ListenPort (nothing is ever decrypted), or the
/// tunnel's traffic to or from the host itself (pings to its tunnel address die, and so do its replies).
struct HostFilterRule: LintRule {
    var codes: [FindingCode] { [.inputBlocked, .outputBlocked] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            let f = context.facts(host.name)
            guard !f.inputRules.isEmpty || !f.outputRules.isEmpty || !f.chainPolicies.isEmpty else { continue }
            for iface in host.interfaces where LintContext.isUsable(iface) {
                let port = iface.config.interface.listenPort
                let families = Set(iface.config.interface.addresses.map { IPFamily($0.address) })
                let udpFamilies =
                    f.publicAddresses.isEmpty ? [IPFamily.ipv4] : Set(f.publicAddresses.map(IPFamily.init))
                for family in IPFamily.allCases {
                    let tool = family == .ipv4 ? "iptables" : "ip6tables"
                    var checks: [(FilterChain, FilterDecision, String, String)] = []
                    if let port, udpFamilies.contains(family) {
                        checks.append(
                            (
                                .input,
                                f.filterDecision(
                                    .input, family: family, inInterface: f.uplink, source: nil, destination: nil,
                                    state: .new, proto: "udp", dport: port),
                                "UDP to its ListenPort \(port) (the WireGuard datagrams)",
                                "\(tool) -I INPUT -p udp --dport \(port) -j ACCEPT"
                            ))
                        checks.append(
                            (
                                .output,
                                f.filterDecision(
                                    .output, family: family, outInterface: f.uplink, source: nil, destination: nil,
                                    state: .new, proto: "udp", sport: port),
                                "UDP from its ListenPort \(port) (the WireGuard datagrams)",
                                "\(tool) -I OUTPUT -p udp --sport \(port) -j ACCEPT"
                            ))
                    }
                    if families.contains(family) {
                        for state in [ConnectionState.new, .established] {
                            checks.append(
                                (
                                    .input,
                                    f.filterDecision(
                                        .input, family: family, inInterface: iface.name, source: nil,
                                        destination: nil, state: state, proto: "icmp"),
                                    "tunnel traffic in on \(iface.name)" + (state == .new ? "" : " (replies)"),
                                    "\(tool) -I INPUT -i \(iface.name) -j ACCEPT"
                                ))
                            checks.append(
                                (
                                    .output,
                                    f.filterDecision(
                                        .output, family: family, outInterface: iface.name, source: nil,
                                        destination: nil, state: state, proto: "icmp"),
                                    "tunnel traffic out of \(iface.name)" + (state == .new ? "" : " (replies)"),
                                    "\(tool) -I OUTPUT -o \(iface.name) -j ACCEPT"
                                ))
                        }
                    }
                    var seen = Set<String>()
                    for (chain, d, what, accept) in checks where d.action != .accept {
                        let key = "\(chain)\(d.location?.fileLine ?? "policy")\(what.prefix(12))"
                        guard seen.insert(key).inserted else { continue }
                        let by = d.rule == nil ? "its \(chain.name) policy \(d.action.rawValue.uppercased())" : "a rule"
                        out.append(
                            Finding(
                                chain == .input ? .inputBlocked : .outputBlocked, .error, hosts: [host.name],
                                interfaces: [iface.id], locations: [d.location ?? iface.location(of: .listenPort)],
                                message: "\(host.name)'s \(chain.name) chain drops \(what) of \(iface.qualifiedName): "
                                    + "\(by)" + (d.location.map { " at \($0.fileLine)" } ?? "")
                                    + (family == .ipv6 ? " (IPv6)" : ""),
                                fix: "remove or narrow that rule, or add `PostUp = \(accept)` to \(iface.file) so an "
                                    + "ACCEPT comes first"))
                    }
                }
            }
        }
        return out
    }
}
