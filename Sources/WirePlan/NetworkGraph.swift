import WireAnalysis
import WireConfig
import WireNet

/// Draws a network directory as Graphviz DOT (docs/plan.md, "graph"): hosts as clusters holding their interfaces and
/// LANs, tunnels as edges between the interfaces that peer, NAT as a dashed host, the intent's isolated pairs as red
/// dashed edges, lint findings on the edges (or interfaces) they bite, and, when given, one trace's path in blue with
/// the hop that drops it in red.
public struct NetworkGraph {
    public var network: Network
    public var findings: [Finding]
    public var trace: TraceResult?

    public init(network: Network, findings: [Finding] = [], trace: TraceResult? = nil) {
        self.network = network
        self.findings = findings
        self.trace = trace
    }

    /// The DOT text; stable for the same network (hosts, interfaces and peers in file order).
    public func dot() -> String {
        var out = "digraph wiresmith {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", compound=true];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
        let dropHost = trace.flatMap { $0.verdict.delivered ? nil : $0.verdict.host }
        // Findings that name one interface only sit on that interface.
        var onInterface: [String: [Finding]] = [:]
        var onEdge: [Set<String>: [Finding]] = [:]
        for f in findings where f.severity != .info {
            let ids = f.interfaces.map(\.description)
            if ids.count >= 2 {
                onEdge[Set(ids.prefix(2)), default: []].append(f)
            } else if let id = ids.first {
                onInterface[id, default: []].append(f)
            }
        }
        for host in network.hosts {
            let f = host.facts
            var label = host.name
            if !f.publicAddresses.isEmpty {
                label += "\\npublic \(f.publicAddresses.map(\.description).joined(separator: ", "))"
            }
            if f.behindNAT == true { label += "\\nbehind NAT" }
            out += "  subgraph \(q("cluster_" + host.name)) {\n"
            out += "    label=\(q(label));\n"
            out += "    style=\(f.behindNAT == true ? "dashed" : "solid");\n"
            if host.name == dropHost { out += "    color=red; penwidth=2;\n" }
            for i in host.interfaces {
                let c = i.config.interface
                var l = i.name
                if !c.addresses.isEmpty { l += "\\n" + c.addresses.map(\.description).joined(separator: "\\n") }
                if let p = c.listenPort { l += "\\n:\(p)" }
                var attrs = "shape=box, label=\(q(l))"
                if let fs = onInterface[i.qualifiedName] {
                    attrs += ", color=\(color(fs)), xlabel=\(q(fs.map(\.code.rawValue).joined(separator: "\\n")))"
                }
                out += "    \(q(i.qualifiedName)) [\(attrs)];\n"
            }
            for lan in f.lans {
                let lanLabel = q("LAN \(lan.name)\\n\(lan.prefix)")
                out +=
                    "    \(q("lan:\(host.name):\(lan.prefix)")) [shape=folder, label=\(lanLabel)];\n"
            }
            out += "  }\n"
            for lan in f.lans {
                if let first = host.interfaces.first {
                    let lanID = "lan:\(host.name):\(lan.prefix)"
                    out +=
                        "  \(q(first.qualifiedName)) -> \(q(lanID)) [dir=none, style=dotted];\n"
                }
            }
        }
        // Tunnels: one edge per pair of interfaces that name each other (or one names the other).
        var drawn = Set<Set<String>>()
        for host in network.hosts {
            for i in host.interfaces {
                for peer in i.config.peers {
                    for other in network.interfacesByKey[peer.publicKey] ?? []
                    where other.description != i.qualifiedName {
                        let pair: Set<String> = [i.qualifiedName, other.description]
                        guard drawn.insert(pair).inserted else { continue }
                        var label = peer.allowedIPs.map(\.description).joined(separator: "\\n")
                        if let k = peer.persistentKeepalive, k > 0 { label += "\\nkeepalive \(k)" }
                        var attrs = "dir=none, label=\(q(label))"
                        if let fs = onEdge[pair] {
                            let codes = q(fs.map(\.code.rawValue).joined(separator: "\\n"))
                            attrs +=
                                ", color=\(color(fs)), penwidth=2, xlabel=\(codes)"
                        }
                        out += "  \(q(i.qualifiedName)) -> \(q(other.description)) [\(attrs)];\n"
                    }
                }
            }
        }
        // Intended isolation: pairs of hosts the intent says must not reach each other (first tunnel address each).
        if network.intent.isStated {
            let firsts = network.hosts.compactMap { h in
                h.interfaces.first.flatMap { i in
                    i.config.interface.addresses.first.map { (h.name, i.qualifiedName, $0.address) }
                }
            }
            for (x, a) in firsts.enumerated() {
                for b in firsts[(x + 1)...] where a.2.isIPv4 == b.2.isIPv4 {
                    let ab = network.expectation(
                        from: IntentParty(host: a.0, address: a.2), to: IntentParty(host: b.0, address: b.2))
                    let ba = network.expectation(
                        from: IntentParty(host: b.0, address: b.2), to: IntentParty(host: a.0, address: a.2))
                    let deny = (ab.kind == .mustNotReach, ba.kind == .mustNotReach)
                    guard deny.0 || deny.1 else { continue }
                    let dir = deny.0 && deny.1 ? "both" : deny.0 ? "forward" : "back"
                    out += "  \(q(a.1)) -> \(q(b.1)) [style=dashed, color=red, constraint=false, dir=\(dir), "
                    out += "arrowhead=tee, arrowtail=tee, label=\"isolated\", fontcolor=red];\n"
                }
            }
        }
        if let trace { out += traceEdges(trace) }
        out += "}\n"
        return out
    }

    /// The traced path: one blue edge per hop change, the dropping hop's reason in red.
    func traceEdges(_ t: TraceResult) -> String {
        var out = ""
        func node(_ hop: TraceHop) -> String {
            if let iface = hop.arrivedOn,
                network.hosts.contains(where: { $0.name == hop.host && $0.interface(iface) != nil })
            {
                return "\(hop.host)/\(iface)"
            }
            return network.hosts.first { $0.name == hop.host }?.interfaces.first?.qualifiedName ?? hop.host
        }
        for (a, b) in zip(t.hops, t.hops.dropFirst()) where node(a) != node(b) {
            let color = b.direction == .forward ? "blue" : "darkgreen"
            out += "  \(q(node(a))) -> \(q(node(b))) [color=\(color), penwidth=3, constraint=false, "
            out += "label=\(q("\(b.number) \(b.direction.rawValue)")), fontcolor=\(color)];\n"
        }
        if !t.verdict.delivered, let h = t.verdict.hop, let hop = t.hops.first(where: { $0.number == h }) {
            let dropLabel = q("dropped at hop \(h)\\n\(t.verdict.reason.prefix(120))")
            out +=
                "  \"trace-drop\" [shape=octagon, color=red, fontcolor=red, label=\(dropLabel)];\n"
            out += "  \(q(node(hop))) -> \"trace-drop\" [color=red, penwidth=3];\n"
        }
        return out
    }

    func color(_ fs: [Finding]) -> String { fs.contains { $0.severity == .error } ? "red" : "orange" }

    /// A DOT string literal.
    func q(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
