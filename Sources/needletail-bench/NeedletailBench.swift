import ArgumentParser

/// The load generator (issue 6): drives any XMPP server (Needletail, Prosody,
/// ejabberd) with real client sessions over the project's own client library,
/// and prints what it measured, its own CPU use included so it can be seen not
/// to be the bottleneck.
@main
struct NeedletailBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needletail-bench",
        abstract: "Load an XMPP server and print what it sustains.",
        subcommands: [LoginCommand.self, IdleCommand.self, ChatCommand.self, SaturateCommand.self, FloodCommand.self, ChurnCommand.self])
}
