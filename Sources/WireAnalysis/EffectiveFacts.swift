import WireConfig

/// Where an effective fact comes from: the facts file, a hook command, or Linux's default.
public enum FactSource: Hashable, Sendable {
    /// Stated in `host.yaml`.
    case factsFile(SourceLocation)
    /// Set by a PreUp/PostUp command (the command text, `%i` replaced).
    case hook(SourceLocation, command: String)
    /// Nobody states it: the value is what a fresh Linux host has.
    case linuxDefault

    /// The file and line that set the value; nil for a default.
    public var location: SourceLocation? {
        switch self {
        case .factsFile(let l), .hook(let l, _): return l
        case .linuxDefault: return nil
        }
    }

    /// True when no file states the value.
    public var isDefault: Bool { self == .linuxDefault }
}

/// A value of a host setting with where it comes from.
public struct Fact<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The effective value.
    public var value: Value
    /// Who set it.
    public var source: FactSource

    /// A value with its source.
    public init(_ value: Value, _ source: FactSource) {
        self.value = value
        self.source = source
    }
}

/// A hook command the analysis did not understand; kept so that findings can say what they could not check.
public struct UnknownEffect: Hashable, Sendable {
    /// The command as it would run (`%i` replaced).
    public var command: String
    /// The hook line.
    public var location: SourceLocation
    /// The interface whose config holds it.
    public var interface: String
    /// Why it was not understood.
    public var reason: String
}

/// What a host looks like after `wg-quick up` of all its interfaces: its facts file merged with its hooks.
///
/// The facts file is the host's state before the tunnels come up (the baseline); then, interface by interface in
/// name order, each PreUp and PostUp line runs in order (wg-quick(8) runs PreUp before creating the interface and
/// PostUp after) and every recognized effect is applied: forwarding switches, FORWARD rules (appended, inserted,
/// deleted), FORWARD policy, MASQUERADE rules, routes. Unrecognized commands become `unknownEffects` and change
/// nothing: an explicit fact is never overridden by a guess. Interfaces whose config has errors do not come up,
/// so their hooks are skipped. A value nobody states is Linux's default (forwarding
/// off, FORWARD policy ACCEPT, no rules), marked `.linuxDefault`.
public struct EffectiveFacts: Hashable, Sendable {
    /// The host's name.
    public var host: String
    /// `net.ipv4.ip_forward` (`net.ipv4.conf.all.forwarding`); off by default.
    public var ipv4Forwarding: Fact<Bool>
    /// `net.ipv6.conf.all.forwarding`; off by default.
    public var ipv6Forwarding: Fact<Bool>
    /// The iptables FORWARD policy; ACCEPT by default.
    public var ipv4ForwardPolicy: Fact<FilterAction>
    /// The ip6tables FORWARD policy; ACCEPT by default.
    public var ipv6ForwardPolicy: Fact<FilterAction>
    /// The FORWARD chain in order (facts rules first, then hook rules where the hooks put them).
    public var forwardRules: [ForwardRule]
    /// The INPUT chain in order (traffic to the host itself).
    public var inputRules: [ForwardRule]
    /// The OUTPUT chain in order (traffic the host sends).
    public var outputRules: [ForwardRule]
    /// INPUT and OUTPUT policies per family (ACCEPT by default).
    public var chainPolicies: [FilterChain: [IPFamily: Fact<FilterAction>]]
    /// POSTROUTING MASQUERADE rules in order.
    public var masquerade: [MasqueradeRule]
    /// Routes added by hooks (`ip route add ... dev`).
    public var routes: [HookRoute]
    /// LANs from the facts file.
    public var lans: [LAN]
    /// The internet-facing interface (`eth0` when not stated).
    public var uplink: String
    /// From the facts file; nil when not stated.
    public var behindNAT: Bool?
    /// Where other hosts' Endpoint lines reach it (facts file).
    public var publicAddresses: [IPAddress]
    /// `net.ipv4.conf.X.rp_filter` by X (`all`, `default`, interface names) as stated (facts file, hooks); unstated
    /// is the kernel's default, 0.
    public var rpFilter: [String: Fact<Int>]
    /// Hook commands that send traffic at up (`ping`), in the order they run.
    public var sentAtUp: [HookSend]
    /// Hook commands not understood, in the order they run.
    public var unknownEffects: [UnknownEffect]
    /// The facts file as read, for its path and lines.
    public var facts: HostFacts

    /// Computes the effective facts of `host`.
    public init(host: Host) {
        let f = host.facts
        self.host = host.name
        self.facts = f
        func stated<V>(_ v: V?, _ field: String) -> Fact<V>? {
            guard let v else { return nil }
            // Facts built in code have no file: point at where the facts file would be.
            return Fact(v, .factsFile(f.location(of: field) ?? SourceLocation(file: "\(host.name)/host.yaml", line: 1)))
        }
        ipv4Forwarding = stated(f.ipv4Forwarding, "forwarding") ?? Fact(false, .linuxDefault)
        ipv6Forwarding = stated(f.ipv6Forwarding, "forwarding") ?? Fact(false, .linuxDefault)
        ipv4ForwardPolicy = stated(f.forwardPolicy, "forward_policy") ?? Fact(.accept, .linuxDefault)
        ipv6ForwardPolicy = ipv4ForwardPolicy
        forwardRules = f.forwardRules
        inputRules = []
        outputRules = []
        chainPolicies = [:]
        masquerade = f.masquerade
        routes = []
        lans = f.lans
        uplink = f.uplink ?? "eth0"
        behindNAT = f.behindNAT
        publicAddresses = f.publicAddresses
        unknownEffects = []
        sentAtUp = []
        rpFilter = [:]
        for (k, v) in f.rpFilter {
            rpFilter[k] = Fact(
                v, .factsFile(f.location(of: "rp_filter") ?? SourceLocation(file: "\(host.name)/host.yaml", line: 1)))
        }
        // A snapshot host's state as seen running: it stands where the facts file's baseline stands.
        for o in f.observed { apply(o.effect, source: .factsFile(o.location)) }
        // A config with errors makes wg-quick stop before PostUp (and usually before PreUp): its hooks never run.
        for iface in host.interfaces where iface.isValid {
            for key in [ConfigKey.preUp, .postUp] {
                let lines = key == .preUp ? iface.config.interface.preUp : iface.config.interface.postUp
                for (n, line) in lines.enumerated() {
                    let loc = iface.hookLocation(key, index: n)
                    for command in HookCommand.split(line, interface: iface.name, hook: key, location: loc) {
                        for effect in command.effects { apply(effect, command, handled: line.contains("||")) }
                    }
                }
            }
        }
    }

    /// Applies one effect of `command`.
    mutating func apply(_ effect: HookEffect, _ command: HookCommand, handled: Bool = false) {
        let source = FactSource.hook(command.location, command: command.text)
        switch effect {
        case .sends(let target):
            sentAtUp.append(
                HookSend(
                    target: target, command: command.text, location: command.location, interface: command.interface,
                    hook: command.hook, handled: handled))
        case .unknown(let reason):
            unknownEffects.append(
                UnknownEffect(
                    command: command.text, location: command.location,
                    interface: command.interface, reason: reason))
        default: apply(effect, source: source)
        }
    }

    /// Applies one effect set by `source` (a hook line, or a snapshot's observed state).
    mutating func apply(_ effect: HookEffect, source: FactSource) {
        switch effect {
        case .forwarding(.ipv4, let on): ipv4Forwarding = Fact(on, source)
        case .forwarding(.ipv6, let on): ipv6Forwarding = Fact(on, source)
        case .appendForwardRule(let r): update(r.chain) { $0.append(r) }
        case .insertForwardRule(let r, let position):
            update(r.chain) { $0.insert(r, at: min(max(position - 1, 0), $0.count)) }
        case .deleteForwardRule(let r):
            update(r.chain) { rules in
                if let i = rules.firstIndex(where: { $0.sameMatch(as: r) }) { rules.remove(at: i) }
            }
        case .chainPolicy(let chain, let family, let action, _):
            if family != .ipv6 { chainPolicies[chain, default: [:]][.ipv4] = Fact(action, source) }
            if family != .ipv4 { chainPolicies[chain, default: [:]][.ipv6] = Fact(action, source) }
        case .forwardPolicy(let family, let action, _):
            if family != .ipv6 { ipv4ForwardPolicy = Fact(action, source) }
            if family != .ipv4 { ipv6ForwardPolicy = Fact(action, source) }
        case .masquerade(let m): masquerade.append(m)
        case .deleteMasquerade(let m):
            if let i = masquerade.firstIndex(where: {
                $0.outInterface == m.outInterface && $0.source == m.source && $0.family == m.family
            }) {
                masquerade.remove(at: i)
            }
        case .route(let r): routes.append(r)
        case .rpFilter(let iface, let value): rpFilter[iface] = Fact(value, source)
        case .sends, .unknown, .none: break
        }
    }

    /// Applies `change` to the rules of one chain.
    mutating func update(_ chain: FilterChain, _ change: (inout [ForwardRule]) -> Void) {
        switch chain {
        case .forward: change(&forwardRules)
        case .input: change(&inputRules)
        case .output: change(&outputRules)
        }
    }

    /// What the INPUT or OUTPUT chain does with a packet: the first matching rule, else the policy.
    public func filterDecision(
        _ chain: FilterChain, family: IPFamily, inInterface: String? = nil, outInterface: String? = nil,
        source: IPAddress?, destination: IPAddress?, state: ConnectionState, proto: String, dport: UInt16? = nil,
        sport: UInt16? = nil
    ) -> FilterDecision {
        if chain == .forward, let i = inInterface, let o = outInterface, let s = source, let d = destination {
            return forwardDecision(
                family: family, inInterface: i, outInterface: o, source: s, destination: d, state: state, proto: proto)
        }
        let policy = chainPolicies[chain]?[family] ?? Fact(.accept, .linuxDefault)
        for rule in chain == .input ? inputRules : outputRules where rule.family == nil || rule.family == family {
            guard chain == .output || Self.interface(rule.inInterface, matches: inInterface ?? ""),
                chain == .input || Self.interface(rule.outInterface, matches: outInterface ?? ""),
                rule.source.map({ p in source.map { p.contains($0) } ?? false }) ?? true,
                rule.destination.map({ p in destination.map { p.contains($0) } ?? false }) ?? true,
                rule.states?.contains(state) ?? true,
                rule.proto.map({ Self.proto($0, matches: proto) }) ?? true,
                rule.dport.map({ $0 == dport }) ?? true, rule.sport.map({ $0 == sport }) ?? true
            else { continue }
            return FilterDecision(action: rule.action, rule: rule, policy: policy)
        }
        return FilterDecision(action: policy.value, rule: nil, policy: policy)
    }

    /// iptables `-p` matching: names and numbers, `all`.
    static func proto(_ rule: String, matches proto: String) -> Bool {
        let numbers = ["icmp": "1", "tcp": "6", "udp": "17", "ipv6-icmp": "58", "icmpv6": "58"]
        if rule == "all" || rule == proto { return true }
        if proto == "icmp" && ["ipv6-icmp", "icmpv6", "58"].contains(rule) { return true }
        return numbers[rule] == proto || numbers[proto] == rule
    }

    /// The reverse-path filter mode an interface applies: max(all, the interface's own) as the kernel takes it
    /// (ip-sysctl.rst, rp_filter), with the setting that decides; 0 (off) when nothing states it.
    public func rpFilter(on interface: String) -> Fact<Int> {
        let all = rpFilter["all"] ?? Fact(0, .linuxDefault)
        let own = rpFilter[interface] ?? Fact(0, .linuxDefault)
        return own.value > all.value ? own : all
    }

    /// IP forwarding for a family.
    public func forwarding(_ family: IPFamily) -> Fact<Bool> {
        family == .ipv4 ? ipv4Forwarding : ipv6Forwarding
    }

    /// The FORWARD chain policy for a family.
    public func forwardPolicy(_ family: IPFamily) -> Fact<FilterAction> {
        family == .ipv4 ? ipv4ForwardPolicy : ipv6ForwardPolicy
    }

    /// What the FORWARD chain does with a packet: the first matching rule, else the policy.
    ///
    /// `state` is the packet's conntrack state (a trace's first packet is `.new`, its reply `.established`);
    /// `proto` its protocol (`icmp` for a ping).
    public func forwardDecision(
        family: IPFamily, inInterface: String, outInterface: String, source: IPAddress,
        destination: IPAddress, state: ConnectionState, proto: String = "icmp"
    )
        -> FilterDecision
    {
        for rule in forwardRules where rule.family == nil || rule.family == family {
            guard Self.interface(rule.inInterface, matches: inInterface),
                Self.interface(rule.outInterface, matches: outInterface),
                rule.source?.contains(source) ?? true, rule.destination?.contains(destination) ?? true,
                rule.states?.contains(state) ?? true,
                rule.proto.map({ Self.proto($0, matches: proto) }) ?? true,
                rule.dport.map({ _ in proto != "icmp" }) ?? true
            else { continue }
            return FilterDecision(action: rule.action, rule: rule, policy: forwardPolicy(family))
        }
        let policy = forwardPolicy(family)
        return FilterDecision(action: policy.value, rule: nil, policy: policy)
    }

    /// The first MASQUERADE rule that applies to a new connection leaving through `outInterface` from `source`.
    public func masqueradeRule(family: IPFamily, outInterface: String, source: IPAddress) -> MasqueradeRule? {
        masquerade.first {
            ($0.family == nil || $0.family == family) && Self.interface($0.outInterface, matches: outInterface)
                && ($0.source?.contains(source) ?? true)
        }
    }

    /// iptables interface matching: nil matches any, a trailing `+` is a prefix wildcard.
    public static func interface(_ pattern: String?, matches name: String) -> Bool {
        guard let pattern else { return true }
        if pattern.hasSuffix("+") { return name.hasPrefix(pattern.dropLast()) }
        return pattern == name
    }
}

/// A hook command that sends a packet when its interface comes up (`PostUp = ping -c1 10.0.0.1`).
public struct HookSend: Hashable, Sendable {
    /// Where the packet goes.
    public var target: IPAddress
    /// The command (`%i` replaced).
    public var command: String
    /// The hook line.
    public var location: SourceLocation
    /// The interface whose config holds it.
    public var interface: String
    /// PreUp or PostUp.
    public var hook: ConfigKey
    /// True when its line holds `||`: a failure is handled and does not abort wg-quick.
    public var handled: Bool
}

/// What the FORWARD chain decided, and which rule or policy decided it.
public struct FilterDecision: Hashable, Sendable {
    /// What happens to the packet.
    public var action: FilterAction
    /// The matching rule; nil when the chain's policy decided.
    public var rule: ForwardRule?
    /// The chain's policy, also when a rule decided.
    public var policy: Fact<FilterAction>

    /// The line that decided: the rule's, or the policy's (nil for Linux's default policy).
    public var location: SourceLocation? { rule?.location ?? policy.source.location }
}

extension ForwardRule {
    /// True when two rules match the same packets with the same action (what `-D` compares), ignoring locations.
    func sameMatch(as other: ForwardRule) -> Bool {
        inInterface == other.inInterface && outInterface == other.outInterface && source == other.source
            && destination == other.destination && action == other.action && family == other.family
            && states == other.states && proto == other.proto && chain == other.chain && dport == other.dport
            && sport == other.sport
    }
}

extension Network {
    /// The effective facts of every host, by name.
    public func effectiveFacts() -> [String: EffectiveFacts] {
        Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, EffectiveFacts(host: $0)) })
    }
}
