import ArgumentParser

/// The operator CLI: one subcommand a file.
@main
struct Wiresmith: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wiresmith",
        abstract: "Build WireGuard networks right, and find out fast why peers can't reach each other.",
        version: "0.1.0",
        subcommands: [
            LintCommand.self, TraceCommand.self,
            ShowconfCommand.self, GenkeyCommand.self, PubkeyCommand.self, GenpskCommand.self,
            LabCommand.self, DemoCommand.self, PlanCommand.self, GraphCommand.self, RotateCommand.self,
            DoctorCommand.self, QRCommand.self,
        ]
    )
}
