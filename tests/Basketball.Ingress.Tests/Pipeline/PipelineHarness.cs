// A node reading a fresh pair of streams on the shared kinesalite, and the checks every pipeline test makes.
using System.Net.Http.Json;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Kinesis;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.Ingress.Tests.Pipeline;

public sealed class PipelineHarness : IAsyncDisposable
{
    /// <summary>Fast polling so that tests wait milliseconds, not seconds.</summary>
    public const string FastIngress = """
        basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms, shard-discovery-interval = 500ms,
                             lease-check-every = 500ms }
        basketball.entities.redeliver-every = 300ms
        """;

    private readonly TempDirectory _directory;

    private PipelineHarness(KinesaliteFixture kinesis, TempDirectory directory, string stream, InProcessNode node)
    {
        Kinesis = kinesis;
        _directory = directory;
        Stream = stream;
        Node = node;
        Client = kinesis.CreateClient();
        Producer = new KinesisProducer(Client, new KinesisProducerOptions(stream));
    }

    public KinesaliteFixture Kinesis { get; }

    public string Stream { get; }

    public InProcessNode Node { get; }

    public KinesisClient Client { get; }

    public KinesisProducer Producer { get; }

    public string Journal => $"sqlite:{_directory.File("basketball.db")}";

    public static async Task<PipelineHarness> StartAsync(KinesaliteFixture kinesis, int shards = 4, Action<IServiceCollection>? services = null,
        string? hocon = null, IReadOnlyDictionary<string, string>? env = null, Func<string, Task>? beforeStart = null)
    {
        var directory = new TempDirectory();
        var stream = KinesaliteFixture.UniqueStreamName("events");
        await kinesis.CreateStreamAsync(stream, shards);
        // What the stream holds before any reader looks at it (a backlog, a resharding already done).
        if (beforeStart is not null)
            await beforeStart(stream);
        var variables = Environment(kinesis, stream);
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
            variables[name] = value;
        var node = await InProcessNode.StartAsync($"sqlite:{directory.File("basketball.db")}", FastIngress + (hocon ?? ""), variables, services);
        return new PipelineHarness(kinesis, directory, stream, node);
    }

    public static Dictionary<string, string> Environment(KinesaliteFixture kinesis, string stream) => kinesis.NodeEnvironment(stream);

    public Task PutAsync(IEnumerable<EventEnvelope> events) =>
        PutRawAsync(events.Select(e => (e.AggregateId, EventJson.Serialize(e))));

    public async Task PutRawAsync(IEnumerable<(string PartitionKey, byte[] Data)> records)
    {
        var result = await Producer.PutAsync(records.Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList());
        result.Records.Should().OnlyContain(r => r.Succeeded, "the producer puts every record");
    }

    public async Task<JsonElement?> GetAsync(string path)
    {
        using var response = await Node.Http.GetAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits until every game and player of the script is exactly as expected.</summary>
    public static async Task AssertConvergesAsync(Func<string, Task<JsonElement?>> get, OrderedScript script, TimeSpan timeout)
    {
        await Eventually.Assert(async () =>
        {
            foreach (var (gameId, expected) in script.Games)
            {
                var game = await get($"/api/games/{gameId}");
                game.Should().NotBeNull($"game {gameId} exists");
                var g = game!.Value;
                g.GetProperty("status").GetString().Should().Be("Completed", gameId);
                g.GetProperty("score").GetProperty("t-1").GetInt32().Should().Be(expected.Home, gameId);
                g.GetProperty("score").GetProperty("t-2").GetInt32().Should().Be(expected.Away, gameId);
                g.GetProperty("eventsApplied").GetInt32().Should().Be(expected.Events, $"{gameId}: every event applied exactly once");
            }
            foreach (var (playerId, expected) in script.Players)
            {
                var player = await get($"/api/players/{playerId}");
                player.Should().NotBeNull(playerId);
                player!.Value.GetProperty("points").GetInt32().Should().Be(expected.Points, $"{playerId}'s points are the sum of its box scores");
                player.Value.GetProperty("teamId").GetString().Should().Be(expected.Team, $"{playerId}'s team changes applied in order");
            }
        }, timeout, TimeSpan.FromMilliseconds(250));
    }

    public async Task AssertConvergesAsync(OrderedScript script, TimeSpan timeout) => await AssertConvergesAsync(GetAsync, script, timeout);

    public async Task<IReadOnlyList<JsonElement>> DeadLettersAsync() =>
        (await GetAsync("/api/deadletters?limit=1000"))!.Value.EnumerateArray().ToList();

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Producer.DisposeAsync();
        Client.Dispose();
        _directory.Dispose();
    }
}
