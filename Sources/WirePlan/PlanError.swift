import WireConfig

/// Everything wrong with a topology, each problem located at its YAML line and column; nothing is written.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    /// One located problem.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public var location: SourceLocation
        /// The field at fault (`networks.wg0.port`).
        public var field: String
        public var message: String

        public init(_ location: SourceLocation, _ field: String, _ message: String) {
            self.location = location
            self.field = field
            self.message = message
        }

        /// `FILE:LINE:COL: FIELD: MESSAGE`.
        public var description: String {
            "\(location.file):\(location.line):\(location.column): \(field): \(message)"
        }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
