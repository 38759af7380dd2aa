// Rebuilds one entity's state from the journal alone (no cluster, no snapshots), up to a sequence number or
// a moment: what `journal replay` and `journal verify` stand on.
using System.Text.Json;
using Akka.Actor;
using Akka.Basketball.Cluster.Configuration;
using Akka.Basketball.Ingress.Storage;
using Akka.Basketball.Shards.Domain.Games;
using Akka.Basketball.Shards.Domain.Players;
using Akka.Basketball.Shards.Entities;
using Akka.Basketball.Shards.Serialization;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Akka.Basketball.Cluster.Replay;

/// <param name="Version">The journal sequence number of the last event replayed.</param>
/// <param name="Projection">The same JSON shape as the HTTP API (GameProjection or PlayerProjection).</param>
public sealed record ReplayResult(string PersistenceId, long Version, int Events, object Projection);

public sealed class JournalReplay : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly SqlReadJournal _journal;
    private readonly bool _ownsSystem;

    private JournalReplay(ActorSystem system, bool ownsSystem)
    {
        _system = system;
        _ownsSystem = ownsSystem;
        _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql");
    }

    /// <summary>A small local actor system that only reads the journal of <paramref name="database"/>.</summary>
    public static JournalReplay Open(DatabaseTarget database)
    {
        var config = PersistenceConfiguration.For(database)
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = local
                akka.persistence.journal.plugin = "akka.persistence.journal.sql"
                akka.persistence.journal.sql { table-mapping = default, tag-write-mode = Csv, auto-initialize = off }
                akka.persistence.query.journal.sql { write-plugin = "akka.persistence.journal.sql", table-mapping = default, tag-read-mode = Csv }
                """))
            .WithFallback(BasketballSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return new JournalReplay(ActorSystem.Create("basketball-replay", PersistenceConfiguration.SystemSetup(database, config)), ownsSystem: true);
    }

    /// <summary>Reads through a running node's own journal plugin (`journal verify`); disposing leaves the system running.</summary>
    public static JournalReplay On(ActorSystem system) => new(system, ownsSystem: false);

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
            var (state, version, count) = await FoldAsync(persistenceId, GameState.Initial(id), (s, e) => s.Apply((IGameJournalEvent)e),
                toSequenceNr, asOf, cancellationToken);
            return count == 0 ? null : new ReplayResult(persistenceId, version, count, state.ToProjection(version));
        }
        if (persistenceId.StartsWith(PlayerEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            var id = persistenceId[PlayerEntity.PersistenceIdPrefix.Length..];
            var (state, version, count) = await FoldAsync(persistenceId, PlayerState.Initial(id), (s, e) => s.Apply((IPlayerJournalEvent)e),
                toSequenceNr, asOf, cancellationToken);
            return count == 0 ? null : new ReplayResult(persistenceId, version, count, state.ToProjection(version));
        }
        throw new ArgumentException($"'{persistenceId}' is not a game-… or player-… persistence id", nameof(persistenceId));
    }

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

    private async Task<(T State, long Version, int Count)> FoldAsync<T>(string persistenceId, T initial, Func<T, object, T> apply,
        long? toSequenceNr, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        var state = initial;
        long version = 0;
        var count = 0;
        var until = asOf?.UtcDateTime.Ticks;
        await _journal.CurrentEventsByPersistenceId(persistenceId, 0, toSequenceNr ?? long.MaxValue)
            .TakeWhile(envelope => until is null || envelope.Timestamp <= until)
            .RunForeach(envelope =>
            {
                state = apply(state, envelope.Event);
                version = envelope.SequenceNr;
                count++;
            }, _system.Materializer()).WaitAsync(cancellationToken);
        return (state, version, count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSystem)
            await _system.Terminate();
    }
}
