import Foundation

/// A flag an interrupt handler sets so a lab stops at its next step and rolls back instead of dying half-built.
///
/// `lab up` checks it before every command that builds; `lab check` between rounds. Teardown never checks it.
public final class LabCancellation: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var cancelled = false
    private var sources: [any DispatchSourceSignal] = []

    /// A flag not yet set.
    public init() {}

    /// Asks the running lab operation to stop.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// True once `cancel()` was called.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Makes SIGINT and SIGTERM cancel instead of kill, for the rest of the process's life.
    ///
    /// The signals are ignored at the process level and delivered to a dispatch source; commands the lab starts get
    /// the default dispositions back (see `Shell`), so a Ctrl-C still stops the command running at that moment.
    public func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in cancel() }
            source.resume()
            lock.lock()
            sources.append(source)
            lock.unlock()
        }
    }
}
