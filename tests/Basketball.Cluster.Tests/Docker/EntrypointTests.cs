using System.Diagnostics;

namespace Basketball.Cluster.Tests.Docker;

/// <summary>The container entrypoint's own logic (no Docker engine runs here to test the image itself).</summary>
public class EntrypointTests
{
    private static readonly string Script = Path.Combine(KinesaliteFixture.FindRepositoryRoot(), "docker", "entrypoint.sh");

    [Fact]
    public async Task A_non_loopback_operator_endpoint_without_a_token_refuses_to_start()
    {
        var (code, output) = await RunAsync(new() { ["BASKETBALL_OPS"] = "0.0.0.0:9110" });
        code.Should().Be(64);
        output.Should().Contain("BASKETBALL_OPS_TOKEN");
    }

    [Fact]
    public async Task With_a_token_or_a_loopback_endpoint_it_starts_the_node()
    {
        // The node binary is not at /app outside the image: reaching it proves the checks let the start through.
        foreach (var env in new Dictionary<string, string>[]
                 {
                     new() { ["BASKETBALL_OPS"] = "0.0.0.0:9110", ["BASKETBALL_OPS_TOKEN"] = "secret" },
                     new() { ["BASKETBALL_OPS"] = "127.0.0.1:9110" },
                 })
        {
            var (code, output) = await RunAsync(env);
            code.Should().NotBe(64, output);
            output.Should().Contain("/app/Basketball.Cluster.dll");
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("sh", [Script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment.Remove("BASKETBALL_OPS_TOKEN");
        foreach (var (key, value) in env)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
