// Hostile clients of the operator endpoint (SPEC §9; its bounds are akka.hocon `basketball.ops`): garbage and binary
// lines, a line of 10 MB without a newline, hundreds of idle connections, a client that never reads its answers. Each
// gets an `end` frame that says what was wrong, or is disconnected after a bound; memory stays bounded, and a normal
// client gets its answers meanwhile.
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Basketball.Cluster.Operations;
using Basketball.Domain.Milestones;
using Basketball.Ops;
using Basketball.ReadSide.Milestones;
using Microsoft.Extensions.DependencyInjection;

namespace Basketball.Cluster.Tests.Operations;

/// <summary>A node without Kinesis whose operator endpoint has short bounds, so the tests wait seconds, not minutes.</summary>
public sealed class HostileOpsNode : IAsyncLifetime
{
    public static readonly OpsLimits Limits = new(MaxRequestBytes: 65536, RequestTimeout: TimeSpan.FromSeconds(3),
        WriteTimeout: TimeSpan.FromSeconds(2), MaxCommands: 64, MaxWaiting: 50);

    private readonly TempDirectory _directory = new();

    public InProcessNode Node { get; private set; } = null!;

    public IPEndPoint Ops => IPEndPoint.Parse(Node.OpsAddress);

    public OpsServer Server => Node.App.Services.GetRequiredService<OpsServer>();

    public async Task InitializeAsync() =>
        Node = await InProcessNode.StartAsync($"sqlite:{_directory.File("basketball.db")}", $$"""
            basketball.ops {
              max-request-bytes = {{Limits.MaxRequestBytes}}, request-timeout = {{Limits.RequestTimeout.TotalSeconds}}s,
              write-timeout = {{Limits.WriteTimeout.TotalSeconds}}s, max-commands = {{Limits.MaxCommands}},
              max-waiting-connections = {{Limits.MaxWaiting}}
            }
            """);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _directory.Dispose();
    }
}

public class HostileOpsClientTests(HostileOpsNode fixture) : IClassFixture<HostileOpsNode>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>(case, the line's bytes, a word of the error).</summary>
    public static TheoryData<string, byte[], string> GarbageLines() => new()
    {
        { "not JSON", Line("this is not json"), "not an operator request" },
        { "a palette that is a number", Line("{\"palette\": 7}"), "not an operator request" },
        { "null", Line("null"), "palette and command must be strings" },
        { "an array", Line("[]"), "not an operator request" },
        { "an empty object", Line("{}"), "palette and command must be strings" },
        { "a null argument", Line("{\"palette\":\"game\",\"command\":\"show\",\"arguments\":[null]}"), "arguments hold strings" },
        { "a null option value", Line("{\"palette\":\"deadletters\",\"command\":\"peek\",\"options\":{\"n\":null}}"), "options and arguments" },
        { "an unknown option", Line("{\"palette\": \"cluster\", \"command\": \"show\", \"options\": {\"zz\": \"1\"}}"), "no option 'zz'" },
        { "an out-of-range count", Line("{\"palette\":\"deadletters\",\"command\":\"peek\",\"options\":{\"n\":\"99999999999\"}}"), "-n" },
        { "an unknown palette", Line("{\"palette\":\"\\u202e\",\"command\":\"show\"}"), "unknown palette" },
        { "a lone surrogate escape", Line("{\"palette\":\"\\ud800\",\"command\":\"show\"}"), "not an operator request" },
        { "binary junk", [0xFF, 0xFE, 0x00, 0x01, 0x80, 0xC0, 0xAF, 0x1B, (byte)'\n'], "not an operator request" },
        { "bytes that are not UTF-8 in a string", [.. "{\"palette\":\""u8, 0xFF, 0xC0, .. "\",\"command\":\"show\"}\n"u8], "not an operator request" },
        { "nesting 30,000 deep", Line(new string('[', 30_000)), "not an operator request" },
        { "an empty line", Line(""), "empty" },
    };

    [Theory]
    [MemberData(nameof(GarbageLines))]
    public async Task A_garbage_line_gets_an_end_frame_naming_the_problem_and_the_connection_closes(string @case, byte[] line, string mentions)
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await stream.WriteAsync(line);
        using var reader = new StreamReader(stream);
        var frame = JsonDocument.Parse((await reader.ReadLineAsync().WaitAsync(Timeout))!).RootElement;
        frame.GetProperty("kind").GetString().Should().Be("end", @case);
        frame.GetProperty("exit").GetInt32().Should().Be(OpsExit.Usage, @case);
        frame.GetProperty("error").GetString().Should().Contain(mentions, @case);
        (await reader.ReadLineAsync().WaitAsync(Timeout)).Should().BeNull("the node closes the connection after the end frame");
    }

    [Fact]
    public async Task A_10_MB_line_without_a_newline_is_refused_after_the_limit_and_not_read_further()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var junk = new byte[10 * 1024 * 1024];
        Array.Fill(junk, (byte)'x');
        var send = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(junk);
                return true;
            }
            catch (IOException)
            {
                return false; // the node closed the connection with the rest unread
            }
        });

        var answer = await ReadAnswerAsync(stream);
        if (answer is not null) // else the reset overtook the frame: disconnected after the bound, which is allowed too
            answer.Should().Contain($"over {HostileOpsNode.Limits.MaxRequestBytes} bytes");
        (await send.WaitAsync(Timeout)).Should().BeFalse("the node stops reading at the limit, so 10 MB cannot be delivered");
        (GC.GetTotalMemory(forceFullCollection: true) - before).Should().BeLessThan(64L * 1024 * 1024);
        await AssertNormalClientIsServedAsync();
    }

    [Fact]
    public async Task Two_hundred_idle_connections_neither_lock_out_an_operator_nor_stay_open()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
                idle.Add(await ConnectAsync());

            await AssertNormalClientIsServedAsync();

            // Each is told why it is closed: made room for a newer one, or sent nothing in time.
            var answers = await Task.WhenAll(idle.Select(c => ReadAnswerAsync(c.GetStream())));
            answers.Should().OnlyContain(a => a == null || a.Contains("closed to make room") || a.Contains("no request line within"));
            answers.Count(a => a != null).Should().BeGreaterThan(150, "most hear why before the close");
            await Eventually.Until(() => fixture.Server.OpenConnections == 0, Timeout, "every idle connection is closed");
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
        (GC.GetTotalMemory(forceFullCollection: true) - before).Should().BeLessThan(64L * 1024 * 1024);
    }

    [Fact]
    public async Task A_client_that_never_reads_its_tail_is_disconnected_after_the_write_timeout()
    {
        var store = fixture.Node.App.Services.GetRequiredService<MilestoneStore>();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(fixture.Ops);
        await client.GetStream().WriteAsync(Line("{\"palette\":\"milestones\",\"command\":\"tail\"}"));
        await Eventually.Until(() => fixture.Server.OpenConnections == 1, Timeout, "the tail runs");

        // Milestones keep coming (2 KB each) until the unread answers fill the sockets' buffers and the node gives up.
        var batch = 0;
        await Eventually.Until(async () =>
        {
            batch++;
            var milestones = Enumerable.Range(0, 200).Select(i => Milestone($"unread-{batch}-{i}")).ToList();
            await store.AppendAsync(milestones, "hostile-ops-tests", batch);
            return fixture.Server.OpenConnections == 0;
        }, TimeSpan.FromSeconds(60), "the node closed the connection whose answers were not read", TimeSpan.FromMilliseconds(100));

        await AssertNormalClientIsServedAsync();
        (GC.GetTotalMemory(forceFullCollection: true) - before).Should().BeLessThan(128L * 1024 * 1024,
            "what the client did not read waited in the socket, not in the node");
    }

    [Fact]
    public async Task Clients_that_send_commands_and_never_read_get_them_run_and_closed()
    {
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var client = await ConnectAsync();
                await client.GetStream().WriteAsync(Line("{\"palette\":\"actor\",\"command\":\"hierarchy\",\"options\":{\"d\":\"6\"}}"));
                clients.Add(client);
            }
            await AssertNormalClientIsServedAsync();
            await Eventually.Until(() => fixture.Server.OpenConnections == 0, Timeout,
                "each answer went to its socket (or its write timed out) and the connection closed");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task AssertNormalClientIsServedAsync()
    {
        var result = await CliRunner.RunAsync(fixture.Node.OpsAddress, "cluster", "show").WaitAsync(Timeout);
        result.Exit.Should().Be(0, result.ToString());
        result.Lines.Should().Contain(l => l.StartsWith("Count: 1 node", StringComparison.Ordinal), result.ToString());
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(fixture.Ops);
        return client;
    }

    /// <summary>The error of the end frame the node sent before closing, or null when the connection was reset first.</summary>
    private static async Task<string?> ReadAnswerAsync(NetworkStream stream)
    {
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            var line = await reader.ReadLineAsync().WaitAsync(Timeout);
            if (line is null)
                return null;
            var frame = JsonDocument.Parse(line).RootElement;
            frame.GetProperty("kind").GetString().Should().Be("end");
            return frame.GetProperty("error").GetString();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Milestone Milestone(string id) =>
        new(id, "PlayerPointsInGame", "g-unread", "Game", new string('s', 2048), 10, 10, 1, false, "g-unread", "e-1", DateTimeOffset.UtcNow);

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");
}
