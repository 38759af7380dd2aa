// Commands the CLI runs itself: `journal replay` reads the journal database directly, so it needs no node.
using System.Globalization;
using Basketball.Ops;
using Basketball.Replay;
using Basketball.Storage;

namespace Basketball.Cli;

internal static class LocalCommands
{
    public static async Task<int> RunAsync(OpsRequest request, Func<string, string?> environment, Action<OperatorCli.Printable> print,
        Func<string, int> fail, CancellationToken cancellationToken)
    {
        if (request is not { Palette: "journal", Command: "replay" })
            return fail($"{request.Palette} {request.Command} does not run in the CLI");

        var persistenceId = request.Option("p")!;
        long? toSeq = null;
        if (request.Option("to-seq") is { } seqText)
        {
            if (!long.TryParse(seqText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) || seq < 1)
                return fail($"--to-seq must be a sequence number ≥ 1, not '{seqText}'");
            toSeq = seq;
        }
        DateTimeOffset? asOf = null;
        if (request.Option("as-of") is { } asOfText)
        {
            if (!DateTimeOffset.TryParse(asOfText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return fail($"--as-of must be an ISO-8601 time such as 2026-11-24T20:15:00Z, not '{asOfText}'");
            asOf = at;
        }
        if (!persistenceId.StartsWith("game-", StringComparison.Ordinal) && !persistenceId.StartsWith("player-", StringComparison.Ordinal))
            return fail($"'{persistenceId}' is not a persistence id: use game-{{id}} or player-{{id}}");

        var journal = request.Option("journal") ?? environment(DatabaseTarget.EnvironmentVariable) ?? DatabaseTarget.DefaultValue;
        DatabaseTarget database;
        try
        {
            database = DatabaseTarget.Parse(journal);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return fail($"--journal: {ex.Message}");
        }
        if (database.SqlitePath is { } path && !File.Exists(path))
            return fail($"no journal at {Path.GetFullPath(path)} (pass --journal sqlite:PATH or set BASKETBALL_JOURNAL)");

        await using var replay = JournalReplay.Open(database);
        ReplayResult? result;
        try
        {
            result = await replay.ReplayAsync(persistenceId, toSeq, asOf, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return fail($"reading the journal failed: {ex.GetBaseException().Message}");
        }
        if (result is null)
            return fail($"the journal has no events of {persistenceId}{(toSeq is null && asOf is null ? "" : " in that range")}");

        var report = new ReplayReport(result.PersistenceId, result.Version, result.Events, result.Projection);
        print(new OperatorCli.Printable(report.Lines(), System.Text.Json.JsonSerializer.SerializeToElement(report, OpsJson.Options)));
        return OpsExit.Ok;
    }
}
