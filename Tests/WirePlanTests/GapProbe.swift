import Foundation
import WireLab
import WireProcess

/// A ping every 20 ms from one lab host to an address, running while the lab is changed, then stopped and read:
/// how many probes went unanswered and the longest time between two answers. Figures to print, never to compare
/// with a threshold (a loaded machine stretches them).
struct GapProbe {
    let from: String
    let to: String
    let started: Date
    private let running: RunningCommand

    /// Starts `ping -D -i 0.02 TO` inside `from` (root may ping faster than every 200 ms).
    init(_ plan: LabPlan, from: String, to: String) throws {
        self.from = from
        self.to = to
        let prefix = try Lab.entering(plan, node: from)
        running = try Command(prefix + ["ping", "-n", "-D", "-i", "0.02", "-W", "1", to], timeout: .seconds(900))
            .start()
        started = Date()
    }

    /// What one probe run saw.
    struct Result {
        var from: String
        var to: String
        var sent: Int
        var received: Int
        /// Seconds since 1970 of every answer, in order.
        var answers: [Double]
        var lost: Int { sent - received }
        /// The longest time between two consecutive answers, in milliseconds (0 with fewer than two).
        var longestGapMs: Double {
            zip(answers, answers.dropFirst()).map { ($1 - $0) * 1000 }.max() ?? 0
        }
        /// Whether an answer came after `time` (seconds since 1970).
        func answered(after time: Double) -> Bool { answers.contains { $0 > time } }
    }

    /// Stops the ping (SIGINT, so it prints its summary) and reads its output.
    func stop() throws -> Result {
        running.send(SIGINT)
        let out = try running.finish()
        var answers: [Double] = []
        var sent = 0
        var received = 0
        for line in out.stdoutText.split(separator: "\n") {
            if line.hasPrefix("["), line.contains("bytes from"), let close = line.firstIndex(of: "]"),
                let t = Double(line[line.index(after: line.startIndex)..<close])
            {
                answers.append(t)
            } else if line.contains("packets transmitted") {
                let numbers = line.split(separator: " ").compactMap { Int($0) }
                if numbers.count >= 2 { (sent, received) = (numbers[0], numbers[1]) }
            }
        }
        return Result(from: from, to: to, sent: sent, received: received, answers: answers)
    }
}
