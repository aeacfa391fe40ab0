// wiresmithd: the userspace WireGuard daemon, a drop-in for wireguard-go (`wiresmithd [-f|--foreground] IFNAME`).
// Everything with side effects lives in WireDaemon; this file only hands it the command line.
import Foundation
import WireDaemon

exit(
    DaemonLauncher.main(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
