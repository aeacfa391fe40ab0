import Foundation

extension DoctorReport {
    /// The report as JSON, schema `wiresmith-doctor/1` (docs/doctor.md), keys sorted.
    public func json() -> String {
        func finding(_ f: DoctorFinding) -> [String: Any] {
            var o: [String: Any] = [
                "code": f.code.rawValue, "severity": f.severity.rawValue, "interface": f.interface,
                "evidence": f.evidence.map { ["source": $0.source, "value": $0.value] }, "cause": f.cause,
                "fix": f.fix,
            ]
            if let p = f.peer { o["peer"] = p }
            return o
        }
        let all = findings
        var root: [String: Any] = [
            "schema": "wiresmith-doctor/1",
            "host": host,
            "taken_at": takenAt,
            "status": exitStatus == 0 ? "healthy" : "problems",
            "summary": [
                "errors": all.filter { $0.severity == .error }.count,
                "warnings": all.filter { $0.severity == .warning }.count,
                "infos": all.filter { $0.severity == .info }.count,
            ],
            "steps": steps.map { s -> [String: Any] in
                var o: [String: Any] = [
                    "interface": s.interface, "name": s.name, "status": s.status.rawValue, "detail": s.detail,
                    "codes": s.findings.map(\.code.rawValue),
                ]
                if let p = s.peer { o["peer"] = p }
                return o
            },
            "findings": all.map(finding),
            "unreadable": errors,
        ]
        if !fixes.isEmpty {
            root["fixes"] = fixes.map { f, error -> [String: Any] in
                var o: [String: Any] = [
                    "code": f.code.rawValue, "interface": f.interface, "command": DoctorFix.shell(f.command),
                    "undo": DoctorFix.shell(f.undo), "applied": error == nil,
                ]
                if let error { o["error"] = error }
                return o
            }
        }
        let data = try! JSONSerialization.data(
            withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

extension HostSnapshot {
    /// The snapshot as JSON (keys sorted), what `doctor --snapshot` prints.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// A snapshot read back from `json()`'s output.
    public static func decode(_ data: Data) throws -> HostSnapshot {
        try JSONDecoder().decode(HostSnapshot.self, from: data)
    }
}
