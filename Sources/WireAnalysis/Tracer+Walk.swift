import WireConfig

/// The hop-by-hop walk: what each machine does with the packet.
extension Tracer {
    struct Packet: Hashable {
        var source: IPAddress
        var destination: IPAddress
    }

    /// State shared by the forward walk and the reply walk.
    struct Walk {
        /// The moment traced: decides which endpoints are known (see `TracePhase`).
        var phase: TracePhase
        /// What the delivery depended on (an endpoint learned from traffic, a keepalive), for `condition`.
        var dependsOn: [String] = []
        var hops: [TraceHop] = []
        /// Per host: MASQUERADE address -> original source, undone for the reply (conntrack).
        var nat: [Int: [IPAddress: IPAddress]] = [:]
        /// Interface pairs with a session up (a packet went through), so each knows the other's endpoint.
        var sessions: Set<[IfaceRef]> = []
        var notes: [String] = []
        var visited: Set<Int> = []
        /// The host whose uplink a packet left for the internet, and its interface: the reply comes back there.
        var internetExit: (host: Int, uplink: String)?

        mutating func note(_ s: String) { if !notes.contains(s) { notes.append(s) } }
        mutating func depend(_ s: String) { if !dependsOn.contains(s) { dependsOn.append(s) } }
    }

    enum WalkEnd {
        /// Delivered, with the packet as the destination saw it.
        case delivered(Packet)
        case dropped(TraceVerdict)
    }

    /// What a hop decided: deliver here, drop, or hand on (with the checks the next machine makes on arrival).
    enum Next {
        case delivered
        case dropped
        case forward(to: Node, arrivedOn: String, carried: [TraceStep])
    }

    static let maxHops = 64

    func walk(_ w: inout Walk, from start: Node, to target: Node, packet: Packet, direction: TraceDirection)
        -> WalkEnd
    {
        var node = start
        var pkt = packet
        var arrivedOn: String? = nil
        var carried: [TraceStep] = []
        let state: ConnectionState = direction == .forward ? .new : .established
        while true {
            var hop = TraceHop(
                number: w.hops.count + 1, direction: direction,
                host: node.host >= 0 ? network.hosts[node.host].name : "internet",
                node: label(node), arrivedOn: arrivedOn,
                packet: TracePacket(source: pkt.source, destination: pkt.destination), steps: carried)
            if node.host >= 0 { w.visited.insert(node.host) }
            if let failed = carried.first(where: { !$0.ok }) {
                w.hops.append(hop)
                return .dropped(.dropped(at: hop, step: failed))
            }
            if hop.number > Self.maxHops {
                hop.steps.append(
                    TraceStep(
                        .route, ok: false,
                        "the packet has gone through \(Self.maxHops) hops: "
                            + "a routing loop", setting: "AllowedIPs",
                        fix: "follow the hops above and remove the AllowedIPs or route that "
                            + "sends the packet back"))
                w.hops.append(hop)
                return .dropped(.dropped(at: hop, step: Self.failure(of: hop)))
            }
            var steps: [TraceStep] = []
            let next: Next
            switch node {
            case .host(let h):
                next = hostHop(
                    h, &pkt, arrivedOn: arrivedOn, state: state, direction: direction, target: target,
                    &w, &steps)
            case .lanMachine(let h, let l, let address):
                next = lanHop(
                    h, l, address, pkt, arrivedOn: arrivedOn, direction: direction, target: target,
                    &w, &steps)
            case .internet(let a):
                next = internetHop(a, pkt, arrivedOn: arrivedOn, &w, &steps)
            }
            hop.steps += steps
            w.hops.append(hop)
            switch next {
            case .delivered: return .delivered(pkt)
            case .dropped: return .dropped(.dropped(at: hop, step: Self.failure(of: hop)))
            case .forward(let n, let on, let c):
                node = n
                arrivedOn = on
                carried = c
            }
        }
    }

    /// The failed step of a hop that dropped the packet (every drop records one; the fallback is defensive).
    static func failure(of hop: TraceHop) -> TraceStep {
        hop.steps.last { !$0.ok } ?? TraceStep(.route, ok: false, "dropped at \(hop.node)")
    }

    /// `hub`, or `192.168.1.10 (LAN office of site-a)`.
    func label(_ node: Node) -> String {
        switch node {
        case .host(let h): return network.hosts[h].name
        case .internet(let a): return "\(a) (internet)"
        case .lanMachine(let h, let l, let a):
            return "\(a) (LAN \(facts[h].lans[l].name) of \(network.hosts[h].name))"
        }
    }

    /// A machine on a host's LAN: receives the packet, or sends it to its gateway.
    func lanHop(
        _ h: Int, _ l: Int, _ address: IPAddress, _ pkt: Packet, arrivedOn: String?,
        direction: TraceDirection, target: Node, _ w: inout Walk, _ steps: inout [TraceStep]
    ) -> Next {
        let lan = facts[h].lans[l]
        let hostName = network.hosts[h].name
        if arrivedOn != nil {
            steps.append(TraceStep(.deliver, ok: true, "\(address) on LAN \(lan.name) (\(lan.prefix)) receives it"))
            w.note("LAN machines are assumed to exist and answer pings; only the hosts' configs are checked")
            return .delivered
        }
        if lan.prefix.contains(pkt.destination) {
            steps.append(TraceStep(.gateway, ok: true, "\(pkt.destination) is on the same LAN: sent directly"))
            if pkt.destination == lan.hostAddress {
                return .forward(to: .host(h), arrivedOn: lan.interface, carried: [])
            }
            return .forward(
                to: .lanMachine(host: h, lan: l, address: pkt.destination), arrivedOn: lan.interface,
                carried: [])
        }
        let factsLine = lan.gatewayEvidence ?? facts[h].facts.location(of: "lans")
        switch lan.gateway {
        case false?:
            let fix =
                direction == .reply
                ? "add `PostUp = iptables -t nat -A POSTROUTING -o \(lan.interface) -j MASQUERADE` on \(hostName) so "
                    + "replies go to its LAN address, or a route for \(pkt.destination) via \(lan.hostAddress) on "
                    + "the LAN's router"
                : "add a route for \(pkt.destination) via \(lan.hostAddress) on the LAN's router"
            steps.append(
                TraceStep(
                    .gateway, ok: false,
                    "machines on LAN \(lan.name) send \(pkt.destination) to "
                        + "their own router, not to \(hostName) (gateway: false)",
                    setting: "lans.gateway", location: factsLine, fix: fix))
            return .dropped
        case nil:
            w.note(
                "\(hostName) is assumed to be the gateway of LAN \(lan.name); say `gateway: false` in its "
                    + "host.yaml when the LAN uses another router")
        case true?:
            break
        }
        steps.append(
            TraceStep(
                .gateway, ok: true, "sent to its gateway \(hostName) (\(lan.hostAddress))",
                setting: "lans.gateway", location: factsLine))
        return .forward(to: .host(h), arrivedOn: lan.interface, carried: [])
    }

    /// A host: delivers a packet for one of its addresses, else routes, forwards, filters, NATs and sends it on.
    func hostHop(
        _ h: Int, _ pkt: inout Packet, arrivedOn: String?, state: ConnectionState,
        direction: TraceDirection, target: Node, _ w: inout Walk, _ steps: inout [TraceStep]
    ) -> Next {
        let host = network.hosts[h]
        let f = facts[h]
        if direction == .reply, let original = w.nat[h]?[pkt.destination] {
            steps.append(
                TraceStep(
                    .unnat, ok: true,
                    "conntrack undoes the MASQUERADE: destination "
                        + "\(pkt.destination) becomes \(original) again"))
            pkt.destination = original
        }
        if let inIf = arrivedOn, pkt.source.isIPv4, let st = rpFilterStep(h, pkt, inIf: inIf) {
            steps.append(st)
            if !st.ok { return .dropped }
        }
        if arrivedOn == nil, direction == .forward, let d = downInterface(of: h, holding: pkt.source) {
            steps.append(upStep(d, "it holds the source address \(pkt.source)"))
            return .dropped
        }
        if !localAddresses[h].contains(pkt.destination), let d = downInterface(of: h, holding: pkt.destination) {
            steps.append(upStep(d, "it holds the destination address \(pkt.destination)"))
            return .dropped
        }
        if localAddresses[h].contains(pkt.destination) {
            if target != .host(h) {
                // Two machines claim the address: this one answers instead of the one meant.
                let own = host.interfaces.first { i in
                    i.config.interface.addresses.contains { $0.address == pkt.destination }
                }
                let loc = own.map { $0.config.interface.origin?.location(of: .address) ?? $0.location(of: .address) }
                steps.append(
                    TraceStep(
                        .deliver, ok: false,
                        "\(host.name) also has \(pkt.destination), so the packet "
                            + "ends here instead of at \(label(target))", setting: "Address",
                        location: loc ?? facts[h].facts.location(of: "lans"),
                        fix: "give \(host.name) an address of its own instead of \(pkt.destination)"))
                return .dropped
            }
            if let inIf = arrivedOn,
                let st = chainStep(
                    h, .input, family: IPFamily(pkt.destination), inInterface: inIf, source: pkt.source,
                    destination: pkt.destination, state: state, proto: "icmp",
                    what: "\(pkt.source) -> \(pkt.destination) in on \(inIf)")
            {
                steps.append(st)
                if !st.ok { return .dropped }
            }
            let on = addressOwners[pkt.destination].map { " on \(network.hosts[$0.host].interfaces[$0.iface].name)" }
            steps.append(TraceStep(.deliver, ok: true, "\(host.name) owns \(pkt.destination)\(on ?? "")"))
            return .delivered
        }
        guard let route = tables[h].lookup(pkt.destination), route.origin != .uplink else {
            if case .internet = target {
                return internetEgress(h, &pkt, arrivedOn: arrivedOn, state: state, &w, &steps)
            }
            steps.append(missingRouteStep(h, pkt.destination, uplink: f.uplink))
            return .dropped
        }
        let how: String
        switch route.origin {
        case .address: how = "the connected route of Address"
        case .allowedIPs:
            how =
                route.table == nil
                ? "wg-quick's route for AllowedIPs"
                : "wg-quick's rule `not fwmark \(route.table!) table \(route.table!)` for AllowedIPs 0/0"
        case .lan: how = "the LAN \(f.lans.first { $0.interface == route.device }?.name ?? route.device)"
        case .hook: how = "a PostUp `ip route add`"
        case .uplink: how = "the default route"
        case .observed: how = "seen in the running host's table"
        }
        steps.append(
            TraceStep(
                .route, ok: true, "route \(route) (\(how))",
                setting: route.origin == .allowedIPs
                    ? "AllowedIPs"
                    : route.origin == .address
                        ? "Address" : route.origin == .observed ? "route" : nil,
                location: route.location))
        let family = IPFamily(pkt.destination)
        if arrivedOn == nil,
            let st = chainStep(
                h, .output, family: family, outInterface: route.device, source: pkt.source,
                destination: pkt.destination, state: state, proto: "icmp",
                what: "\(pkt.source) -> \(pkt.destination) out of \(route.device)")
        {
            steps.append(st)
            if !st.ok { return .dropped }
        }
        if let inIf = arrivedOn {
            guard forwardingStep(h, family: family, inIf: inIf, outIf: route.device, &steps),
                filterStep(h, family: family, inIf: inIf, outIf: route.device, pkt, state: state, &steps)
            else { return .dropped }
            if state == .new,
                let m = f.masqueradeRule(family: family, outInterface: route.device, source: pkt.source),
                let natAddress = address(of: h, device: route.device, family: family), natAddress != pkt.source
            {
                steps.append(
                    TraceStep(
                        .masquerade, ok: true,
                        "MASQUERADE on \(route.device) rewrites the source "
                            + "\(pkt.source) to \(natAddress)", setting: "MASQUERADE",
                        location: m.location))
                w.nat[h, default: [:]][natAddress] = pkt.source
                pkt.source = natAddress
            }
        }
        if let i = host.interfaces.firstIndex(where: { $0.name == route.device }) {
            return wireguardEgress(IfaceRef(host: h, iface: i), pkt, target: target, &w, &steps)
        }
        if let l = f.lans.firstIndex(where: { $0.interface == route.device && $0.prefix.contains(pkt.destination) }) {
            steps.append(TraceStep(.lan, ok: true, "out \(route.device) onto LAN \(f.lans[l].name)"))
            let node = Node.lanMachine(host: h, lan: l, address: pkt.destination)
            return .forward(to: node, arrivedOn: route.device, carried: [])
        }
        steps.append(
            TraceStep(
                .route, ok: false, "\(route.device) is not a tunnel or LAN of \(host.name) that is up",
                setting: "route", location: route.location,
                fix: "route \(pkt.destination) through a WireGuard interface or a LAN of \(host.name)"))
        return .dropped
    }
}
