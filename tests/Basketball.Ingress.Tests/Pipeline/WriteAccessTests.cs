using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Basketball.Cluster.Http;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;

namespace Basketball.Ingress.Tests.Pipeline;

/// <summary>Who may post events: BASKETBALL_API_TOKEN, and no anonymous writes on a node reachable from the network.</summary>
[Collection(KinesaliteCollection.Name)]
public class WriteAccessTests(KinesaliteFixture kinesis)
{
    private const string Token = "s3cret-token-of-the-league";

    [Fact]
    public async Task With_a_token_a_post_without_it_or_with_another_is_401_and_with_it_is_accepted_and_applied()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1,
            env: new Dictionary<string, string> { [WriteAccess.TokenVariable] = Token });
        var gameId = "token-g1";

        using (var anonymous = await PostAsync(harness, [TestEvents.Scheduled(gameId)], authorization: null))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            anonymous.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
            (await ErrorAsync(anonymous)).Should().Be("unauthorized");
        }
        foreach (var wrong in new[] { "Bearer wrong", "Bearer " + Token + "x", "Bearer " + Token[..^1], "Basic " + Token, Token })
        {
            using var response = await PostAsync(harness, [TestEvents.Scheduled(gameId)], wrong);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, wrong);
            (await ErrorAsync(response)).Should().Be("unauthorized");
        }

        using (var allowed = await PostAsync(harness, [TestEvents.Scheduled(gameId), TestEvents.Started(gameId)], "Bearer " + Token))
        {
            allowed.StatusCode.Should().Be(HttpStatusCode.Accepted);
            (await allowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(2);
        }
        await Eventually.Assert(async () =>
        {
            var game = await harness.GetAsync($"/api/games/{gameId}");
            game.Should().NotBeNull();
            game!.Value.GetProperty("eventsApplied").GetInt32().Should().Be(2, "only the authorized post reached the stream");
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_node_listening_beyond_loopback_without_a_token_refuses_posts_with_403_and_still_answers_reads()
    {
        await using var harness = await PipelineHarness.StartAsync(kinesis, shards: 1,
            env: new Dictionary<string, string> { ["BASKETBALL_HTTP"] = "http://0.0.0.0:0" });

        using var post = await PostAsync(harness, [TestEvents.Scheduled("open-g1")], authorization: null);
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var body = await post.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("error").GetString().Should().Be("forbidden");
        body.GetProperty("message").GetString().Should().Contain(WriteAccess.TokenVariable).And.Contain("loopback");

        using var read = await harness.Node.Http.GetAsync("/api/games/open-g1");
        read.StatusCode.Should().Be(HttpStatusCode.NotFound, "reads are served: the game simply has no events");
        (await ErrorAsync(read)).Should().Be("not_found");
        using var ready = await harness.Node.Http.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.3.4.5:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://10.0.0.7:8080", false)]
    [InlineData("http://node-1.league.internal:8080", false)]
    public void Loopback_is_localhost_127_0_0_0_8_and_ipv6_loopback_only(string url, bool loopback) =>
        WriteAccess.IsLoopback(url).Should().Be(loopback);

    private static Task<HttpResponseMessage> PostAsync(PipelineHarness harness, EventEnvelope[] events, string? authorization)
    {
        var body = "[" + string.Join(",", events.Select(e => Encoding.UTF8.GetString(EventJson.Serialize(e)))) + "]";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return harness.Node.Http.SendAsync(request);
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
}
