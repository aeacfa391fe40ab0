import WireConfig

/// A setting seen in force on a running host (a doctor snapshot: a sysctl, a filter or NAT rule, a chain policy),
/// expressed as the hook effect that would have set it, with where in the snapshot it was read.
///
/// `EffectiveFacts` applies these before any PreUp/PostUp line, as the host's state: a snapshot host has no hooks
/// left to run, so its observed state is its effective state (docs/doctor.md, "Snapshots as hosts").
public struct ObservedEffect: Hashable, Sendable {
    /// What is in force.
    public var effect: HookEffect
    /// Where it was read (`hub.json: sysctl["net.ipv4.ip_forward"]`).
    public var location: SourceLocation

    /// An observed effect.
    public init(_ effect: HookEffect, at location: SourceLocation) {
        self.effect = effect
        self.location = location
    }
}
