// wiresmithd: the userspace WireGuard daemon (TUN + UDP, cross-platform UAPI). Its data plane is issue 4;
// until it lands this executable keeps the wireguard-go command-line contract and says plainly that it cannot
// run an interface yet, so that nobody mistakes it for a working implementation.
import Foundation

let usage = """
    Usage: wiresmithd [-f/--foreground] INTERFACE-NAME
           wiresmithd --version

    wiresmithd is wiresmith's userspace WireGuard implementation. Its data plane is not built yet:
    use wireguard-go (WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go, wg-quick's default).
    """

let args = Array(CommandLine.arguments.dropFirst())
if args == ["--version"] || args == ["-v"] {
    print("wiresmithd 0.1.0 (no data plane yet)")
    exit(0)
}
if args.isEmpty || args.contains("-h") || args.contains("--help") {
    print(usage)
    exit(args.isEmpty ? 2 : 0)
}
FileHandle.standardError.write(
    "wiresmithd: cannot create interface \(args.last!): the data plane is not implemented yet; use wireguard-go\n"
        .data(using: .utf8)!)
exit(1)
