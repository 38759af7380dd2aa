// One real node with its ingress on a private kinesalite, which has applied a few events: the /metrics, health and
// OpenAPI tests read it.
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Basketball.Domain.Events;

namespace Basketball.Cluster.Tests.Observability;

public sealed class ObservedNode : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _directory = new();

    public KinesaliteFixture Kinesis { get; } = new();

    public InProcessNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Kinesis.InitializeAsync();
        var stream = await Kinesis.CreateStreamAsync(KinesaliteFixture.UniqueStreamName("observed"), 2);
        Node = await InProcessNode.StartAsync($"sqlite:{_directory.File("basketball.db")}",
            "basketball.ingress { min-poll-interval = 20ms, idle-poll-interval = 50ms, checkpoint-every = 200ms }",
            Kinesis.NodeEnvironment(stream));

        // Through the whole pipeline: POST /api/events → Kinesis → reader → entities → journal.
        var events = new[] { TestEvents.Started("g-obs"), TestEvents.Score("g-obs", "t-1", "p-obs", 3) };
        var body = "[" + string.Join(",", events.Select(e => Encoding.UTF8.GetString(EventJson.Serialize(e)))) + "]";
        using var response = await Node.Http.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        await Eventually.Until(async () =>
        {
            using var game = await Node.Http.GetAsync("/api/games/g-obs");
            return game.IsSuccessStatusCode && (await game.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plays").GetInt32() == 1;
        }, Timeout, "the posted events were applied", TimeSpan.FromMilliseconds(100));
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Kinesis.DisposeAsync();
        _directory.Dispose();
    }
}
