// Short constructors for command descriptions, so each palette reads as a list of its commands.
namespace Basketball.Ops;

public static class OpsCatalog
{
    public static CommandInfo Command(string name, string description, params OptionInfo[] options) =>
        new(name, description, options, []);

    public static OptionInfo Opt(string name, string description, bool required = false) => new(name, description, required);

    public static OptionInfo Flag(string name, string description) => new(name, description, Flag: true);

    public static CommandInfo WithArgument(this CommandInfo command, string name, string description) =>
        command with { Arguments = [.. command.Arguments, new ArgumentInfo(name, description)] };

    public static OpsCommand Query(CommandInfo info, Func<OpsOutput> run) =>
        OpsCommand.Query(info, (_, _) => Task.FromResult(run()));

    public static OpsCommand Query(CommandInfo info, Func<OpsInvocation, OpsOutput> run) =>
        OpsCommand.Query(info, (invocation, _) => Task.FromResult(run(invocation)));

    public static OpsCommand Query(CommandInfo info, Func<OpsInvocation, CancellationToken, Task<OpsOutput>> run) =>
        OpsCommand.Query(info, run);

    /// <summary>`journal replay`: the CLI runs it against the database itself, so it works with no node running.</summary>
    public static CommandInfo JournalReplay { get; } = Command("replay",
            "rebuild one entity's state from the journal alone (no cluster needed) and print its projection",
            Opt("-p", "persistence id: game-{id} or player-{id}", required: true),
            Opt("--to-seq", "replay up to this journal sequence number"),
            Opt("--as-of", "replay events written at or before this ISO-8601 time"),
            Opt("--journal", "sqlite:PATH or postgres:CONNECTION-STRING (default: BASKETBALL_JOURNAL, else sqlite:data/basketball.db)"))
        with { Local = true };
}
