import WireAnalysis

/// The network's intent as `lab check` asks for it: what each probe must do.
public enum LabExpectations {
    /// The expectations for a running lab, from the network directory it was built from.
    ///
    /// Until the network states an intent, every tunnel address must reach every other (issue 13, item 1).
    public static func provider(for plan: LabPlan) -> ExpectationProvider {
        DefaultExpectations.provider
    }
}
