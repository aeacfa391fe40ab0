import WireConfig

/// Finds PreUp/PostUp commands that can fail in normal operation: a `ping`, `curl` or `ssh` to something not yet
/// reachable, `ip route add` of a route that survived an unclean shutdown ("File exists"), `iptables -N` of a chain
/// that exists. wg-quick(8) runs hooks under `set -e`: a failing PreUp aborts `up`, a failing PostUp tears the
/// freshly created interface down again. A line holding `||` is taken as handled.
struct PostUpMayFailRule: LintRule {
    var codes: [FindingCode] { [.postUpMayFail] }

    /// Commands whose failure depends on the network or on leftover state.
    static let risky: Set<String> = [
        "ping", "ping6", "curl", "wget", "nc", "ncat", "dig", "nslookup", "host", "ssh", "scp", "rsync", "mount",
        "systemctl", "service", "nmcli", "resolvectl", "modprobe", "docker",
    ]

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.usable {
            for key in [ConfigKey.preUp, .postUp] {
                let lines = key == .preUp ? i.config.interface.preUp : i.config.interface.postUp
                for (n, line) in lines.enumerated() where !line.contains("||") {
                    let loc = i.hookLocation(key, index: n)
                    for command in HookCommand.split(line, interface: i.name, hook: key, location: loc) {
                        guard let why = Self.failure(command.words) else { continue }
                        out.append(
                            Finding(
                                .postUpMayFail, .warning, hosts: [i.host], interfaces: [i.id], locations: [loc],
                                message:
                                    "\(key.rawValue) `\(command.text)` \(why); wg-quick runs hooks under `set -e`, "
                                    + "so when it fails "
                                    + (key == .preUp
                                        ? "the interface is not created"
                                        : "wg-quick tears \(i.qualifiedName) down again"),
                                fix:
                                    "append `|| true` to the command at \(loc.fileLine) (or move it out of "
                                    + "wg-quick, e.g. "
                                    + "into a systemd unit ordered after wg-quick@\(i.name))"))
                        break
                    }
                }
            }
        }
        return out
    }

    /// Why a command may fail, or nil when it is safe.
    static func failure(_ words: [String]) -> String? {
        var w = words[...]
        while let f = w.first,
            ["sudo", "command", "exec", "env", "/usr/bin/env", "timeout"].contains(f)
                || f.contains("=") || f.first?.isNumber == true
        {
            w = w.dropFirst()
        }
        guard let name = w.first?.split(separator: "/").last.map(String.init) else { return nil }
        let args = Array(w.dropFirst())
        if risky.contains(name) { return "fails whenever its target is unreachable or the service is missing" }
        if name == "ip" {
            let a = args.filter { !$0.hasPrefix("-") }
            if a.count >= 2, ["route", "r", "rule", "addr", "address", "a", "link", "l"].contains(a[0]),
                ["add", "a"].contains(a[1])
            {
                return "fails with \"File exists\" when the \(a[0]) is already there (after an unclean shutdown)"
            }
        }
        if name.hasPrefix("iptables") || name.hasPrefix("ip6tables"), args.contains("-N") {
            return "fails when the chain already exists"
        }
        return nil
    }
}
