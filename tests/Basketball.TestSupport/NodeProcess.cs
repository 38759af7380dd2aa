// A real node process (the same binary as production), for tests that kill it with SIGKILL, stop it with SIGTERM,
// or freeze it with SIGSTOP (a GC pause or a VM migration, as the rest of the cluster sees it) and thaw it with SIGCONT.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Basketball.TestSupport;

public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private NodeProcess(Process process, string httpUrl, int akkaPort)
    {
        _process = process;
        HttpUrl = httpUrl;
        AkkaPort = akkaPort;
        Http = new HttpClient { BaseAddress = new Uri(httpUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string HttpUrl { get; }

    public int AkkaPort { get; }

    /// <summary>The operator endpoint, host:port (what the CLI takes as its first argument).</summary>
    public string OpsAddress { get; private init; } = "";

    /// <summary>The node's cluster address, akka.tcp://basketball@127.0.0.1:port.</summary>
    public string AkkaAddress => $"akka.tcp://basketball@127.0.0.1:{AkkaPort}";

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Stopped by <see cref="FreezeAsync"/> and not yet thawed: it answers nothing (HTTP to it would hang).</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>The exit code, once the process has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the node wrote (for failure messages).</summary>
    public string RecentLog => string.Join('\n', _log.TakeLast(80));

    /// <summary>Every line kept (the last 2,000), for a test that explains a failure from what several nodes did.</summary>
    public IReadOnlyList<string> Lines => _log.ToArray();

    /// <param name="env">Environment of the node (BASKETBALL_JOURNAL, KINESIS_ENDPOINT, …); ports are added here.</param>
    /// <param name="workingDirectory">Where the node runs (its akka.hocon comes from the binary's folder).</param>
    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> env, string workingDirectory,
        TimeSpan? readyTimeout = null, int? akkaPort = null)
    {
        var httpPort = FreePort.Next();
        var port = akkaPort ?? FreePort.Next();
        var binary = Path.Combine(AppContext.BaseDirectory, "Basketball.Cluster.dll");
        var start = new ProcessStartInfo("dotnet", [binary])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["BASKETBALL_HTTP"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["BASKETBALL_PORT"] = port.ToString();
        start.Environment["BASKETBALL_HOSTNAME"] = "127.0.0.1";
        var opsPort = FreePort.Next();
        start.Environment["BASKETBALL_OPS"] = $"127.0.0.1:{opsPort}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Basketball"] = "Information";
        // As shipped (docker/Dockerfile, basketball.sh): a 64 MiB gen0 budget and no tiering delay, unless the
        // caller's environment sets them.
        start.Environment.TryAdd("DOTNET_GCgen0size", "0x4000000");
        start.Environment.TryAdd("DOTNET_TC_CallCountingDelayMs", "0");
        foreach (var (key, value) in env)
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the node process");
        var node = new NodeProcess(process, $"http://127.0.0.1:{httpPort}", port) { OpsAddress = start.Environment["BASKETBALL_OPS"]! };
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.Until(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"node exited with {process.ExitCode}:\n{node.RecentLog}");
                using var response = await node.Http.GetAsync("/health/ready");
                return response.IsSuccessStatusCode;
            }, readyTimeout ?? TimeSpan.FromSeconds(120), "node is ready", TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException ex)
        {
            await node.DisposeAsync();
            throw new TimeoutException($"{ex.Message}\n{node.RecentLog}", ex);
        }
        return node;
    }

    /// <summary>kill -9: no shutdown hooks, no draining, no final checkpoint.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: CoordinatedShutdown drains the ingress and hands over like a production stop.</summary>
    public async Task StopGracefullyAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node did not stop within the timeout after SIGTERM:\n{RecentLog}");
        }
    }

    /// <summary>SIGSTOP: every thread stops at once, sockets stay open, nothing runs until <see cref="ThawAsync"/>.</summary>
    public async Task FreezeAsync()
    {
        await SignalAsync("-STOP");
        IsFrozen = true;
    }

    /// <summary>SIGCONT: the process runs on from where it was stopped, its timers all overdue.</summary>
    public async Task ThawAsync()
    {
        if (_process.HasExited)
            return;
        await SignalAsync("-CONT");
        IsFrozen = false;
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString()])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill {signal} {_process.Id} exited with {kill.ExitCode}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            // A frozen process dies of SIGKILL too; thawing it first lets it die like any other (and never leaves a
            // stopped process behind if the kill fails).
            if (IsFrozen)
                await ThawAsync();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        _log.Enqueue(line);
        while (_log.Count > 2000 && _log.TryDequeue(out _))
        {
        }
    }
}
