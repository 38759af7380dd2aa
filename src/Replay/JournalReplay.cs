// Rebuilds one entity's state from the journal alone (no cluster, no snapshots), up to a sequence number or
// a moment: what `journal replay` and `journal verify` stand on.
using System.Data.Common;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Basketball.Domain;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Entities;
using Basketball.Shards.Serialization;
using Basketball.Storage;

namespace Basketball.Replay;

/// <param name="Version">The journal sequence number of the last event replayed.</param>
/// <param name="Events">The events replayed (a batch row holds several).</param>
/// <param name="Projection">The same JSON shape as the HTTP API (GameProjection or PlayerProjection).</param>
/// <param name="Rows">The journal rows read.</param>
public sealed record ReplayResult(string PersistenceId, long Version, int Events, object Projection, int Rows);

public sealed class JournalReplay : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly DatabaseTarget _database;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly string _journalTable;
    private readonly bool _ownsSystem;

    private JournalReplay(ActorSystem system, DatabaseTarget database, bool ownsSystem)
    {
        _system = system;
        _database = database;
        _ownsSystem = ownsSystem;
        _serialization = system.Serialization;
        _journalTable = system.Settings.Config.GetString("akka.persistence.journal.sql.default.journal.table-name", "journal");
    }

    /// <summary>A replay of <paramref name="database"/>'s journal with its own: a small local actor system for the serializers, no journal plugin, no cluster.</summary>
    public static JournalReplay Open(DatabaseTarget database)
    {
        var config = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = local
                """)
            .WithFallback(BasketballSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration); // the journal's table name
        return new JournalReplay(ActorSystem.Create("basketball-replay", config), database, ownsSystem: true);
    }

    /// <summary>Replays with a running node's serializers against its journal (`journal verify`); disposing leaves the system running.</summary>
    public static JournalReplay On(ActorSystem system, DatabaseTarget database) => new(system, database, ownsSystem: false);

    /// <param name="persistenceId"><c>game-{id}</c> or <c>player-{id}</c>.</param>
    /// <param name="toSequenceNr">Replay events up to and including this sequence number.</param>
    /// <param name="asOf">Replay events written to the journal at or before this moment.</param>
    /// <returns>null when the journal has no event of that entity in range.</returns>
    public async Task<ReplayResult?> ReplayAsync(string persistenceId, long? toSequenceNr = null, DateTimeOffset? asOf = null,
        CancellationToken cancellationToken = default)
    {
        if (persistenceId.StartsWith(GameEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            var id = persistenceId[GameEntity.PersistenceIdPrefix.Length..];
            var (state, version, count, rows) = await FoldAsync(persistenceId, GameState.Initial(id), (s, e) => s.Apply((IGameJournalEvent)e),
                toSequenceNr, asOf, cancellationToken);
            return count == 0 ? null : new ReplayResult(persistenceId, version, count, state.ToProjection(version), rows);
        }
        if (persistenceId.StartsWith(PlayerEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            var id = persistenceId[PlayerEntity.PersistenceIdPrefix.Length..];
            var (state, version, count, rows) = await FoldAsync(persistenceId, PlayerState.Initial(id), (s, e) => s.Apply((IPlayerJournalEvent)e),
                toSequenceNr, asOf, cancellationToken);
            return count == 0 ? null : new ReplayResult(persistenceId, version, count, state.ToProjection(version), rows);
        }
        throw new ArgumentException($"'{persistenceId}' is not a game-… or player-… persistence id", nameof(persistenceId));
    }

    /// <summary>A game's state itself (the live game feed goes on folding from it); null when the journal has no row of it.</summary>
    public async Task<(GameState State, long Version)?> ReplayGameStateAsync(string gameId, long? toSequenceNr = null,
        CancellationToken cancellationToken = default)
    {
        var (state, version, _, rows) = await FoldAsync(GameEntity.PersistenceIdPrefix + gameId, GameState.Initial(gameId),
            (s, e) => s.Apply((IGameJournalEvent)e), toSequenceNr, null, cancellationToken);
        return rows == 0 ? null : (state, version);
    }

    /// <summary>The journal table's name (the plugin's setting).</summary>
    public string JournalTable => _journalTable;

    /// <summary>Paths where two projections differ ("score.t-1: 54 ≠ 52"); empty when they agree.</summary>
    public static IReadOnlyList<string> Differences(JsonElement live, JsonElement replayed)
    {
        var differences = new List<string>();
        Compare(live, replayed, "", differences);
        return differences;
    }

    private static void Compare(JsonElement a, JsonElement b, string path, List<string> differences)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
            {
                var child = path.Length == 0 ? name : $"{path}.{name}";
                var inA = a.TryGetProperty(name, out var va);
                var inB = b.TryGetProperty(name, out var vb);
                if (inA && inB)
                    Compare(va, vb, child, differences);
                else
                    differences.Add($"{child}: {(inA ? va.GetRawText() : "missing")} ≠ {(inB ? vb.GetRawText() : "missing")}");
            }
        }
        else if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array && a.GetArrayLength() == b.GetArrayLength())
        {
            var i = 0;
            foreach (var (x, y) in a.EnumerateArray().Zip(b.EnumerateArray()))
                Compare(x, y, $"{path}[{i++}]", differences);
        }
        else if (a.GetRawText() != b.GetRawText())
        {
            differences.Add($"{path}: {a.GetRawText()} ≠ {b.GetRawText()}");
        }
    }

    /// <summary>
    /// Folds the entity's journal rows in sequence order, read straight from the journal table (SPEC §10: "reads
    /// the journal directly"): one SELECT streamed row by row and each payload deserialized by the serializer that
    /// wrote it. The plugin's query journal would do the same through linq2db and a stream per page, and costs
    /// several times as much per event (the replay figure in BENCHMARKS.md). Columns are the plugin's
    /// `table-mapping = default` ones, which akka.hocon fixes; `created` is the row's timestamp in ticks (UTC).
    /// </summary>
    private Task<(T State, long Version, int Count, int Rows)> FoldAsync<T>(string persistenceId, T initial, Func<T, object, T> apply,
        long? toSequenceNr, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite runs its async methods synchronously: off the caller's thread, as the stores do.
        return _database.RunAsync(Fold);

        async Task<(T, long, int, int)> Fold()
        {
            var state = initial;
            long version = 0;
            var count = 0;
            var rows = 0;
            var until = asOf?.UtcDateTime.Ticks;
            await using var connection = await _database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT sequence_number, created, message, identifier, manifest FROM {_journalTable}
                 WHERE persistence_id = @persistence_id AND sequence_number <= @to AND NOT deleted
                 ORDER BY sequence_number
                """;
            Add(command, "persistence_id", persistenceId);
            Add(command, "to", toSequenceNr ?? long.MaxValue);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (until is not null && reader.GetInt64(1) > until)
                    break;
                var sequenceNr = reader.GetInt64(0);
                if (await reader.IsDBNullAsync(3, cancellationToken))
                    throw new InvalidOperationException($"{persistenceId} #{sequenceNr} has no serializer identifier (a row of a legacy plugin?)");
                var payload = _serialization.Deserialize((byte[])reader.GetValue(2), reader.GetInt32(3), reader.GetString(4));
                state = apply(state, payload);
                version = sequenceNr;
                count += JournalRow.EventCount(payload);
                rows++;
            }
            return (state, version, count, rows);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSystem)
            await _system.Terminate();
    }
}
