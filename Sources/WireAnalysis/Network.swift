import WireConfig

/// One WireGuard interface of a host, as its wg-quick config describes it.
///
/// A value with copy-on-write storage: lint and trace pass interfaces around by the ten thousand, and copying one
/// used to retain each of its dozen reference-counted fields (the largest single cost of linting a 10,000-host
/// network); now a copy is one retain, and a change copies the storage only when it is shared.
public struct TunnelInterface: Hashable, Sendable {
    /// The fields, shared between copies until one of them changes.
    struct Fields: Hashable, Sendable {
        var host: String
        var name: String
        var file: String
        var config: WireGuardConfig
        var diagnostics: [ConfigDiagnostic]
        var hookLines: [ConfigKey: [Int]]
        var publicKey: WireKey?
    }

    private var fields: CopyOnWrite<Fields>

    /// The host the interface belongs to.
    public var host: String {
        get { fields.value.host }
        set { fields.value.host = newValue }
    }
    /// The interface name, from the file name (`wg0.conf` -> `wg0`).
    public var name: String {
        get { fields.value.name }
        set { fields.value.name = newValue }
    }
    /// The config file, as given on the command line (relative paths stay relative, for readable findings).
    public var file: String {
        get { fields.value.file }
        set { fields.value.file = newValue }
    }
    /// The best model the parser could build; check `diagnostics` for errors. Setting it derives the public key
    /// again when the PrivateKey changed.
    public var config: WireGuardConfig {
        get { fields.value.config }
        set {
            let changed = newValue.interface.privateKey != fields.value.config.interface.privateKey
            fields.value.config = newValue
            if changed { fields.value.publicKey = newValue.interface.publicKey }
        }
    }
    /// Everything the parser reported, errors and warnings.
    public var diagnostics: [ConfigDiagnostic] {
        get { fields.value.diagnostics }
        set { fields.value.diagnostics = newValue }
    }
    /// The line of each PreUp/PostUp/PreDown/PostDown entry, in the order of `config.interface.preUp` etc.
    /// (the parser keeps only the last line of a key; hooks need each one). Empty for a model built in code.
    public var hookLines: [ConfigKey: [Int]] {
        get { fields.value.hookLines }
        set { fields.value.hookLines = newValue }
    }

    public init(
        host: String, name: String, file: String, config: WireGuardConfig, diagnostics: [ConfigDiagnostic],
        hookLines: [ConfigKey: [Int]] = [:]
    ) {
        self.init(
            host: host, name: name, file: file, config: config, diagnostics: diagnostics, hookLines: hookLines,
            publicKey: config.interface.publicKey)
    }

    /// An interface whose public key is already known (`ConfigParser.Result.publicKey`): no second derivation.
    public init(
        host: String, name: String, file: String, config: WireGuardConfig, diagnostics: [ConfigDiagnostic],
        hookLines: [ConfigKey: [Int]] = [:], publicKey: WireKey?
    ) {
        fields = CopyOnWrite(
            Fields(
                host: host, name: name, file: file, config: config, diagnostics: diagnostics, hookLines: hookLines,
                publicKey: publicKey))
    }

    /// The interface's public key, derived from its PrivateKey when the interface was made or its config set
    /// (an X25519 scalar multiplication, about 80 us: lint and trace ask for it on hot paths).
    public var publicKey: WireKey? { fields.value.publicKey }

    /// True when the config parsed without errors.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// `HOST/IFACE`, the name findings use.
    public var qualifiedName: String { "\(host)/\(name)" }

    /// The location of an interface setting.
    public func location(of key: ConfigKey) -> SourceLocation {
        config.interface.origin?.location(of: key) ?? SourceLocation(file: file, line: 1)
    }
}

/// A machine of the network: its tunnels and what is known about it.
public struct Host: Hashable, Sendable {
    public var name: String
    /// Interfaces sorted by name.
    public var interfaces: [TunnelInterface]
    public var facts: HostFacts

    public init(name: String, interfaces: [TunnelInterface], facts: HostFacts = HostFacts()) {
        self.name = name
        self.interfaces = interfaces.count < 2 ? interfaces : interfaces.sorted { $0.name < $1.name }
        self.facts = facts
    }

    /// The interface with this name.
    public func interface(_ name: String) -> TunnelInterface? { interfaces.first { $0.name == name } }

    /// Every tunnel address of the host (from `Address` lines), with its interface.
    public var tunnelAddresses: [(interface: String, prefix: IPPrefix)] {
        interfaces.flatMap { i in i.config.interface.addresses.map { (i.name, $0) } }
    }
}

/// A whole WireGuard network: every host's configs read together, and indexes across them.
///
/// Peers are matched across hosts by public key: the key a `[Peer]` names is looked up among the public keys
/// derived from every interface's PrivateKey.
public struct Network: Sendable {
    public var hosts: [Host]
    /// Problems reading the input as a whole (unreadable files, bad facts), apart from config parse diagnostics.
    public var diagnostics: [ConfigDiagnostic]
    /// Public key -> interfaces holding its private key (more than one means a key is reused).
    public let interfacesByKey: [WireKey: [InterfaceID]]
    /// Who must and who must not reach whom: the directory's `intent.yaml`, or "everyone reaches everyone"
    /// (docs/intent.md). Query it with `expectation(from:to:)`.
    public var intent: Intent

    /// Names one interface of the network.
    public struct InterfaceID: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var host: String
        public var interface: String
        public init(host: String, interface: String) {
            self.host = host
            self.interface = interface
        }
        public var description: String { "\(host)/\(interface)" }
        public static func < (a: InterfaceID, b: InterfaceID) -> Bool {
            (a.host, a.interface) < (b.host, b.interface)
        }
    }

    public init(hosts: [Host], diagnostics: [ConfigDiagnostic] = [], intent: Intent = Intent()) {
        // The loader gives hosts in name order already; a copy of 100,000 hosts to sort them again is skipped.
        let inOrder = hosts.indices.dropFirst().allSatisfy { hosts[$0 - 1].name <= hosts[$0].name }
        self.hosts = inOrder ? hosts : hosts.sorted { $0.name < $1.name }
        self.diagnostics = diagnostics
        self.intent = intent
        var index: [WireKey: [InterfaceID]] = [:]
        index.reserveCapacity(hosts.count)
        for h in hosts {
            for i in h.interfaces {
                if let k = i.publicKey { index[k, default: []].append(InterfaceID(host: h.name, interface: i.name)) }
            }
        }
        self.interfacesByKey = index
    }

    /// The host with this name.
    public func host(_ name: String) -> Host? { hosts.first { $0.name == name } }

    /// The interface with this id.
    public func interface(_ id: InterfaceID) -> TunnelInterface? { host(id.host)?.interface(id.interface) }

    /// Every interface of every host, in host then interface order.
    public var allInterfaces: [TunnelInterface] { hosts.flatMap(\.interfaces) }

    /// The interface a `[Peer]` section's PublicKey belongs to, when exactly one interface holds that key.
    public func owner(of publicKey: WireKey) -> TunnelInterface? {
        guard let ids = interfacesByKey[publicKey], ids.count == 1 else { return nil }
        return interface(ids[0])
    }

    /// The host an Endpoint points at: by literal address (a host's public or tunnel address... only public
    /// addresses count here), by name (the host's `names` facts, or its own name / first DNS label), else nil.
    public func host(for endpoint: Endpoint) -> Host? {
        switch endpoint.host {
        case .address(let a):
            return hosts.first { $0.facts.publicAddresses.contains(a) }
        case .name(let n):
            let lower = n.lowercased()
            if let h = hosts.first(where: { $0.facts.names.map { $0.lowercased() }.contains(lower) }) { return h }
            let label = lower.split(separator: ".").first.map(String.init) ?? lower
            return hosts.first { $0.name.lowercased() == lower || $0.name.lowercased() == label }
        }
    }
}
