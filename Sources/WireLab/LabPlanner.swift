import WireAnalysis
import WireConfig

/// Decides the lab for a network: who owns which public address, who sits behind NAT, which infrastructure
/// addresses the lab may use without colliding with anything the configs name. Pure: touches nothing.
///
/// A host owns an address when another host's `[Peer]` with `Endpoint = X:port` names the host's public key (or,
/// for a key not in the network, when facts list X or the name); facts `public_addresses` and `names` add to that.
/// A host with no public address, or `behind_nat: true`, gets a NAT router namespace in front of it.
public struct LabPlanner: Sendable {
    /// The run id.
    public var id: String
    /// The userspace implementation wg-quick starts.
    public var implementation: String
    /// Where run directories live.
    public var runRoot: String

    /// A planner for run `id`, whose files go to `runRoot/id`.
    public init(id: String, implementation: String = "wireguard-go", runRoot: String = Lab.defaultRunRoot) {
        self.id = id
        self.implementation = implementation
        self.runRoot = runRoot
    }

    /// Plans the lab for `network`, read from `directory`.
    public func plan(network: Network, directory: String) throws(LabError) -> LabPlan {
        let prefix = LabPlan.prefix(id: id)
        let runDir = "\(runRoot)/\(id)"
        var pool = AddressPool(avoiding: LabPlanner.usedPrefixes(network))

        // Who owns which public address and name. Facts say it first; an Endpoint address no fact gives away
        // belongs to the host whose key the [Peer] names (the first such claim wins, so an Endpoint pointing at the
        // wrong host reaches that host, as in life). Names resolve only as the analysis resolves them
        // (a host's `names` facts, or exactly its own name): a name nothing gives to a host - a typo -
        // is in no host's /etc/hosts, and wg-quick fails on it as it would in life. (No guessing from the first DNS
        // label: `hub.exmaple` is not `hub`.)
        var claimed: [String: [IPAddress]] = [:]
        var owner: [IPAddress: String] = [:]
        var names: [String: [String]] = [:]
        func claim(_ host: String, _ a: IPAddress) {
            guard owner[a] == nil else { return }
            owner[a] = host
            claimed[host, default: []].append(a)
        }
        for h in network.hosts {
            for a in h.facts.publicAddresses { claim(h.name, a) }
            for n in h.facts.names where !(names[h.name] ?? []).contains(n) { names[h.name, default: []].append(n) }
        }
        for h in network.hosts {
            for i in h.interfaces {
                for p in i.config.peers {
                    guard let e = p.endpoint else { continue }
                    switch e.host {
                    case .address(let a):
                        guard let o = network.owner(of: p.publicKey)?.host ?? network.host(for: e)?.name, o != h.name
                        else { continue }
                        claim(o, a)
                    case .name(let n):
                        guard let o = LabPlanner.host(named: n, in: network) else { continue }
                        if !(names[o] ?? []).contains(where: { $0.lowercased() == n.lowercased() }) {
                            names[o, default: []].append(n)
                        }
                    }
                }
            }
        }
        for a in owner.keys { pool.reserve(a) }
        // A name with no address behind it gets one.
        for h in network.hosts where claimed[h.name] == nil && names[h.name] != nil {
            claim(h.name, try Self.need(pool.nextPublicV4(), "a public IPv4 address for \(h.name)"))
        }
        try Self.checkNames(network)
        let usesIPv6 = claimed.values.joined().contains { $0.isIPv6 }

        var hosts: [HostPlan] = []
        for (index, h) in network.hosts.enumerated() {
            let safe = LabPlanner.safeName(h.name)
            let ns = "\(prefix)h-\(safe)"
            var publics = claimed[h.name] ?? []
            var nat: NATPlan?
            if h.facts.behindNAT == true || publics.isEmpty {
                let forwarded = publics.isEmpty ? [] : h.interfaces.compactMap(\.config.interface.listenPort)
                let what = "the NAT router of \(h.name)"
                if !publics.contains(where: \.isIPv4) { publics.append(try Self.need(pool.nextPublicV4(), what)) }
                if usesIPv6 && !publics.contains(where: \.isIPv6) {
                    publics.append(try Self.need(pool.nextPublicV6(), what))
                }
                let (host4, router4) = try Self.need(pool.nextPrivateV4(), what)
                let six = usesIPv6 ? try Self.need(pool.nextPrivateV6(), what) : nil
                nat = NATPlan(
                    namespace: "\(prefix)n-\(safe)", hostIPv4: host4, routerIPv4: router4,
                    hostIPv6: six?.0, routerIPv6: six?.1, forwardedPorts: forwarded.sorted(),
                    udpTimeout: h.facts.natUDPTimeout)
            }
            let lans = try h.facts.lans.map { lan throws(LabError) in
                let hostAddr = lan.hostAddress
                let machine = try Self.machineAddress(lan, host: h.name)
                return LANPlan(
                    name: lan.name, namespace: "\(prefix)l-\(safe)-\(LabPlanner.safeName(lan.name))",
                    interface: lan.interface, hostAddress: "\(hostAddr)", machineAddress: "\(machine)",
                    prefixLength: lan.prefix.length)
            }
            let interfaces = h.interfaces.map { i in
                InterfacePlan(
                    name: i.name, sourceFile: i.file, labFile: "\(runDir)/hosts/\(safe)/\(i.name).conf",
                    addresses: i.config.interface.addresses.map { "\($0.address)" })
            }
            hosts.append(
                HostPlan(
                    name: h.name, namespace: ns, uplink: h.facts.uplink ?? "eth0", internetLink: "h\(index)",
                    publicAddresses: publics.sorted().map { "\($0)" }, nat: nat, lans: lans, interfaces: interfaces,
                    forwardingIPv4: h.facts.ipv4Forwarding, forwardingIPv6: h.facts.ipv6Forwarding,
                    firewall: LabPlanner.firewall(h.facts)))
        }

        var hostsFile = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        for h in network.hosts {
            guard let ns = names[h.name], let plan = hosts.first(where: { $0.name == h.name }) else { continue }
            for a in plan.publicAddresses { hostsFile += "\(a)\t\(ns.joined(separator: " "))\n" }
        }
        return LabPlan(
            id: id, directory: directory, implementation: implementation,
            internetNamespace: "\(prefix)internet", hosts: hosts, hostsFile: hostsFile,
            runDirectory: runDir)
    }

    /// The host a DNS name belongs to: the one whose `names` facts list it, else the one called exactly that
    /// (case-insensitive); nil for any other name, which then does not resolve in the lab.
    static func host(named name: String, in network: Network) -> String? {
        let lower = name.lowercased()
        if let h = network.hosts.first(where: { $0.facts.names.contains { $0.lowercased() == lower } }) {
            return h.name
        }
        return network.hosts.first { $0.name.lowercased() == lower }?.name
    }

    /// Every prefix the configs and facts name, which the lab's own addresses must stay clear of.
    static func usedPrefixes(_ network: Network) -> [IPPrefix] {
        var used: [IPPrefix] = []
        for h in network.hosts {
            used += h.facts.publicAddresses.map { IPPrefix.host($0) }
            used += h.facts.lans.map(\.prefix)
            for i in h.interfaces {
                used += i.config.interface.addresses.map(\.network)
                for p in i.config.peers {
                    used += p.allowedIPs.filter { $0.length >= 8 }
                    if let a = p.endpoint?.address { used.append(.host(a)) }
                }
            }
        }
        return used
    }

    /// The iptables commands that make a host's facts true: masquerade, FORWARD policy and rules.
    static func firewall(_ facts: HostFacts) -> [[String]] {
        var cmds: [[String]] = []
        for m in facts.masquerade {
            var args = ["-t", "nat", "-A", "POSTROUTING"]
            if let s = m.source { args += ["-s", "\(s)"] }
            if let o = m.outInterface { args += ["-o", o] }
            args += ["-j", "MASQUERADE"]
            if m.source.map(\.address.isIPv4) ?? true { cmds.append(["iptables"] + args) }
            if m.source.map(\.address.isIPv6) ?? true { cmds.append(["ip6tables"] + args) }
        }
        if let p = facts.forwardPolicy {
            let target = p == .accept ? "ACCEPT" : "DROP"
            cmds += [["iptables", "-P", "FORWARD", target], ["ip6tables", "-P", "FORWARD", target]]
        }
        for r in facts.forwardRules {
            var args = ["-A", "FORWARD"]
            if let i = r.inInterface { args += ["-i", i] }
            if let o = r.outInterface { args += ["-o", o] }
            if let s = r.source { args += ["-s", "\(s)"] }
            if let d = r.destination { args += ["-d", "\(d)"] }
            args += ["-j", r.action.rawValue.uppercased()]
            let family = (r.source ?? r.destination).map { $0.address.isIPv4 }
            if family ?? true { cmds.append(["iptables"] + args) }
            if !(family ?? false) { cmds.append(["ip6tables"] + args) }
        }
        return cmds
    }

    /// `value`, or the error that the lab's address ranges have no room left for `what`.
    static func need<T>(_ value: T?, _ what: String) throws(LabError) -> T {
        guard let value else {
            throw .cannotPlan(
                "no free lab address for \(what): the network's prefixes cover the lab's ranges (203.0.113.200-253, "
                    + "100.64.0.0/10, 2001:db8:ffff::/64, fdff:77::/32)")
        }
        return value
    }

    /// The LAN machine's address: the host's plus one, else the network address plus two, inside the prefix and
    /// never the host's own or the network address (checked arithmetic: an all-ones prefix is an error, not a trap).
    static func machineAddress(_ lan: LAN, host: String) throws(LabError) -> IPAddress {
        let hostAddr = lan.hostAddress
        let network = lan.prefix.network.address
        var candidates: [IPAddress] = []
        if let next = hostAfter(hostAddr) { candidates.append(next) }
        if let two = lan.prefix.address(after: 2) { candidates.append(two) }
        if let one = lan.prefix.address(after: 1) { candidates.append(one) }
        guard let m = candidates.first(where: { lan.prefix.contains($0) && $0 != hostAddr && $0 != network }) else {
            throw .cannotPlan(
                "LAN \(lan.name) of host \(host): \(lan.prefix) leaves no address for the lab's machine beside the "
                    + "host's \(hostAddr); give the LAN a prefix of /30 (or /126) or shorter")
        }
        return m
    }

    /// The address right after `a`, or nil at the top of the address space.
    static func hostAfter(_ a: IPAddress) -> IPAddress? {
        let unit = UInt128(1) << UInt128(128 - a.bitWidth)
        let (v, overflow) = a.leftAligned.addingReportingOverflow(unit)
        return overflow ? nil : a.withLeftAligned(v)
    }

    /// Fails when two hosts, or two LANs of one host, reduce to the same namespace name (`a b` and `a_b`), naming
    /// both: namespaces would clash half-way through building.
    static func checkNames(_ network: Network) throws(LabError) {
        var seen: [String: String] = [:]
        for h in network.hosts {
            let safe = safeName(h.name)
            if let other = seen[safe] {
                throw .cannotPlan(
                    "hosts `\(other)` and `\(h.name)` would share the lab namespace name `\(safe)` (characters other "
                        + "than letters, digits, - and _ become _); rename one of them")
            }
            seen[safe] = h.name
            var lans: [String: String] = [:]
            for lan in h.facts.lans {
                let s = safeName(lan.name)
                if let other = lans[s] {
                    throw .cannotPlan(
                        "LANs `\(other)` and `\(lan.name)` of host \(h.name) would share the lab namespace name "
                            + "`\(s)`; rename one of them")
                }
                lans[s] = lan.name
            }
        }
    }

    /// A host or LAN name reduced to characters safe in namespace and file names.
    static func safeName(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}
