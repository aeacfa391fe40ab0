/// Checked address arithmetic inside a prefix: no overflow ever traps.
extension IPPrefix {
    /// The address `steps` after this prefix's network address, or nil when it would leave the prefix or the
    /// address space (checked arithmetic: an all-ones /32 or /128 never traps).
    public func address(after steps: UInt128) -> IPAddress? {
        let base = network.address
        let unit = UInt128(1) << UInt128(128 - base.bitWidth)
        let (offset, o1) = unit.multipliedReportingOverflow(by: steps)
        let (value, o2) = base.leftAligned.addingReportingOverflow(offset)
        guard !o1, !o2 else { return nil }
        let a = base.withLeftAligned(value)
        return contains(a) ? a : nil
    }

    /// The first address after the network address, or nil for a prefix that holds only one address.
    public var firstHostAddress: IPAddress? { address(after: 1) }
}
