import WireAnalysis

/// The whole lab, decided before anything is built: namespaces, links, addresses. Saved as the run's state file.
///
/// Addresses are kept as text (`10.0.0.1`, `192.168.10.1/24`) so the state file reads plainly and stays stable.
public struct LabPlan: Codable, Sendable, Hashable {
    /// The run id (`3f2a`); every name of the run starts with `prefix`.
    public var id: String
    /// The network directory the lab was built from (absolute).
    public var directory: String
    /// The userspace WireGuard implementation wg-quick starts (`wireguard-go`).
    public var implementation: String
    /// The namespace of the simulated internet's router.
    public var internetNamespace: String
    /// Every host of the network, in name order.
    public var hosts: [HostPlan]
    /// The `/etc/hosts` every host sees: localhost plus every Endpoint name of the network.
    public var hostsFile: String
    /// Where the run keeps its state, config copies and holder pid files.
    public var runDirectory: String

    /// The prefix of every namespace of this run: `ws<id>-`.
    public var prefix: String { LabPlan.prefix(id: id) }

    /// The namespace prefix for a run id.
    public static func prefix(id: String) -> String { "ws\(id)-" }

    /// The host with this name.
    public func host(_ name: String) -> HostPlan? { hosts.first { $0.name == name } }

    /// Every namespace the lab makes: the internet router's, each host's, NAT router's and LAN machine's.
    public var namespaces: [String] {
        [internetNamespace]
            + hosts.flatMap { h in [h.namespace] + (h.nat.map { [$0.namespace] } ?? []) + h.lans.map(\.namespace) }
    }
}

/// One host of the lab: its namespace, its place on the internet, its LANs and its WireGuard interfaces.
public struct HostPlan: Codable, Sendable, Hashable {
    /// The host's name, as in the network directory.
    public var name: String
    /// The host's network namespace (`ws<id>-h-<host>`).
    public var namespace: String
    /// The internet-facing interface inside the host (facts `uplink`, default `eth0`).
    public var uplink: String
    /// The veth in the internet router's namespace leading to the host (or to its NAT router).
    public var internetLink: String
    /// Where other hosts reach it: on its own uplink, or on its NAT router when `nat` is set.
    public var publicAddresses: [String]
    /// The NAT router in front of the host, when it is behind NAT.
    public var nat: NATPlan?
    /// The LANs behind the host, from facts.
    public var lans: [LANPlan]
    /// The host's WireGuard interfaces, in name order.
    public var interfaces: [InterfacePlan]
    /// Forwarding from facts; nil leaves the namespace's default (off) to the configs' PostUp lines.
    public var forwardingIPv4: Bool?
    /// IPv6 forwarding from facts; nil leaves it to the configs.
    public var forwardingIPv6: Bool?
    /// iptables/ip6tables commands realising the facts' masquerade and forward rules, in order.
    public var firewall: [[String]]

    /// True when the host sits behind a NAT router.
    public var behindNAT: Bool { nat != nil }
}

/// A NAT router namespace between a host and the internet (SNAT/MASQUERADE out, optional UDP port forwards in).
public struct NATPlan: Codable, Sendable, Hashable {
    /// The NAT router's namespace (`ws<id>-n-<host>`).
    public var namespace: String
    /// The host's address behind the router and the router's, with prefix length (`100.64.0.2/30`).
    public var hostIPv4: String
    /// The NAT router's address on the link to the host (`100.64.0.1/30`).
    public var routerIPv4: String
    /// The host's IPv6 address behind the router, when the network uses IPv6 endpoints.
    public var hostIPv6: String?
    /// The router's IPv6 address on the link to the host.
    public var routerIPv6: String?
    /// UDP ports forwarded to the host (its ListenPorts) when the host has public addresses of its own.
    public var forwardedPorts: [UInt16]
    /// The UDP mapping timeout in seconds host.yaml states (`nat_udp_timeout`), which the router is given; nil
    /// leaves Linux's (30 s, 120 s once replies were seen), and the check assumes the analysis's 30 s.
    public var udpTimeout: Int?

    /// The timeout the check holds keepalives to: stated, else the analysis's assumption.
    public var effectiveUDPTimeout: Int { udpTimeout ?? HostFacts.assumedNATUDPTimeout }
}

/// A LAN behind a host: a namespace with one machine on it whose default route is the host.
public struct LANPlan: Codable, Sendable, Hashable {
    /// The LAN's name, from facts.
    public var name: String
    /// The LAN machine's namespace (`ws<id>-l-<host>-<lan>`).
    public var namespace: String
    /// The host's interface on the LAN (facts `interface`, e.g. `eth1`).
    public var interface: String
    /// The host's address on the LAN.
    public var hostAddress: String
    /// The LAN machine's address (the host's plus one).
    public var machineAddress: String
    /// The LAN prefix's length.
    public var prefixLength: Int
}

/// One WireGuard interface, brought up with `wg-quick up` of a copy of its config.
public struct InterfacePlan: Codable, Sendable, Hashable {
    /// The interface name (`wg0`).
    public var name: String
    /// The operator's file, for messages.
    public var sourceFile: String
    /// The copy wg-quick reads (0600, in the run directory).
    public var labFile: String
    /// The interface's own addresses (`Address` lines, without prefix length).
    public var addresses: [String]
    /// Why the interface did not come up (wg-quick's refusal, with file:line when known); nil when it is up.
    /// The rest of the lab is built without it, as in life.
    public var failure: String?
}
