import Foundation
import WireAnalysis
import WireConfig
import WireNet
import Yams

/// Reads a topology file (docs/plan.md) and checks it; every problem names its YAML line and column.
///
/// Checked: unknown fields and hosts (in networks and in the intent), overlapping subnets and LANs, two listening
/// interfaces of one host on one port, and pairs that must peer but can never meet (neither side has a public
/// address, and WireGuard has no relay of its own).
public enum TopologyReader {
    public static func read(path: String) throws(PlanError) -> Topology {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw PlanError([.init(.init(file: path, line: 1), "topology", "cannot read the file")]) }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(PlanError) -> Topology {
        var problems: [PlanError.Problem] = []
        func at(_ n: Node?) -> SourceLocation {
            SourceLocation(file: file, line: n?.mark?.line ?? 1, column: n?.mark?.column ?? 1)
        }
        func bad(_ n: Node?, _ field: String, _ message: String) { problems.append(.init(at(n), field, message)) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PlanError([.init(.init(file: file, line: 1), "topology", "not valid YAML: \(error)")])
        }
        guard let map = root?.mapping else {
            throw PlanError([.init(at(root), "topology", "expected a mapping with hosts, networks and intent")])
        }
        var topo = Topology(file: file, hosts: [], networks: [], intent: Intent(file: file), dns: [], mtu: nil)
        func strings(_ n: Node, _ field: String) -> [String] {
            if let s = n.scalar?.string { return [s] }
            guard let seq = n.sequence else {
                bad(n, field, "expected a value or a list")
                return []
            }
            return seq.compactMap { e in
                guard let s = e.scalar?.string else {
                    bad(e, field, "expected a value")
                    return nil
                }
                return s
            }
        }
        func prefixes(_ n: Node, _ field: String) -> [(IPPrefix, SourceLocation)] {
            let items = n.sequence.map(Array.init) ?? [n]
            return items.compactMap { e in
                guard let s = e.scalar?.string, let p = IPPrefix(s) else {
                    bad(e, field, "expected an address prefix such as 10.0.0.0/24")
                    return nil
                }
                guard p.isCanonical else {
                    bad(e, field, "`\(s)` has host bits set; write \(p.network)")
                    return nil
                }
                return (p, at(e))
            }
        }
        func mtu(_ n: Node, _ field: String) -> Int? {
            guard let m = n.int, (576...65535).contains(m) else {
                bad(n, field, "expected an MTU between 576 and 65535")
                return nil
            }
            return m
        }
        var lanPlaces: [(IPPrefix, SourceLocation, String)] = []
        var intentNode: Node?
        for (k, v) in map {
            switch k.scalar?.string {
            case "dns": topo.dns = strings(v, "dns")
            case "mtu": topo.mtu = mtu(v, "mtu")
            case "intent": intentNode = v
            case "hosts":
                guard let hosts = v.mapping else {
                    bad(v, "hosts", "expected a mapping of host names")
                    continue
                }
                for (hk, hv) in hosts {
                    guard let name = hk.scalar?.string, !name.isEmpty, !name.contains("/") else {
                        bad(hk, "hosts", "expected a host name")
                        continue
                    }
                    if topo.host(name) != nil { bad(hk, "hosts.\(name)", "host `\(name)` is defined twice") }
                    var host = Topology.Host(
                        name: name, location: at(hk), publicAddress: nil, behindNAT: false, lans: [],
                        fullTunnel: false, dns: [], mtu: nil, uplink: "eth0")
                    for (fk, fv) in hv.mapping ?? [:] {
                        let field = "hosts.\(name).\(fk.scalar?.string ?? "?")"
                        switch fk.scalar?.string {
                        case "public":
                            guard let s = fv.scalar?.string, let a = IPAddress(s) else {
                                bad(fv, field, "expected the host's public IP address")
                                continue
                            }
                            host.publicAddress = a
                        case "behind_nat": host.behindNAT = fv.bool ?? false
                        case "full_tunnel": host.fullTunnel = fv.bool ?? false
                        case "lans":
                            for (p, loc) in prefixes(fv, field) {
                                host.lans.append(p)
                                lanPlaces.append((p, loc, field))
                            }
                        case "dns": host.dns = strings(fv, field)
                        case "mtu": host.mtu = mtu(fv, field)
                        case "uplink": host.uplink = fv.scalar?.string ?? "eth0"
                        default:
                            bad(fk, field, "unknown field (public, behind_nat, full_tunnel, lans, dns, mtu, uplink)")
                        }
                    }
                    if hv.mapping == nil && hv.scalar?.string != "" && !(hv.scalar?.string == nil) {
                        bad(hv, "hosts.\(name)", "expected a mapping of host facts")
                    }
                    if host.behindNAT && host.publicAddress != nil {
                        bad(hk, "hosts.\(name)", "a host behind NAT has no public address of its own; drop one")
                    }
                    topo.hosts.append(host)
                }
            case "networks":
                guard let nets = v.mapping else {
                    bad(v, "networks", "expected a mapping of interface names")
                    continue
                }
                for (nk, nv) in nets {
                    guard let name = nk.scalar?.string, (1...15).contains(name.utf8.count),
                        name.allSatisfy({ $0.isLetter || $0.isNumber || "_=+.-".contains($0) })
                    else {
                        bad(nk, "networks", "expected an interface name of 1 to 15 letters, digits or _=+.-")
                        continue
                    }
                    var net = Topology.WireNetwork(
                        name: name, location: at(nk), hub: nil, port: 51820, portLocation: at(nk), subnets: [],
                        members: [])
                    for (fk, fv) in nv.mapping ?? [:] {
                        let field = "networks.\(name).\(fk.scalar?.string ?? "?")"
                        switch fk.scalar?.string {
                        case "hub":
                            net.hub = fv.scalar?.string
                            net.members.append((fv.scalar?.string ?? "", at(fv)))
                        case "port":
                            guard let p = fv.int, (1...65535).contains(p) else {
                                bad(fv, field, "expected a UDP port between 1 and 65535")
                                continue
                            }
                            net.port = p
                            net.portLocation = at(fv)
                        case "subnets", "subnet":
                            for (p, loc) in prefixes(fv, field) {
                                if net.subnets.contains(where: { $0.address.isIPv4 == p.address.isIPv4 }) {
                                    problems.append(.init(loc, field, "one subnet per address family"))
                                    continue
                                }
                                net.subnets.append(p)
                                lanPlaces.append((p, loc, field))
                            }
                        case "members":
                            for e in fv.sequence.map(Array.init) ?? [] {
                                guard let s = e.scalar?.string else {
                                    bad(e, field, "expected a host name")
                                    continue
                                }
                                net.members.append((s, at(e)))
                            }
                        default: bad(fk, field, "unknown field (hub, port, subnets, members)")
                        }
                    }
                    // The hub was appended in members' place to keep its location; move it out.
                    if let hub = net.hub { net.members.removeAll { $0.name == hub } }
                    if net.subnets.isEmpty { bad(nk, "networks.\(name).subnets", "a network needs a tunnel subnet") }
                    topo.networks.append(net)
                }
            default: bad(k, k.scalar?.string ?? "topology", "unknown field (hosts, networks, intent, dns, mtu)")
            }
        }
        check(&topo, lanPlaces: lanPlaces, &problems)
        if let intentNode { readIntent(text, node: intentNode, file: file, into: &topo, &problems) }
        guard problems.isEmpty else {
            throw PlanError(
                problems.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        }
        return topo
    }

    /// Hosts named, overlaps, ports, and pairs that can never meet.
    static func check(
        _ topo: inout Topology, lanPlaces: [(IPPrefix, SourceLocation, String)], _ problems: inout [PlanError.Problem]
    ) {
        let known = Set(topo.hosts.map(\.name))
        for net in topo.networks {
            var seen = Set<String>()
            for m in net.allHosts.indices {
                let (name, loc) =
                    m == 0 && net.hub != nil ? (net.hub!, net.location) : net.members[m - (net.hub == nil ? 0 : 1)]
                let field = "networks.\(net.name).\(m == 0 && net.hub != nil ? "hub" : "members")"
                if !known.contains(name) {
                    problems.append(.init(loc, field, "unknown host `\(name)` (not under hosts:)"))
                }
                if !seen.insert(name).inserted { problems.append(.init(loc, field, "`\(name)` is named twice")) }
            }
            for s in net.subnets {
                let room = s.address.isIPv4 ? (1 << min(32 - s.length, 30)) - 2 : Int.max
                if net.allHosts.count > room {
                    problems.append(
                        .init(
                            net.location, "networks.\(net.name).subnets",
                            "\(s) has no room for \(net.allHosts.count) hosts"))
                }
            }
            // Peered pairs: hub with each member, or every two members of a mesh.
            let pairs: [(String, String, SourceLocation)] =
                net.hub.map { hub in net.members.map { (hub, $0.name, $0.location) } }
                ?? net.members.indices.flatMap { i in
                    net.members[(i + 1)...].map { (net.members[i].name, $0.name, $0.location) }
                }
            for (a, b, loc) in pairs {
                guard let ha = topo.host(a), let hb = topo.host(b) else { continue }
                if !ha.reachable && !hb.reachable {
                    problems.append(
                        .init(
                            loc, "networks.\(net.name)",
                            "`\(a)` and `\(b)` can never meet: neither has a public address (behind NAT or unstated) "
                                + "and no relay links them; give one a `public:` address or put both behind a hub"))
                }
            }
        }
        // Two listening interfaces of one host on one port.
        var ports: [String: [Int: String]] = [:]
        for net in topo.networks {
            for host in net.hub.map({ [$0] }) ?? net.members.map(\.name) {
                if let other = ports[host]?[net.port] {
                    problems.append(
                        .init(
                            net.portLocation, "networks.\(net.name).port",
                            "`\(host)` already listens on \(net.port) for \(other); two interfaces cannot share a port")
                    )
                } else {
                    ports[host, default: [:]][net.port] = net.name
                }
            }
        }
        // Overlapping subnets and LANs.
        for i in lanPlaces.indices {
            for j in lanPlaces.indices where j > i && lanPlaces[i].0.overlaps(lanPlaces[j].0) {
                let (p, loc, field) = lanPlaces[j]
                let q = lanPlaces[i]
                problems.append(
                    .init(
                        loc, field,
                        "\(p) overlaps \(q.0) (\(q.2), line \(q.1.line)); tunnel subnets and LANs must not overlap"))
            }
        }
    }

    /// Reads the `intent:` section with `IntentReader`, keeping the topology's lines and columns, then checks every
    /// host it names.
    static func readIntent(
        _ text: String, node: Node, file: String, into topo: inout Topology, _ problems: inout [PlanError.Problem]
    ) {
        // The section's own lines, de-indented, with every other line blanked: lines stay where they were.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = node.mark?.line else { return }
        var first = start - 1
        // A flow mapping on the `intent:` line itself is not supported; a block starts on a later line.
        if node.mapping != nil, first < lines.count, lines[first].hasPrefix("intent:") { first += 1 }
        var end = first
        while end < lines.count {
            let l = lines[end]
            if let c = l.first, c != " ", c != "\t", c != "#" { break }
            end += 1
        }
        let indent = node.mark.map { $0.column - 1 } ?? 0
        var out: [String] = []
        for (i, l) in lines.enumerated() {
            out.append(i >= first && i < end ? String(l.dropFirst(min(indent, l.prefix { $0 == " " }.count))) : "")
        }
        let (intent, diags) = IntentReader.parse(out.joined(separator: "\n"), file: file)
        for d in diags where d.severity == .error {
            var loc = d.location
            loc.column += indent
            problems.append(.init(loc, "intent." + (d.key ?? ""), d.message))
        }
        topo.intent = intent
        // Hosts and HOST/IFACE the rules name must exist.
        let hosts = Set(topo.hosts.map(\.name))
        var named: [(IntentMember, SourceLocation?)] = []
        for g in intent.groups { named += g.members.map { ($0, g.location) } }
        for r in intent.rules { named += [(r.from, r.location), (r.to, r.location)] }
        for (member, where_) in named {
            let target: (String, String?)
            switch member {
            case .host(let h): target = (h, nil)
            case .interface(let h, let i), .clientsOf(let h, let i): target = (h, i)
            case .prefix, .group: continue
            }
            let loc =
                where_.map { SourceLocation(file: file, line: $0.line, column: $0.column + indent) }
                ?? SourceLocation(file: file, line: start)
            if !hosts.contains(target.0) {
                problems.append(.init(loc, "intent", "unknown host `\(target.0)` in `\(member)` (not under hosts:)"))
            } else if let iface = target.1,
                !topo.networks.contains(where: { $0.name == iface && $0.allHosts.contains(target.0) })
            {
                problems.append(.init(loc, "intent", "`\(target.0)` has no interface `\(iface)` (in `\(member)`)"))
            }
        }
    }
}
