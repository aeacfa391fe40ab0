import WireAnalysis
import WireConfig
import WireNet

/// What `wiresmith plan` reads: hosts, the WireGuard networks between them, and who may reach whom (docs/plan.md).
///
/// Each network becomes one wg-quick interface (named after the network, e.g. `wg0`) on each of its hosts. A network
/// with a `hub` is hub-and-spoke: the hub listens on `port` and forwards between its clients; one without is a full
/// mesh in which every member listens on `port` and peers with every other member.
public struct Topology: Sendable {
    /// The file as named to the reader.
    public var file: String
    /// Hosts, in file order.
    public var hosts: [Host]
    /// Networks (interfaces), in file order.
    public var networks: [WireNetwork]
    /// The `intent:` section, read as docs/intent.md defines it; no rules (everyone reaches everyone) when absent.
    public var intent: Intent
    /// DNS servers for the clients that state none.
    public var dns: [String]
    /// MTU for every interface that states none.
    public var mtu: Int?

    /// A machine of the topology.
    public struct Host: Sendable {
        public var name: String
        public var location: SourceLocation
        /// Where other hosts' Endpoint lines reach it; nil when it has no public address.
        public var publicAddress: IPAddress?
        /// True when it reaches the internet through NAT (so it must keep its mappings open).
        public var behindNAT: Bool
        /// Networks behind the host (site-to-site), with the host as their gateway.
        public var lans: [IPPrefix]
        /// Send everything (0.0.0.0/0, ::/0) through the hub.
        public var fullTunnel: Bool
        public var dns: [String]
        public var mtu: Int?
        /// The internet-facing interface; `eth0` when not stated.
        public var uplink: String
        /// A host with neither a public address nor NAT stated can still be dialed by nobody.
        public var reachable: Bool { publicAddress != nil }
    }

    /// One WireGuard network: one interface on each member.
    public struct WireNetwork: Sendable {
        /// The interface name on every member (`wg0`).
        public var name: String
        public var location: SourceLocation
        /// The hub of a hub-and-spoke network; nil for a full mesh.
        public var hub: String?
        /// The UDP port the hub (or, in a mesh, every member) listens on.
        public var port: Int
        public var portLocation: SourceLocation
        /// Tunnel subnets, at most one per family.
        public var subnets: [IPPrefix]
        /// The members other than the hub, in order, with where each is named.
        public var members: [(name: String, location: SourceLocation)]

        /// Every host of the network, the hub first.
        public var allHosts: [String] { (hub.map { [$0] } ?? []) + members.map(\.name) }
    }

    public func host(_ name: String) -> Host? { hosts.first { $0.name == name } }
}
