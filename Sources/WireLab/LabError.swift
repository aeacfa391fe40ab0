import WireConfig

/// Why a lab could not be built, checked or removed. Every case names what and where.
///
/// All of these mean "could not build" to the CLI (exit status 2), except `noSuchLab` and `noSuchHost`, which are
/// usage errors (also 2).
public enum LabError: Error, Sendable, CustomStringConvertible {
    /// Namespaces, veths and iptables need root.
    case notRoot
    /// Tools the lab needs are not in PATH.
    case missingTools([String])
    /// The input directory could not be read as a network.
    case unreadable(String)
    /// Config or facts files have errors; each diagnostic names its file and line.
    case invalidConfigs([ConfigDiagnostic])
    /// Two hosts claim the same public address (from Endpoint lines or facts).
    case addressConflict(address: String, hosts: [String])
    /// `wg-quick up` refused an interface; `location` is the line of the setting it failed on, when known.
    case wgQuickFailed(interface: String, file: String, location: SourceLocation?, output: String)
    /// A command building the lab failed.
    case commandFailed(command: String, status: Int32, output: String)
    /// SIGINT or SIGTERM arrived; what was built has been removed (for `up`).
    case interrupted
    /// No lab with this id is running (or several are, and none was named).
    case noSuchLab(String)
    /// The lab has no host (or LAN machine, NAT router) of this name.
    case noSuchHost(String)
    /// The network cannot be laid out as a lab (a name clash, a LAN with no room, addresses exhausted).
    case cannotPlan(String)
    /// A run id that is not 1 to 8 lowercase letters or digits (it names files and namespaces).
    case invalidID(String)
    /// Another lab already holds this id (its run directory exists).
    case idTaken(String)

    /// What went wrong, for stderr.
    public var description: String {
        switch self {
        case .notRoot:
            return "the lab needs root (network namespaces, veths and iptables); run it with sudo"
        case .missingTools(let tools):
            return "missing tools: \(tools.joined(separator: ", ")) (Debian: apt-get install iproute2 wireguard-tools "
                + "wireguard-go iptables iputils-ping util-linux conntrack)"
        case .unreadable(let why):
            return why
        case .invalidConfigs(let diags):
            return "the configs have errors, the lab was not built:\n"
                + diags.map { "  \($0)" }.joined(separator: "\n")
        case .addressConflict(let address, let hosts):
            return "public address \(address) is claimed by several hosts: \(hosts.joined(separator: ", "))"
        case .wgQuickFailed(let interface, let file, let location, let output):
            let lastLines = output.split(separator: "\n").suffix(6).map { "    \($0)" }.joined(separator: "\n")
            let at = location.map { "\($0): " } ?? "\(file): "
            return "\(at)wg-quick up refused \(interface). wg-quick said:\n\(lastLines)"
        case .commandFailed(let command, let status, let output):
            return "`\(command)` failed (status \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .interrupted:
            return "interrupted; everything the lab had built was removed"
        case .noSuchLab(let what):
            return what
        case .noSuchHost(let name):
            return "the lab has no host \(name)"
        case .cannotPlan(let why):
            return why
        case .invalidID(let id):
            let shown =
                id.isEmpty
                ? "an empty id"
                : "`\(id.unicodeScalars.prefix(32).map { $0.isASCII && $0.value >= 32 ? String($0) : "?" }.joined())`"
            return "\(shown) is not a lab id: use 1 to 8 lowercase letters or digits"
        case .idTaken(let id):
            return "lab id \(id) is taken: another lab holds it (wiresmith lab down --id \(id) removes it)"
        }
    }
}
