import Foundation
import Testing
import WireProcess

/// The runner against /bin/sh, whose behaviour is the oracle: what it prints, how it exits, what it leaves behind.
@Suite("Command: spawn, capture, time out, reap")
struct CommandTests {
    @Test("stdout and stderr apart, stdin fed, the exit status kept")
    func captures() throws {
        let output = try Command(
            ["sh", "-c", "cat; echo out; echo err >&2; exit 3"], input: Array("in\n".utf8)
        ).run()
        #expect(output.stdoutText == "in\nout\n")
        #expect(output.stderrText == "err\n")
        #expect(output.status == 3 && !output.succeeded)
        #expect(
            throws: CommandError.failed(
                command: "sh -c cat; echo out; echo err >&2; exit 3", status: 3, stderr: "err\n")
        ) {
            try output.check()
        }
    }

    @Test("merged output keeps the order of writes")
    func merged() throws {
        let output = try Command(["sh", "-c", "echo 1; echo 2 >&2; echo 3"], mergesOutput: true).run()
        #expect(output.stdoutText == "1\n2\n3\n" && output.stderr.isEmpty)
    }

    @Test("a signal is reported as 128 + its number, as a shell does")
    func signalled() throws {
        #expect(try Command(["sh", "-c", "kill -9 $$"]).run().status == 137)
    }

    @Test("a missing program is a typed error naming it")
    func notFound() {
        #expect(throws: CommandError.notFound(program: "no-such-tool-wiresmith", searchPath: "/nonexistent")) {
            try Command(["no-such-tool-wiresmith"], searchPath: "/nonexistent").run()
        }
    }

    @Test("at the timeout the whole process group is killed, the output so far kept")
    func timeoutKillsTheGroup() throws {
        let marker = "sleep 300.\(UInt32.random(in: 1...UInt32.max))"  // a unique command line to look for
        let command = Command(["sh", "-c", "echo started; \(marker) & exec \(marker)"], timeout: .milliseconds(300))
        do {
            try command.run()
            Issue.record("the command should have timed out")
        } catch .timedOut(_, _, let output) {
            #expect(output.stdoutText == "started\n")
        }
        // The background sleep was in the command's process group: it is gone too (reaped by init, so poll).
        let running = try Command(["pgrep", "-f", marker]).run()
        #expect(running.status == 1, "still running: \(running.stdoutText)")
    }

    @Test("a daemon left holding stdout does not stall the caller")
    func detachedDaemon() throws {
        let output = try Command(["sh", "-c", "(sleep 2 &) ; echo done"], timeout: .seconds(30)).run()
        #expect(output.stdoutText == "done\n")
    }

    @Test("many at once, results in order")
    func parallel() throws {
        let results = Command.runAll((0..<20).map { Command(["sh", "-c", "echo \($0)"]) }, width: 4)
        #expect(try results.map { try $0.get().stdoutText } == (0..<20).map { "\($0)\n" })
    }
}
