using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Pipeline;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Kinesis;

/// <summary>
/// Real node processes whose only credential source is a profile file or a container-credentials endpoint, talking
/// to kinesalite through a proxy that verifies every signature as AWS would.
/// </summary>
[Collection(KinesaliteCollection.Name)]
public class CredentialChainNodeTests(KinesaliteFixture kinesis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_with_no_key_variables_signs_every_request_with_the_keys_of_its_named_profile()
    {
        using var directory = new TempDirectory();
        var credentialsFile = directory.File("credentials");
        await File.WriteAllTextAsync(credentialsFile,
            "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n" +
            "[league]\naws_access_key_id = AKIDLEAGUEPROFILE\naws_secret_access_key = league-profile-secret\n");
        await using var proxy = new SigV4CheckingProxy(kinesis.Endpoint,
            key => key == "AKIDLEAGUEPROFILE" ? ("league-profile-secret", null) : null);
        var env = NodeEnvironment(directory, proxy);
        env["AWS_PROFILE"] = "league";
        env["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;

        await using var node = await NodeProcess.StartAsync(env, directory.Path);
        var gameId = $"g-profile-{Guid.NewGuid():N}"[..20];
        await PostAndAwaitAsync(node, gameId, scores: 5);

        output.WriteLine($"{proxy.Verified.Count} requests verified, {proxy.Refused.Count} refused");
        proxy.Refused.Should().BeEmpty("every request is signed with the profile's secret");
        proxy.Verified.Should().HaveCountGreaterThan(10).And.OnlyContain(key => key == "AKIDLEAGUEPROFILE");
    }

    [Fact]
    public async Task A_node_whose_only_source_is_a_container_endpoint_signs_with_its_temporary_keys_and_fetches_new_ones_before_they_expire()
    {
        using var directory = new TempDirectory();
        // AWSSDK.Core refreshes container credentials 15 minutes before they expire: keys that live 15 min + 3 s are
        // due for a refresh 3 s after each fetch, while still valid.
        await using var credentials = new ContainerCredentialsServer("container-auth-token", () => TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(3));
        await using var proxy = new SigV4CheckingProxy(kinesis.Endpoint, key =>
            credentials.Issued.TryGetValue(key, out var issued) && issued.Expiration > DateTimeOffset.UtcNow
                ? (issued.Secret, issued.Token) : null);
        var env = NodeEnvironment(directory, proxy);
        env["AWS_SHARED_CREDENTIALS_FILE"] = directory.File("no-credentials-file");
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = credentials.Uri.ToString();
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-auth-token";

        await using var node = await NodeProcess.StartAsync(env, directory.Path);
        var round = 0;
        var clock = Stopwatch.StartNew();
        // Keep the node busy (reads go on all the time; posts now and then) until it has fetched keys three times.
        while (credentials.Fetches < 3)
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(90), $"the node fetches again as its keys near expiry\n{node.RecentLog}");
            await PostAndAwaitAsync(node, $"g-container-{round++}-{Guid.NewGuid():N}"[..24], scores: 2);
        }
        await PostAndAwaitAsync(node, $"g-container-last-{Guid.NewGuid():N}"[..24], scores: 2);

        var keysUsed = proxy.Verified.Distinct().ToList();
        output.WriteLine($"{credentials.Fetches} fetches, {proxy.Verified.Count} requests verified with {keysUsed.Count} keys, {proxy.Refused.Count} refused");
        credentials.UnauthorizedFetches.Should().Be(0, "the node sends AWS_CONTAINER_AUTHORIZATION_TOKEN");
        proxy.Refused.Should().BeEmpty("no request was signed with a stale, unknown or expired key or a wrong session token");
        keysUsed.Should().HaveCountGreaterThanOrEqualTo(2, "the refreshed keys were used").And.OnlyContain(key => key.StartsWith("ASIATEST"));
    }

    [Fact]
    public async Task A_node_for_a_remote_endpoint_with_no_credentials_anywhere_refuses_to_start_and_says_why()
    {
        using var directory = new TempDirectory();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Basketball.Cluster.dll")])
        {
            WorkingDirectory = directory.Path, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var (key, value) in NoCredentialVariables(directory))
            start.Environment[key] = value;
        start.Environment["KINESIS_ENDPOINT"] = "https://kinesis.eu-west-1.amazonaws.com";
        start.Environment["AWS_REGION"] = "eu-west-1";
        start.Environment["BASKETBALL_JOURNAL"] = $"sqlite:{directory.File("basketball.db")}";

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.Should().Be(2);
        (await error).Should().Contain("configuration error: No AWS credentials resolved for the Kinesis endpoint https://kinesis.eu-west-1.amazonaws.com/")
            .And.Contain("AWS_PROFILE");
    }

    /// <summary>
    /// No credential variable from the test's own environment, no profile file of the machine's user, and no
    /// instance metadata (which would be a network call off this machine).
    /// </summary>
    private static Dictionary<string, string> NoCredentialVariables(TempDirectory directory) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "", ["AWS_SECRET_ACCESS_KEY"] = "", ["AWS_SESSION_TOKEN"] = "", ["AWS_PROFILE"] = "",
        ["AWS_SHARED_CREDENTIALS_FILE"] = directory.File("no-credentials-file"), ["AWS_CONFIG_FILE"] = directory.File("no-config-file"),
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = "", ["AWS_ROLE_ARN"] = "", ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "",
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "", ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "", ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_REGION"] = "", ["AWS_DEFAULT_REGION"] = "",
    };

    private Dictionary<string, string> NodeEnvironment(TempDirectory directory, SigV4CheckingProxy proxy)
    {
        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"));
        File.WriteAllText(directory.File("akka.hocon"), hocon + "\n" + PipelineHarness.FastIngress);
        var env = NoCredentialVariables(directory);
        foreach (var (key, value) in kinesis.NodeEnvironment(KinesaliteFixture.UniqueStreamName("creds")))
            env[key] = value;
        env["KINESIS_ENDPOINT"] = proxy.Endpoint.ToString().TrimEnd('/');
        env["BASKETBALL_JOURNAL"] = $"sqlite:{directory.File("basketball.db")}";
        return env;
    }

    /// <summary>Posts a game through the node's HTTP ingress (PutRecords) and waits until it is read back and applied.</summary>
    private static async Task PostAndAwaitAsync(NodeProcess node, string gameId, int scores)
    {
        var events = new List<EventEnvelope> { TestEvents.Started(gameId) };
        for (var i = 0; i < scores; i++)
            events.Add(TestEvents.Score(gameId, "t-1", "p-1", 2, clockSeconds: 600 - i));
        using var posted = await node.Http.PostAsync("/api/events", new ByteArrayContent(Encoding.UTF8.GetBytes("[" + string.Join(",", events.Select(e => Encoding.UTF8.GetString(EventJson.Serialize(e)))) + "]"))
        {
            Headers = { ContentType = new("application/json") },
        });
        posted.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        await Eventually.Assert(async () =>
        {
            using var response = await node.Http.GetAsync($"/api/games/{gameId}");
            response.IsSuccessStatusCode.Should().BeTrue();
            var game = await response.Content.ReadFromJsonAsync<JsonElement>();
            game.GetProperty("score").GetProperty("t-1").GetInt32().Should().Be(2 * scores);
        }, TimeSpan.FromSeconds(60));
    }
}
