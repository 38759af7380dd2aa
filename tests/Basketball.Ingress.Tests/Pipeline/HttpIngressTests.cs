using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;

namespace Basketball.Ingress.Tests.Pipeline;

[Collection(KinesaliteCollection.Name)]
public class HttpIngressTests(KinesaliteFixture kinesis)
{
    [Fact]
    public async Task Posted_events_are_validated_put_to_Kinesis_and_applied_and_the_rejected_ones_are_answered_by_index()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis);
        var gameId = "http-g1";
        var events = new[] { TestEvents.Scheduled(gameId), TestEvents.Started(gameId), TestEvents.Score(gameId, "t-2", "p-9", 2) };
        var body = "[" + string.Join(",", events.Take(2).Select(e => Encoding.UTF8.GetString(EventJson.Serialize(e))))
                   + ",{\"eventId\":\"broken\"},"
                   + Encoding.UTF8.GetString(EventJson.Serialize(events[2])) + "]";

        using var response = await harness.Node.Http.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        answer.GetProperty("accepted").GetInt32().Should().Be(3);
        var rejected = answer.GetProperty("rejected").EnumerateArray().Single();
        rejected.GetProperty("index").GetInt32().Should().Be(2);
        rejected.GetProperty("eventId").GetString().Should().Be("broken");
        rejected.GetProperty("reason").GetString().Should().Be("missing_field");

        await Eventually.Assert(async () =>
        {
            var game = (await harness.GetAsync($"/api/games/{gameId}"))!.Value;
            game.GetProperty("score").GetProperty("t-2").GetInt32().Should().Be(2);
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_400_and_one_over_5_MiB_is_413()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1);

        using var notJson = await harness.Node.Http.PostAsync("/api/events", new StringContent("{oops", Encoding.UTF8, "application/json"));
        notJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await notJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("malformed_json");

        using var huge = await harness.Node.Http.PostAsync("/api/events",
            new StringContent("[\"" + new string('x', 5 * 1024 * 1024) + "\"]", Encoding.UTF8, "application/json"));
        huge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unknown_games_and_players_answer_404_with_a_JSON_error()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1);
        foreach (var path in new[] { "/api/games/nope", "/api/games/nope/plays", "/api/players/nobody" })
        {
            using var response = await harness.Node.Http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("not_found");
        }
    }
}
