/// The largest inputs wiresmith reads, each enforced with an error that names the file and the limit.
///
/// Every reader of outside input checks these before it does any work that grows with the input, so that a hostile
/// or broken file costs at most a bounded, linear amount of time and memory. docs/limits.md lists each limit and
/// what happens past it; keep the two in step.
public enum InputLimits {
    /// Bytes of one wg or wg-quick config (64 MiB). The hub of the largest network (`networkHosts` hosts) lists
    /// every other host as a peer: 199,999 `[Peer]` sections of about 245 bytes each when every one has a
    /// PresharedKey, an Endpoint, a keepalive, two AllowedIPs and a comment (49 MB). The parse stays linear, so this
    /// bounds its time and memory (docs/limits.md gives the figures measured at the limit).
    public static let configBytes = 64 * 1024 * 1024
    /// Lines of one config: ten per peer of the largest hub.
    public static let configLines = 2_000_000
    /// `[Peer]` sections in one config: the largest network's hub (`networkHosts` - 1 peers) fits.
    public static let configPeers = 200_000
    /// AllowedIPs, Address and DNS entries in one config, all lines together: five per peer of the largest hub.
    /// Without it, 64 MiB of AllowedIPs lines (5.5 million distinct prefixes) took 17 s and 1.4 GB to parse.
    public static let configEntries = 1_000_000
    /// Entries on one AllowedIPs, Address or DNS line.
    public static let entriesPerLine = 20_000
    /// Bytes of one host.yaml or intent.yaml (256 KiB).
    public static let factsBytes = 256 * 1024
    /// Nesting of `[`/`{` flow collections and indentation levels in host.yaml and intent.yaml.
    public static let factsDepth = 32
    /// Items in one list of host.yaml (`lans`, `masquerade`, `forward_rules`, `public_addresses`, `names`).
    public static let factsListItems = 1_000
    /// Hosts in one network directory. Above the 100,000-host networks lint and trace are measured on
    /// (`wiresmith-bench cli`, issue 13), which they handle in seconds; the per-config limits above let this
    /// network's hub hold all of them as peers.
    public static let networkHosts = 200_000
    /// Config files in one network directory, all hosts together (two interfaces on every host of the largest).
    public static let networkConfigs = 400_000

    /// `4 MiB`, `256 KiB`, `100 bytes`: a byte count as a person reads it.
    public static func bytes(_ n: Int) -> String {
        if n >= 1024 * 1024 && n % (1024 * 1024) == 0 { return "\(n / (1024 * 1024)) MiB" }
        if n >= 1024 && n % 1024 == 0 { return "\(n / 1024) KiB" }
        return "\(n) bytes"
    }
}
