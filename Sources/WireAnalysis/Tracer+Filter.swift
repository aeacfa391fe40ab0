import WireConfig

/// The host's own INPUT and OUTPUT chains (iptables/ip6tables filter table, nft input/output hooks): for tunnel
/// traffic the host itself sends or receives, and for the WireGuard UDP datagrams that carry it (netfilter sees
/// both: the inner packet on the WireGuard interface, the outer datagram on the uplink).
extension Tracer {
    /// A check of the INPUT or OUTPUT chain: nil when the chain has neither rules nor a stated policy (Linux
    /// accepts, and the hop lists no step), else the step (failed when the chain drops the packet).
    func chainStep(
        _ h: Int, _ chain: FilterChain, family: IPFamily, inInterface: String? = nil, outInterface: String? = nil,
        source: IPAddress?, destination: IPAddress?, state: ConnectionState, proto: String, dport: UInt16? = nil,
        sport: UInt16? = nil, what: String
    ) -> TraceStep? {
        let f = facts[h]
        let rules = chain == .input ? f.inputRules : f.outputRules
        guard !rules.isEmpty || f.chainPolicies[chain]?[family] != nil else { return nil }
        let d = f.filterDecision(
            chain, family: family, inInterface: inInterface, outInterface: outInterface, source: source,
            destination: destination, state: state, proto: proto, dport: dport, sport: sport)
        let check: TraceCheck = chain == .input ? .input : .output
        let setting = "\(chain.name) " + (d.rule == nil ? "policy" : "rule")
        let by = d.rule == nil ? "the \(chain.name) policy \(d.action.rawValue.uppercased())" : "the \(chain.name) rule"
        if d.action == .accept {
            return TraceStep(check, ok: true, "\(by) accepts \(what)", setting: setting, location: d.location)
        }
        let tool = family == .ipv4 ? "iptables" : "ip6tables"
        let iface = chain == .input ? inInterface.map { " -i \($0)" } ?? "" : outInterface.map { " -o \($0)" } ?? ""
        let ports = (dport.map { " --dport \($0)" } ?? "") + (sport.map { " --sport \($0)" } ?? "")
        let p = proto == "icmp" ? "" : " -p \(proto)"
        let accept = "\(tool) -I \(chain.name)\(iface)\(p)\(ports) -j ACCEPT"
        let file = hookFile(h, [inInterface, outInterface].compactMap { $0 })
        return TraceStep(
            check, ok: false,
            "\(by) \(d.action == .drop ? "drops" : "rejects") \(what) on \(network.hosts[h].name)", setting: setting,
            location: d.location,
            fix: d.rule == nil
                ? "add `PostUp = \(accept)` to the [Interface] of \(file)"
                : "remove or narrow the rule at \(d.location.map { "\($0.fileLine)" } ?? "?"), or add "
                    + "`PostUp = \(accept)` so an ACCEPT comes first")
    }

    /// The WireGuard datagram's way out of the sender and into the receiver: OUTPUT on the sender (UDP from its
    /// ListenPort out of the uplink), INPUT on the receiver (UDP to its ListenPort in on the uplink).
    func datagramSteps(
        _ sender: IfaceRef, _ receiver: IfaceRef, family: IPFamily, endpointPort: UInt16?, established: Bool
    ) -> (out: TraceStep?, in: TraceStep?) {
        let s = iface(sender)
        let r = iface(receiver)
        let state: ConnectionState = established ? .established : .new
        let out = chainStep(
            sender.host, .output, family: family, outInterface: facts[sender.host].uplink, source: nil,
            destination: nil, state: state, proto: "udp", dport: endpointPort ?? r.config.interface.listenPort,
            sport: s.config.interface.listenPort,
            what: "the WireGuard datagrams from \(s.qualifiedName) to \(r.qualifiedName)")
        let into = chainStep(
            receiver.host, .input, family: family, inInterface: facts[receiver.host].uplink, source: nil,
            destination: nil, state: state, proto: "udp", dport: r.config.interface.listenPort,
            sport: s.config.interface.listenPort,
            what: "the WireGuard datagrams from \(s.qualifiedName) to UDP port "
                + "\(r.config.interface.listenPort.map(String.init) ?? "(random)")")
        return (out, into)
    }

    /// The address family of the datagrams between two interfaces: the Endpoint's, else the receiver's public
    /// address's, else IPv4.
    func datagramFamily(_ entry: PeerConfig, back: PeerConfig?, receiver: IfaceRef) -> IPFamily {
        for e in [entry.endpoint, back?.endpoint].compactMap({ $0 }) {
            if case .address(let a) = e.host { return IPFamily(a) }
        }
        return facts[receiver.host].publicAddresses.first.map(IPFamily.init) ?? .ipv4
    }

    /// Reverse-path filtering of an IPv4 packet arriving on `inIf` (ip-sysctl.rst: the mode is max(all, iface);
    /// strict 1 drops a packet whose source is not routed back out of the interface it came in on, loose 2 only one
    /// whose source has no route at all). Nil when no file states rp_filter for the interface (Linux's default, 0).
    func rpFilterStep(_ h: Int, _ pkt: Packet, inIf: String) -> TraceStep? {
        let mode = facts[h].rpFilter(on: inIf)
        guard !mode.source.isDefault, mode.value > 0 else { return nil }
        let back = tables[h].lookup(pkt.source)
        let device = back?.device ?? facts[h].uplink
        let setting = "rp_filter"
        if mode.value == 2 || device == inIf {
            return TraceStep(
                .rpFilter, ok: true,
                "rp_filter \(mode.value) on \(inIf): \(pkt.source) is routed back "
                    + (mode.value == 2 ? "(loose: any route will do)" : "out of \(inIf)"),
                setting: setting, location: mode.source.location)
        }
        return TraceStep(
            .rpFilter, ok: false,
            "rp_filter 1 (strict) on \(network.hosts[h].name)'s \(inIf): the route back to \(pkt.source) "
                + "leaves through "
                + "\(device), not \(inIf), so the packet is dropped as spoofed",
            setting: setting, location: mode.source.location,
            fix: "route \(pkt.source) through \(inIf) on \(network.hosts[h].name) (AllowedIPs with wg-quick's routes, "
                + "or `PostUp = ip route add \(IPPrefix.host(pkt.source)) dev \(inIf)`), or set rp_filter to 2 (loose)"
                + (mode.source.location.map { " at \($0.fileLine)" } ?? ""))
    }
}
