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
            claim(h.name, pool.nextPublicV4())
        }
        let usesIPv6 = claimed.values.joined().contains { $0.isIPv6 }

        var hosts: [HostPlan] = []
        for (index, h) in network.hosts.enumerated() {
            let safe = LabPlanner.safeName(h.name)
            let ns = "\(prefix)h-\(safe)"
            var publics = claimed[h.name] ?? []
            var nat: NATPlan?
            if h.facts.behindNAT == true || publics.isEmpty {
                let forwarded = publics.isEmpty ? [] : h.interfaces.compactMap(\.config.interface.listenPort)
                if !publics.contains(where: \.isIPv4) { publics.append(pool.nextPublicV4()) }
                if usesIPv6 && !publics.contains(where: \.isIPv6) { publics.append(pool.nextPublicV6()) }
                let (host4, router4) = pool.nextPrivateV4()
                let six = usesIPv6 ? pool.nextPrivateV6() : nil
                nat = NATPlan(
                    namespace: "\(prefix)n-\(safe)", hostIPv4: host4, routerIPv4: router4,
                    hostIPv6: six?.0, routerIPv6: six?.1, forwardedPorts: forwarded.sorted())
            }
            let lans = h.facts.lans.map { lan in
                let hostAddr = lan.hostAddress
                let one = UInt128(1) << UInt128(128 - hostAddr.bitWidth)
                var machine = hostAddr.withLeftAligned(hostAddr.leftAligned + one)
                if !lan.prefix.contains(machine) || machine == lan.prefix.network.address {
                    machine = lan.prefix.network.address.withLeftAligned(
                        lan.prefix.network.address.leftAligned
                            + 2 * one)
                }
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

    /// A host or LAN name reduced to characters safe in namespace and file names.
    static func safeName(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}
