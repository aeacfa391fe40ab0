// wiresmithd: the userspace WireGuard daemon, a drop-in for wireguard-go (`wiresmithd [-f|--foreground] IFNAME`).
// Everything with side effects lives in WireDaemon; this file only hands it the command line and environment.
// No Foundation here: reading `environ` directly keeps Foundation's start-up pages out of the daemon's memory.
import Glibc
import WireDaemon

var environment: [String: String] = [:]
var entry = environ
while let pointer = entry.pointee {
    let pair = String(cString: pointer)
    if let equals = pair.firstIndex(of: "=") {
        environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    entry += 1
}
exit(DaemonLauncher.main(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment))
