using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Basketball.Domain.Events;
using Basketball.Shards.Entities;

namespace Basketball.Cluster.Tests.Live;

/// <summary>GET /api/games: the live feed's games, newest change first, by status, at most limit of them.</summary>
public sealed class GameListEndpointTests(GameListEndpointTests.SharedNode shared) : IClassFixture<GameListEndpointTests.SharedNode>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>One node without Kinesis for the tests that do not care what else it holds.</summary>
    public sealed class SharedNode : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new("basketball-games");

        public InProcessNode Node { get; private set; } = null!;

        public async Task InitializeAsync() => Node = await InProcessNode.StartAsync($"sqlite:{_directory.File("b.db")}");

        public async Task DisposeAsync()
        {
            if (Node is not null)
                await Node.DisposeAsync();
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task Games_written_before_the_first_request_and_after_it_are_listed_newest_change_first_by_status_and_up_to_the_limit()
    {
        // A node of its own: its feed must not have started, and the list holds only these games.
        using var directory = new TempDirectory("basketball-games");
        await using var node = await InProcessNode.StartAsync($"sqlite:{directory.File("b.db")}");
        Task ProcessAsync(string gameId, params EventEnvelope[] events) => ProcessOnAsync(node, gameId, events);
        Task<List<string>> IdsAsync(string path) => IdsOnAsync(node, path);
        // Changed in this order before anything asked for the list: the feed starts on the first request and
        // rebuilds them from the journal.
        await ProcessAsync("g-done", TestEvents.Scheduled("g-done"), TestEvents.Started("g-done"), TestEvents.Score("g-done", "t-1", "p-1", 2),
            TestEvents.Completed("g-done"));
        await ProcessAsync("g-live", TestEvents.Scheduled("g-live"), TestEvents.Started("g-live"), TestEvents.Score("g-live", "t-2", "p-2", 3));
        await ProcessAsync("g-later", TestEvents.Scheduled("g-later"));
        await ProcessAsync("g-break", TestEvents.Scheduled("g-break"), TestEvents.Started("g-break"),
            TestEvents.Status("g-break", GameStatus.InProgress, GameStatus.Halftime));

        (await IdsAsync("/api/games")).Should().Equal("g-break", "g-later", "g-live", "g-done");

        // A change after the feed started moves its game to the front.
        await ProcessAsync("g-live", TestEvents.Score("g-live", "t-1", "p-1", 2));
        await Eventually.Assert(async () => (await IdsAsync("/api/games")).Should().Equal("g-live", "g-break", "g-later", "g-done"), Deadline);

        (await IdsAsync("/api/games?status=InProgress")).Should().Equal("g-live");
        (await IdsAsync("/api/games?status=halftime")).Should().Equal(["g-break"], "the status is matched without regard to case");
        (await IdsAsync("/api/games?status=Scheduled")).Should().Equal("g-later");
        (await IdsAsync("/api/games?status=Completed")).Should().Equal("g-done");
        (await IdsAsync("/api/games?status=Cancelled")).Should().BeEmpty();
        (await IdsAsync("/api/games?limit=2")).Should().Equal("g-live", "g-break");
        (await IdsAsync("/api/games?limit=1&status=Completed")).Should().Equal("g-done");
        (await IdsAsync("/api/games?limit=500")).Should().HaveCount(4);
    }

    [Fact]
    public async Task Each_listed_game_is_the_projection_its_entity_answers()
    {
        var node = shared.Node;
        Task ProcessAsync(string gameId, params EventEnvelope[] events) => ProcessOnAsync(node, gameId, events);
        await ProcessAsync("g-same", TestEvents.Scheduled("g-same"), TestEvents.Started("g-same"));
        var first = TestEvents.Score("g-same", "t-1", "p-1", 3);
        await ProcessAsync("g-same", first, TestEvents.Score("g-same", "t-2", "p-2", 2));
        // A rejected event is a journal row of its own without the feed's tag; the score after it must not be lost.
        await ProcessAsync("g-same", TestEvents.Correction("g-same", "never-applied"));
        await ProcessAsync("g-same", TestEvents.Correction("g-same", first.EventId), TestEvents.Score("g-same", "t-1", "p-3", 1, period: 2));

        var entity = JsonDocument.Parse(await node.Http.GetStringAsync("/api/games/g-same")).RootElement;
        entity.GetProperty("plays").GetInt32().Should().Be(2);
        await Eventually.Assert(async () =>
        {
            var listed = (await node.Http.GetFromJsonAsync<JsonElement>("/api/games?limit=500")).EnumerateArray()
                .Single(g => g.GetProperty("gameId").GetString() == "g-same");
            Basketball.Replay.JournalReplay.Differences(listed, entity).Should().BeEmpty("the feed folds the journal rows as the entity does");
        }, Deadline);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=-1")]
    [InlineData("limit=501")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=abc")]
    [InlineData("limit=2.5")]
    [InlineData("limit=")]
    [InlineData("limit=1&limit=2")]
    public async Task A_limit_that_is_not_a_whole_number_from_1_to_500_is_a_400_with_a_JSON_error(string query)
    {
        using var response = await shared.Node.Http.GetAsync($"/api/games?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        error.GetProperty("error").GetString().Should().Be("invalid_limit");
        error.GetProperty("message").GetString().Should().Contain("from 1 to 500");
    }

    [Fact]
    public async Task An_unknown_status_is_a_400_that_names_the_known_ones()
    {
        using var response = await shared.Node.Http.GetAsync("/api/games?status=Postponed");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        error.GetProperty("error").GetString().Should().Be("invalid_status");
        error.GetProperty("message").GetString().Should().Contain("InProgress").And.Contain("'Postponed'");
    }

    private static async Task ProcessOnAsync(InProcessNode node, string gameId, EventEnvelope[] events) =>
        await node.Games.Ask<EventsProcessed>(new ProcessEvents(gameId, events), TimeSpan.FromSeconds(10));

    private static async Task<List<string>> IdsOnAsync(InProcessNode node, string path) =>
        (await node.Http.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().Select(g => g.GetProperty("gameId").GetString()!).ToList();
}
