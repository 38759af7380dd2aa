// The entities' own costs: recovery of a long game with and without a snapshot, memory per live Game and
// Player, and replay of the journal against a raw read of the same rows, with its cost per event split.
using System.Data.Common;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Replay;
using Basketball.Shards.Entities;
using Basketball.Shards.Serialization;
using Basketball.Simulator;
using Basketball.Storage;

namespace Basketball.Bench;

public static class EntityBench
{
    /// <param name="SnapshotDecodeMs">The latest snapshot's payload deserialized into the state on its own (median of 5).</param>
    public sealed record RecoveryResult(int Events, double WithSnapshotMs, double WithoutSnapshotMs, int SnapshotBytes, string SnapshotManifest,
        double SnapshotDecodeMs);

    /// <summary>
    /// One game of about <paramref name="events"/> events is written through its entity (snapshots every 100, the
    /// shipped setting), then started again three times from the journal and timed until it answers a query:
    /// first with its snapshots, then with them deleted. Medians; a warm-up start before each series.
    /// </summary>
    public static async Task<RecoveryResult> RecoveryAsync(DatabaseTarget database, int events, CancellationToken ct)
    {
        var season = SeasonGenerator.Generate(new SimulationOptions(Games: 1, Seed: 7, PlaysPerGame: events, CorrectionRate: 0));
        var game = season.Games[0];
        await using var lab = EntityLab.Start(database);
        var writer = lab.StartGame(game.GameId, "writer");
        foreach (var chunk in game.Events.Chunk(100))
            await writer.Ask<EventsProcessed>(new ProcessEvents(game.GameId, chunk), EntityLab.Timeout, ct);
        var written = (await writer.Ask<GameReply>(new GetGame(game.GameId), EntityLab.Timeout, ct)).Game!;
        await writer.GracefulStop(EntityLab.Timeout);

        var persistenceId = GameEntity.PersistenceIdPrefix + game.GameId;
        // The last snapshot is written asynchronously after the last batch: wait for it before timing.
        var deadline = Stopwatch.StartNew();
        while (await ScalarAsync(database, $"SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = '{persistenceId}'", ct)
               < written.Version - lab.Settings.SnapshotEvery)
        {
            if (deadline.Elapsed > EntityLab.Timeout)
                throw new TimeoutException($"no recent snapshot of {persistenceId}");
            await Task.Delay(50, ct);
        }

        var starts = 0;
        async Task<double> RecoverAsync()
        {
            var clock = Stopwatch.StartNew();
            var entity = lab.StartGame(game.GameId, $"recover-{starts++}");
            var reply = await entity.Ask<GameReply>(new GetGame(game.GameId), EntityLab.Timeout, ct);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (reply.Game?.Version != written.Version || reply.Game.EventsApplied != written.EventsApplied)
                throw new InvalidOperationException($"recovered {reply.Game?.Version}/{reply.Game?.EventsApplied}, wrote {written.Version}/{written.EventsApplied}");
            await entity.GracefulStop(EntityLab.Timeout);
            return elapsed;
        }

        async Task<double> MedianAsync()
        {
            await RecoverAsync(); // warm-up: JIT, connections, the snapshot store's first query
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
                times.Add(await RecoverAsync());
            return times.Order().ElementAt(1);
        }

        // What the snapshot costs by itself: its payload into the state, without the database, the journal or the actor.
        var (payload, manifest, serializerId) = await LatestSnapshotAsync(database, persistenceId, ct);
        var decodes = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var clock = Stopwatch.StartNew();
            lab.System.Serialization.Deserialize(payload, serializerId, manifest);
            decodes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var decodeMs = decodes.Skip(1).Order().ElementAt(2); // the first is a warm-up

        var withSnapshot = await MedianAsync();
        await ExecuteAsync(database, $"DELETE FROM snapshot WHERE persistence_id = '{persistenceId}'", ct);
        var withoutSnapshot = await MedianAsync();
        return new RecoveryResult(game.Events.Count, withSnapshot, withoutSnapshot, payload.Length, manifest, decodeMs);
    }

    public sealed record MemoryResult(double BytesPerGame, double BytesPerPlayer, int Games, int Players, double GamesPerPlayer, double EventsPerGame);

    /// <summary>
    /// A league is played through its entities until every player holds every line; the managed heap is weighed
    /// (after full collections) with everything alive, after the Game entities stop and after the Player entities
    /// stop: what each stop releases is what those entities held. (Weighing against the heap before the league
    /// was played is not used: the journal's buffers and caches grow while it plays and are not the entities'.)
    /// Game = (all − players only) ÷ games; Player = (players only − none) ÷ players.
    /// </summary>
    public static async Task<MemoryResult> MemoryAsync(DatabaseTarget database, DatabaseTarget warmUp, int games, CancellationToken ct)
    {
        // A small league first, on another database, so that what the first entities build once per process
        // (the journal's query and mapping caches, serializers, JIT) is not counted as theirs.
        var small = SeasonGenerator.Generate(new SimulationOptions(Games: 2, Seed: 8, PlaysPerGame: 200, Teams: 30, PlayersPerTeam: 13));
        await using (var first = EntityLab.Start(warmUp))
            await PlayAsync(first, small, ct);

        var season = SeasonGenerator.Generate(new SimulationOptions(Games: games, Seed: 9, PlaysPerGame: 200, Teams: 30, PlayersPerTeam: 13));
        await using var lab = EntityLab.Start(database);
        await PlayAsync(lab, season, ct);

        var everything = Heap();
        await lab.Games.GracefulStop(EntityLab.Timeout);
        var playersOnly = Heap();
        await lab.Players.GracefulStop(EntityLab.Timeout);
        var none = Heap();
        var truth = GroundTruth.Of(season);
        var players = truth.Players.Count;
        return new MemoryResult((everything - playersOnly) / (double)games, (playersOnly - none) / (double)players, games, players,
            truth.Players.Values.Average(p => p.GamesPlayed), season.Games.Average(g => g.Events.Count));
    }

    /// <summary>Registers the players, plays every game (16 at a time, 50 events per delivery), and waits until
    /// every player holds all of its games.</summary>
    private static async Task PlayAsync(EntityLab lab, Season season, CancellationToken ct)
    {
        var truth = GroundTruth.Of(season);

        await Task.WhenAll(season.Registrations.Select(r =>
            lab.Players.Ask<EventsProcessed>(new ProcessEvents(r.AggregateId, [r]), EntityLab.Timeout, ct)));
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(season.Games.Select(async g =>
        {
            await gate.WaitAsync(ct);
            try
            {
                foreach (var chunk in g.Events.Chunk(50))
                    await lab.Games.Ask<EventsProcessed>(new ProcessEvents(g.GameId, chunk), EntityLab.Timeout, ct);
            }
            finally
            {
                gate.Release();
            }
        }));
        // Player lines travel after the games' writes: wait until every player holds all of its games.
        var deadline = Stopwatch.StartNew();
        foreach (var (playerId, expected) in truth.Players)
        {
            while ((await lab.Players.Ask<PlayerReply>(new GetPlayer(playerId), EntityLab.Timeout, ct)).Player?.GamesPlayed != expected.GamesPlayed)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                    throw new TimeoutException($"player {playerId} did not receive its {expected.GamesPlayed} games");
                await Task.Delay(20, ct);
            }
        }
    }

    /// <param name="RawReadPerSecond">The raw read of the same rows in events/s: the events they hold ÷ its time.</param>
    /// <param name="Rows">Journal rows read (a Game row holds one delivery's events, a Player row one event).</param>
    public sealed record ReplayFigures(double ReplayPerSecond, double RawReadPerSecond, long Events, long Rows, int Entities);

    /// <summary>
    /// Replays every game and player of <paramref name="database"/> from its journal (8 at a time, the way
    /// `journal replay` rebuilds one), against a raw read of the same rows. Both are counted in events: a row of a
    /// Game holds all the events of one delivery, so rows/s would flatter the raw read by the events per row.
    /// </summary>
    public static async Task<ReplayFigures> ReplayAsync(DatabaseTarget database, CancellationToken ct)
    {
        var ids = new List<string>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT DISTINCT persistence_id FROM journal WHERE {Baselines.EntityRows}";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                ids.Add(reader.GetString(0));
        }

        var (rawElapsed, rows) = await Baselines.RawReadAsync(database, ct);
        await using var replay = JournalReplay.Open(database);
        await replay.ReplayAsync(ids[0], cancellationToken: ct); // warm-up
        var events = 0L;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
        {
            var result = await replay.ReplayAsync(id, cancellationToken: token);
            Interlocked.Add(ref events, result?.Events ?? 0);
        });
        var replayPerSecond = events / clock.Elapsed.TotalSeconds;
        if (events < rows)
            throw new InvalidOperationException($"replayed {events} events of {rows} journal rows");
        return new ReplayFigures(replayPerSecond, events / rawElapsed.TotalSeconds, events, rows, ids.Count);
    }

    /// <param name="DeserializeMicros">µs per event to turn the rows' payloads into their journal events.</param>
    /// <param name="ApplyMicros">µs per event to fold the events into their entity's state.</param>
    /// <param name="Events">The events the rows hold.</param>
    /// <param name="Rows">The rows.</param>
    /// <param name="ByManifest">The deserialization per journal manifest: µs per row, rows, events per row, average payload.</param>
    public sealed record ReplayCost(double DeserializeMicros, double ApplyMicros, long Events, long Rows, string ByManifest);

    /// <summary>
    /// Where the replay's time per event goes, on one thread and from rows already in memory (no database): the
    /// serializer that wrote each payload reads it back, then each entity's events are applied in order. The rest
    /// of a replay's cost is reading the rows (the raw read baseline) and the async plumbing between them.
    /// </summary>
    public static async Task<ReplayCost> ReplayCostAsync(DatabaseTarget database, CancellationToken ct)
    {
        var rows = new List<(string PersistenceId, byte[] Payload, int Serializer, string Manifest)>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT persistence_id, message, identifier, manifest FROM journal " +
                $"WHERE {Baselines.EntityRows} ORDER BY persistence_id, sequence_number";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt32(2), reader.GetString(3)));
        }

        using var system = ActorSystem.Create("replay-cost", ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(BasketballSerialization.Config));
        var serialization = system.Serialization;
        var events = new object[rows.Count];
        for (var i = 0; i < rows.Count; i++) // warm-up: every reader compiled and tiered up before the timed pass
            events[i] = serialization.Deserialize(rows[i].Payload, rows[i].Serializer, rows[i].Manifest);
        var byManifest = new Dictionary<string, (long Ticks, int Count, long Bytes)>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rows.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            events[i] = serialization.Deserialize(rows[i].Payload, rows[i].Serializer, rows[i].Manifest);
            var (ticks, count, bytes) = byManifest.GetValueOrDefault(rows[i].Manifest);
            byManifest[rows[i].Manifest] = (ticks + Stopwatch.GetTimestamp() - start, count + 1, bytes + rows[i].Payload.Length);
        }
        var deserializeTime = clock.Elapsed;
        var eventsByManifest = new Dictionary<string, long>();
        for (var i = 0; i < rows.Count; i++)
            eventsByManifest[rows[i].Manifest] = eventsByManifest.GetValueOrDefault(rows[i].Manifest) + EventsIn(events[i]);
        var eventCount = eventsByManifest.Values.Sum();
        var deserialize = deserializeTime.TotalMicroseconds / eventCount;
        var manifests = byManifest.OrderByDescending(m => m.Value.Count).Select(m =>
            $"{m.Key} {m.Value.Ticks * 1e6 / Stopwatch.Frequency / m.Value.Count:0.0} µs per row ({m.Value.Count:N0} rows of " +
            $"{eventsByManifest[m.Key] / (double)m.Value.Count:0.#} events, {m.Value.Bytes / m.Value.Count:N0} B)").ToList();

        clock.Restart();
        for (var i = 0; i < rows.Count;)
        {
            var id = rows[i].PersistenceId;
            if (id.StartsWith(GameEntity.PersistenceIdPrefix, StringComparison.Ordinal))
            {
                var game = GameState.Initial(id[GameEntity.PersistenceIdPrefix.Length..]);
                for (; i < rows.Count && rows[i].PersistenceId == id; i++)
                    game = game.Apply((IGameJournalEvent)events[i]);
                GC.KeepAlive(game);
            }
            else
            {
                var player = PlayerState.Initial(id[PlayerEntity.PersistenceIdPrefix.Length..]);
                for (; i < rows.Count && rows[i].PersistenceId == id; i++)
                    player = player.Apply((IPlayerJournalEvent)events[i]);
                GC.KeepAlive(player);
            }
        }
        var apply = clock.Elapsed.TotalMicroseconds / eventCount;
        await system.Terminate();
        return new ReplayCost(deserialize, apply, eventCount, rows.Count, string.Join("; ", manifests));
    }

    /// <summary>The events one journal row holds: a Game delivery's batch, or the row's own event.</summary>
    private static int EventsIn(object row) => Basketball.Domain.JournalRow.EventCount(row);

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<long> ScalarAsync(DatabaseTarget database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    private static async Task<(byte[] Payload, string Manifest, int SerializerId)> LatestSnapshotAsync(DatabaseTarget database, string persistenceId,
        CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT snapshot, manifest, serializer_id FROM snapshot WHERE persistence_id = '{persistenceId}' ORDER BY sequence_number DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new InvalidOperationException($"no snapshot of {persistenceId}");
        return ((byte[])reader.GetValue(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2)));
    }

    private static async Task ExecuteAsync(DatabaseTarget database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
