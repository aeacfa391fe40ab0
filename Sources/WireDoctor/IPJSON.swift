import Foundation
import WireNet

/// Reads iproute2's JSON output (`ip -j`): links with addresses, routes and rules. Fields ip leaves out take the
/// defaults ip(8) documents (table `main`, type `unicast`).
public enum IPJSON {
    /// A JSON document ip printed that is not an array of objects.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The command whose output it was.
        public var command: String
        public var description: String { "\(command): output is not a JSON array of objects" }
    }

    static func objects(_ text: String, command: String) throws(ParseError) -> [[String: Any]] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        guard let data = trimmed.data(using: .utf8),
            let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
        else { throw ParseError(command: command) }
        return array
    }

    /// The links of `ip -j -d addr show`.
    public static func links(_ text: String) throws(ParseError) -> [LinkState] {
        try objects(text, command: "ip -j -d addr show").compactMap { o in
            guard let name = o["ifname"] as? String else { return nil }
            let flags = o["flags"] as? [String] ?? []
            let kind = (o["linkinfo"] as? [String: Any])?["info_kind"] as? String
            let addrs = (o["addr_info"] as? [[String: Any]] ?? []).compactMap { a -> String? in
                guard let local = a["local"] as? String, let len = a["prefixlen"] as? Int else { return nil }
                return "\(local)/\(len)"
            }
            return LinkState(
                name: name, up: flags.contains("UP"), operstate: o["operstate"] as? String ?? "UNKNOWN",
                mtu: o["mtu"] as? Int ?? 0, kind: kind, addresses: addrs)
        }
    }

    /// The routes of `ip -j route show table all` (`v6` for the `-6` form: `default` is then `::/0`).
    public static func routes(_ text: String, v6: Bool) throws(ParseError) -> [RouteState] {
        try objects(text, command: "ip -j \(v6 ? "-6 " : "")route show table all").compactMap { o in
            guard let dst = o["dst"] as? String else { return nil }
            let destination: String
            if dst == "default" {
                destination = v6 ? "::/0" : "0.0.0.0/0"
            } else if dst.contains("/") {
                destination = dst
            } else {
                destination = dst + (dst.contains(":") ? "/128" : "/32")
            }
            return RouteState(
                destination: destination, device: o["dev"] as? String, table: string(o["table"]) ?? "main",
                type: o["type"] as? String ?? "unicast", gateway: o["gateway"] as? String)
        }
    }

    /// The rules of `ip -j rule`, every field stringified.
    public static func rules(_ text: String, v6: Bool) throws(ParseError) -> [[String: String]] {
        try objects(text, command: "ip -j \(v6 ? "-6 " : "")rule").map { o in
            var r: [String: String] = ["family": v6 ? "inet6" : "inet"]
            for (k, v) in o { r[k] = string(v) ?? "\(v)" }
            return r
        }
    }

    private static func string(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}

/// Reads /proc/net/udp and /proc/net/udp6 (proc(5)): `local_address` is hex `ADDR:PORT`, the address in the
/// kernel's byte order (each 32-bit word little-endian on the machines this runs on).
public enum ProcNetUDP {
    /// The sockets listed in one such file.
    public static func sockets(_ text: String) -> [UDPSocket] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 2 else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = Int(local[1], radix: 16) else { return nil }
            return UDPSocket(address: address(String(local[0])) ?? String(local[0]), port: port)
        }
    }

    static func address(_ hex: String) -> String? {
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 8, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let word = UInt32(hex[i..<j], radix: 16) else { return nil }
            let le = word.littleEndian
            bytes += [UInt8(le & 0xff), UInt8(le >> 8 & 0xff), UInt8(le >> 16 & 0xff), UInt8(le >> 24)]
            i = j
        }
        if bytes.count == 4 { return bytes.map { String($0) }.joined(separator: ".") }
        guard bytes.count == 16 else { return nil }
        var v: UInt128 = 0
        for b in bytes { v = v << 8 | UInt128(b) }
        return IPAddress.v6(v).description
    }
}
