import Foundation
import WireConfig

/// Builds a planned lab on this machine, step by step, reporting progress; `Lab.up` rolls back on any failure.
///
/// Topology: an internet router namespace with one veth per host (or per NAT router); the router holds 169.254.0.1
/// and fe80::1 on each link and a /32 or /128 route to each public address, so hosts reach each other and nothing
/// else. Every host gets a private mount namespace, kept alive by a holder process (`sleep infinity`), with its
/// own tmpfs on /var/run/wireguard and its own /etc/hosts and /etc/resolv.conf.
struct LabBuilder {
    var plan: LabPlan
    var shell: Shell
    var progress: (String) -> Void
    var cancellation: LabCancellation?

    /// The router address every public link uses as its gateway.
    static let gateway4 = "169.254.0.1"
    static let gateway6 = "fe80::1"
    /// The internet test addresses the router answers (docs/trace-json.md, "Internet destinations"): what `trace DIR
    /// HOST 203.0.113.254` predicts, the lab measures.
    static let internetTestAddresses = ["203.0.113.254", "2001:db8:ffff:ffff::1"]

    /// Builds everything; returns the plan with every interface wg-quick refused marked down (`failure`), as it
    /// is also saved in the run's state. An interface that does not come up is a fact about the network, not a
    /// failure of the lab: the rest is built without it.
    func build() throws(LabError) -> LabPlan {
        try writeRunDirectory()
        progress("internet: router \(plan.internetNamespace)")
        try addNamespace(plan.internetNamespace, forwarding: true)
        try ip(plan.internetNamespace, "addr", "add", "\(LabBuilder.internetTestAddresses[0])/32", "dev", "lo")
        try ip(plan.internetNamespace, "-6", "addr", "add", "\(LabBuilder.internetTestAddresses[1])/128", "dev", "lo")
        for h in plan.hosts {
            try buildHost(h)
        }
        var built = plan
        // Hosts others dial first, so keepalives from behind NAT find their peers listening.
        let order = plan.hosts.indices.sorted {
            (plan.hosts[$0].behindNAT ? 1 : 0, plan.hosts[$0].name) < (
                plan.hosts[$1].behindNAT ? 1 : 0, plan.hosts[$1].name
            )
        }
        for hi in order {
            let h = plan.hosts[hi]
            var ports: [UInt16: String] = [:]
            for (ii, i) in h.interfaces.enumerated() {
                // A ListenPort another interface of the host already holds: the kernel's `ip link set up` fails
                // with "Address already in use" and wg-quick removes the interface; wireguard-go instead comes up
                // without a socket, answering for its addresses but carrying nothing - and whether it gets that far
                // is a race. The lab takes the kernel's, deterministic, behaviour (what trace predicts).
                if let port = LabBuilder.listenPort(i), let holder = ports[port] {
                    let failure =
                        "\(i.sourceFile): ListenPort \(port) is already in use by \(holder) on \(h.name) "
                        + "(wg-quick up fails: Address already in use)"
                    built.hosts[hi].interfaces[ii].failure = failure
                    progress("\(h.name): \(i.name) DOWN: \(failure)")
                    continue
                }
                do throws(LabError) {
                    try wgQuickUp(h, i)
                    if let port = LabBuilder.listenPort(i) { ports[port] = i.name }
                    progress("\(h.name): \(i.name) up (wg-quick up \(i.sourceFile))")
                } catch {
                    guard case .wgQuickFailed(_, let file, _, let output) = error else { throw error }
                    let failure = WgQuickOutput.failure(of: output, in: file)
                    built.hosts[hi].interfaces[ii].failure = failure
                    progress("\(h.name): \(i.name) DOWN: \(failure)")
                }
            }
        }
        if built != plan {
            do { try LabState.save(built) } catch {
                throw .commandFailed(command: "save \(plan.runDirectory)/state.json", status: -1, output: "\(error)")
            }
        }
        return built
    }

    // MARK: Files

    private func writeRunDirectory() throws(LabError) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(
                atPath: "\(plan.runDirectory)/bin", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try LabState.save(plan)
            let stub = "\(plan.runDirectory)/bin/resolvconf"
            try ResolvconfStub.script.write(toFile: stub, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)
            for h in plan.hosts {
                let dir = hostDirectory(h)
                try fm.createDirectory(
                    atPath: dir, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
                try plan.hostsFile.write(toFile: "\(dir)/hosts", atomically: true, encoding: .utf8)
                try "# wiresmith lab \(plan.id): \(h.name) has no DNS until a DNS = line sets one\n"
                    .write(toFile: "\(dir)/resolv.conf", atomically: true, encoding: .utf8)
                try LabBuilder.nsswitch().write(toFile: "\(dir)/nsswitch.conf", atomically: true, encoding: .utf8)
                for i in h.interfaces {
                    // The bytes as they are (a byte-order mark or a stray non-UTF-8 byte included), so the lab's
                    // wg-quick reads what the real one would; created 0600 before the key is written into it.
                    let bytes = try InputFile.read(i.sourceFile, limit: InputLimits.configBytes)
                    try PrivateFile.create(i.labFile, bytes: bytes)
                }
            }
        } catch {
            throw .commandFailed(command: "prepare \(plan.runDirectory)", status: -1, output: "\(error)")
        }
    }

    /// The machine's /etc/nsswitch.conf with names looked up in the host's private /etc/hosts only: a name the
    /// configs and facts do not give to a host fails at once, as a name without a DNS record does in life (wg
    /// gives up on "Name or service not known" but retries "Temporary failure in name resolution", which is what
    /// asking a DNS server the lab does not have would give).
    static func nsswitch() -> String {
        let machine = (try? String(contentsOfFile: "/etc/nsswitch.conf", encoding: .utf8)) ?? ""
        var lines = machine.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("hosts:") }
        lines.append("hosts: files")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The interface's ListenPort from its lab copy; nil when unset or 0 (a random port).
    static func listenPort(_ i: InterfacePlan) -> UInt16? {
        guard let text = try? String(contentsOfFile: i.labFile, encoding: .utf8),
            let port = ConfigParser().parse(text, file: i.labFile).config.interface.listenPort, port != 0
        else { return nil }
        return port
    }

    func hostDirectory(_ h: HostPlan) -> String {
        "\(plan.runDirectory)/hosts/\(LabPlanner.safeName(h.name))"
    }

    // MARK: Namespaces and links

    private func must(_ args: [String]) throws(LabError) {
        if cancellation?.isCancelled == true { throw .interrupted }
        let r = shell.run(args, timeout: 20)
        guard r.succeeded else {
            if cancellation?.isCancelled == true { throw .interrupted }
            throw .commandFailed(command: r.commandLine, status: r.status, output: r.output)
        }
    }

    private func ip(_ ns: String, _ args: String...) throws(LabError) { try must(["ip", "-n", ns] + args) }

    private func inside(_ ns: String, _ args: [String]) throws(LabError) {
        try must(["ip", "netns", "exec", ns] + args)
    }

    private func addNamespace(_ ns: String, forwarding: Bool) throws(LabError) {
        try must(["ip", "netns", "add", ns])
        var sysctls = ["net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]
        if forwarding { sysctls += ["net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"] }
        try inside(ns, ["sysctl", "-q", "-w"] + sysctls)
        try ip(ns, "link", "set", "lo", "up")
    }

    /// Puts `addresses` (host addresses) on `dev` and routes everything else to the internet router.
    private func attachToInternet(ns: String, dev: String, link: String, addresses: [String]) throws(LabError) {
        let inet = plan.internetNamespace
        try ip(ns, "link", "add", dev, "type", "veth", "peer", "name", link, "netns", inet)
        for a in addresses {
            if a.contains(":") {
                try ip(ns, "-6", "addr", "add", "\(a)/128", "dev", dev, "nodad")
            } else {
                try ip(ns, "addr", "add", "\(a)/32", "dev", dev)
            }
        }
        try ip(ns, "link", "set", dev, "up")
        try ip(inet, "addr", "add", "\(LabBuilder.gateway4)/32", "dev", link)
        try ip(inet, "-6", "addr", "add", "\(LabBuilder.gateway6)/64", "dev", link, "nodad")
        try ip(inet, "link", "set", link, "up")
        if addresses.contains(where: { !$0.contains(":") }) {
            try ip(ns, "route", "add", LabBuilder.gateway4, "dev", dev)
            try ip(ns, "route", "add", "default", "via", LabBuilder.gateway4, "dev", dev)
        }
        if addresses.contains(where: { $0.contains(":") }) {
            try ip(ns, "-6", "route", "add", "default", "via", LabBuilder.gateway6, "dev", dev)
        }
        for a in addresses {
            if a.contains(":") {
                try ip(inet, "-6", "route", "add", "\(a)/128", "dev", link)
            } else {
                try ip(inet, "route", "add", "\(a)/32", "dev", link)
            }
        }
    }

    private func buildHost(_ h: HostPlan) throws(LabError) {
        try addNamespace(h.namespace, forwarding: false)
        if let nat = h.nat {
            try addNamespace(nat.namespace, forwarding: true)
            try attachToInternet(ns: nat.namespace, dev: "eth0", link: h.internetLink, addresses: h.publicAddresses)
            try ip(h.namespace, "link", "add", h.uplink, "type", "veth", "peer", "name", "lan0", "netns", nat.namespace)
            try ip(nat.namespace, "addr", "add", nat.routerIPv4, "dev", "lan0")
            try ip(h.namespace, "addr", "add", nat.hostIPv4, "dev", h.uplink)
            if let r6 = nat.routerIPv6, let h6 = nat.hostIPv6 {
                try ip(nat.namespace, "-6", "addr", "add", r6, "dev", "lan0", "nodad")
                try ip(h.namespace, "-6", "addr", "add", h6, "dev", h.uplink, "nodad")
            }
            try ip(nat.namespace, "link", "set", "lan0", "up")
            try ip(h.namespace, "link", "set", h.uplink, "up")
            let router4 = String(nat.routerIPv4.prefix { $0 != "/" })
            try ip(h.namespace, "route", "add", "default", "via", router4)
            if let r6 = nat.routerIPv6 {
                try ip(h.namespace, "-6", "route", "add", "default", "via", String(r6.prefix { $0 != "/" }))
            }
            try inside(nat.namespace, ["iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"])
            if let t = nat.udpTimeout {
                // Per network namespace: this router alone forgets idle mappings after the stated time, replied
                // ones too (FIELD-NOTES).
                try inside(
                    nat.namespace,
                    [
                        "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_udp_timeout=\(t)",
                        "net.netfilter.nf_conntrack_udp_timeout_stream=\(t)",
                    ])
            }
            if nat.hostIPv6 != nil {
                try inside(
                    nat.namespace,
                    ["ip6tables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"])
            }
            for port in nat.forwardedPorts {
                try inside(
                    nat.namespace,
                    [
                        "iptables", "-t", "nat", "-A", "PREROUTING", "-i", "eth0", "-p", "udp",
                        "--dport", "\(port)", "-j", "DNAT", "--to-destination",
                        String(nat.hostIPv4.prefix { $0 != "/" }),
                    ])
                if let h6 = nat.hostIPv6 {
                    try inside(
                        nat.namespace,
                        [
                            "ip6tables", "-t", "nat", "-A", "PREROUTING", "-i", "eth0", "-p",
                            "udp", "--dport", "\(port)", "-j", "DNAT", "--to-destination",
                            String(h6.prefix { $0 != "/" }),
                        ])
                }
            }
            let publics = h.publicAddresses.joined(separator: ", ")
            progress("\(h.name): behind NAT router \(nat.namespace), public \(publics)")
        } else {
            try attachToInternet(ns: h.namespace, dev: h.uplink, link: h.internetLink, addresses: h.publicAddresses)
            progress("\(h.name): public \(h.publicAddresses.joined(separator: ", ")) on \(h.uplink)")
        }
        for lan in h.lans {
            try addNamespace(lan.namespace, forwarding: false)
            try ip(
                h.namespace, "link", "add", lan.interface, "type", "veth", "peer", "name", "eth0",
                "netns", lan.namespace)
            let six = lan.hostAddress.contains(":")
            let fam = six ? ["-6"] : []
            try must(
                ["ip", "-n", h.namespace] + fam
                    + ["addr", "add", "\(lan.hostAddress)/\(lan.prefixLength)", "dev", lan.interface]
                    + (six ? ["nodad"] : []))
            try must(
                ["ip", "-n", lan.namespace] + fam
                    + ["addr", "add", "\(lan.machineAddress)/\(lan.prefixLength)", "dev", "eth0"]
                    + (six ? ["nodad"] : []))
            try ip(h.namespace, "link", "set", lan.interface, "up")
            try ip(lan.namespace, "link", "set", "eth0", "up")
            try must(["ip", "-n", lan.namespace] + fam + ["route", "add", "default", "via", lan.hostAddress])
            progress("\(h.name): LAN \(lan.name) on \(lan.interface), machine \(lan.machineAddress)")
        }
        var sysctls: [String] = []
        if let f = h.forwardingIPv4 { sysctls.append("net.ipv4.ip_forward=\(f ? 1 : 0)") }
        if let f = h.forwardingIPv6 { sysctls.append("net.ipv6.conf.all.forwarding=\(f ? 1 : 0)") }
        if !sysctls.isEmpty { try inside(h.namespace, ["sysctl", "-q", "-w"] + sysctls) }
        for rule in h.firewall { try inside(h.namespace, rule) }
        try startHolder(h)
    }

    // MARK: The private mount namespace

    /// Starts the process that keeps the host's mount namespace alive and records its pid.
    private func startHolder(_ h: HostPlan) throws(LabError) {
        let dir = hostDirectory(h)
        let pidFile = "\(dir)/holder.pid"
        let script = """
            set -e; mkdir -p /var/run/wireguard; mount -t tmpfs -o mode=0755 wiresmith-lab /var/run/wireguard; \
            mount --bind '\(dir)/hosts' /etc/hosts; \
            if [ -e /etc/resolv.conf ]; then mount --bind '\(dir)/resolv.conf' /etc/resolv.conf; fi; \
            if [ -e /etc/nsswitch.conf ]; then mount --bind '\(dir)/nsswitch.conf' /etc/nsswitch.conf; fi; \
            echo $$ > '\(pidFile).tmp'; mv '\(pidFile).tmp' '\(pidFile)'; exec sleep infinity
            """
        try must([
            "setsid", "-f", "ip", "netns", "exec", h.namespace,
            "unshare", "--mount", "--propagation", "private", "sh", "-c", script,
        ])
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), Int32(text.trimmed) != nil { return }
            usleep(10_000)
        }
        throw .commandFailed(
            command: "mount namespace holder for \(h.name)", status: -1,
            output: "no pid file after 5 s")
    }

    // MARK: wg-quick

    func wgQuickUp(_ h: HostPlan, _ i: InterfacePlan) throws(LabError) {
        guard let enter = LabState.enter(plan, host: h) else {
            throw .commandFailed(command: "enter \(h.name)", status: -1, output: "the holder process is gone")
        }
        if cancellation?.isCancelled == true { throw .interrupted }
        let r = shell.run(
            enter + [
                "env", "WIRESMITH_LAB_RESOLV=\(hostDirectory(h))/resolv.conf",
                "wg-quick", "up", i.labFile,
            ], timeout: 30)
        guard r.succeeded else {
            if cancellation?.isCancelled == true { throw .interrupted }
            throw .wgQuickFailed(
                interface: "\(h.name)/\(i.name)", file: i.sourceFile,
                location: WgQuickOutput.location(of: r.output, in: i.sourceFile),
                output: r.output)
        }
    }
}

extension StringProtocol {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
