// Runs a private kinesalite (in memory, loopback, a free port) for a test collection, installing it first if needed.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Basketball.Kinesis;

namespace Basketball.TestSupport;

/// <summary>
/// One kinesalite process per fixture instance. Use it through <see cref="KinesaliteCollection"/>
/// (<c>[Collection(KinesaliteCollection.Name)]</c> and a constructor parameter), or as a class fixture.
/// Streams are created with no CREATING delay; give each test its own stream name (<see cref="UniqueStreamName"/>).
/// </summary>
public sealed partial class KinesaliteFixture : IAsyncLifetime
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private Process? _process;
    private readonly StringBuilder _output = new();

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Client options for this kinesalite: dummy keys, quick retries.</summary>
    public KinesisOptions Options => new()
    {
        Endpoint = Endpoint,
        Region = "us-east-1",
        Credentials = AwsCredentials.LocalDummy,
        BaseRetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromSeconds(10),
        StreamStatusPollInterval = TimeSpan.FromMilliseconds(20),
    };

    public KinesisClient CreateClient(HttpMessageHandler? handler = null, KinesisOptions? options = null) =>
        handler is null
            ? new KinesisClient(options ?? Options)
            : new KinesisClient(options ?? Options, handler, disposeHandler: true);

    public static string UniqueStreamName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 128)];

    /// <summary>The environment of a node reading <paramref name="stream"/> from this kinesalite.</summary>
    public Dictionary<string, string> NodeEnvironment(string stream) => new()
    {
        ["KINESIS_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["BASKETBALL_STREAM"] = stream,
        ["BASKETBALL_MILESTONES_STREAM"] = stream + "-milestones",
        ["BASKETBALL_CREATE_STREAMS"] = "true",
    };

    /// <summary>Creates a stream, waits until it is ACTIVE, and returns its name.</summary>
    public async Task<string> CreateStreamAsync(string name, int shards, CancellationToken cancellationToken = default)
    {
        using var client = CreateClient();
        await client.CreateStreamAsync(name, shards, cancellationToken);
        await client.WaitForStreamActiveAsync(name, TimeSpan.FromSeconds(30), cancellationToken);
        return name;
    }

    public async Task InitializeAsync()
    {
        var toolDirectory = Path.Combine(FindRepositoryRoot(), "tools", "kinesalite");
        await EnsureInstalledAsync(toolDirectory);
        await StartAsync(toolDirectory);
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>The folder that holds Akka.Basketball.sln, found by walking up from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Akka.Basketball.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Akka.Basketball.sln above {AppContext.BaseDirectory}.");
    }

    // `npm ci` once per lock-file content. A file lock (in the temp folder: npm ci deletes node_modules) keeps
    // parallel test classes and test processes from installing over each other.
    private static async Task EnsureInstalledAsync(string toolDirectory)
    {
        var lockFile = Path.Combine(toolDirectory, "package-lock.json");
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(lockFile)));
        var marker = Path.Combine(toolDirectory, "node_modules", ".installed-from-lock");
        if (IsInstalled(marker, lockHash)) return;

        var gatePath = Path.Combine(Path.GetTempPath(),
            $"akka-basketball-kinesalite-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(toolDirectory)))[..16]}.lock");
        var deadline = DateTime.UtcNow + InstallTimeout;
        FileStream? gate = null;
        while (gate is null)
        {
            try
            {
                gate = new FileStream(gatePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200); // someone else is installing
            }
        }

        await using (gate)
        {
            if (IsInstalled(marker, lockHash)) return;
            var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], toolDirectory, InstallTimeout);
            if (exitCode != 0)
                throw new InvalidOperationException($"npm ci in {toolDirectory} failed ({exitCode}):\n{output}");
            await File.WriteAllTextAsync(marker, lockHash);
        }
    }

    private static bool IsInstalled(string marker, string lockHash) =>
        File.Exists(marker) && File.ReadAllText(marker).Trim() == lockHash;

    private async Task StartAsync(string toolDirectory)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = toolDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed when this process dies: serve.js --exitWithStdin then exits too
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "serve.js", "--host", "127.0.0.1", "--port", "0", "--createStreamMs", "0", "--deleteStreamMs", "0",
                     "--updateStreamMs", "0", "--shardLimit", "10000", "--exitWithStdin",
                 })
            start.ArgumentList.Add(arg);

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"kinesalite exited before it listened:\n{Output}"));
        if (!process.Start()) throw new InvalidOperationException("Could not start node.");
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Endpoint = await listening.Task.WaitAsync(StartTimeout);
        await WaitUntilAnsweringAsync();
    }

    private void OnOutput(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match)
            listening.TrySetResult(new Uri($"http://127.0.0.1:{match.Groups["port"].Value}"));
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    // The port is bound when "Listening" is printed; one real request proves the HTTP handler answers too.
    private async Task WaitUntilAnsweringAsync()
    {
        using var client = CreateClient(options: Options with { MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(2) });
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                await client.ListStreamsAsync();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"Listening at https?://[^\s]*:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
