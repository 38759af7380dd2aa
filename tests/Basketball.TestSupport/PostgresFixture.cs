// A throw-away PostgreSQL server for tests: initdb into a temp directory, start on a free loopback port,
// a fresh database per caller, stop and delete on dispose. Nothing is left running between test runs.
//
// Use as IClassFixture<PostgresFixture> (one server per class) or [Collection(PostgresCollection.Name)]
// (one server for every class in the collection; those classes then run one after another). The server starts
// lazily, on the first CreateDatabaseAsync, so a class that mixes SQLite and PostgreSQL cases pays nothing for
// the SQLite ones. Missing binaries FAIL the PostgreSQL tests with a clear message, unless
// BASKETBALL_SKIP_POSTGRES=1: then [PostgresFact]/[PostgresTheory] skip and PostgresFixture.IsSkipped is true.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Basketball.TestSupport;

public sealed class PostgresFixture : IAsyncLifetime
{
    public const string SkipVariable = "BASKETBALL_SKIP_POSTGRES";
    public const string SkipReason = "PostgreSQL tests skipped because BASKETBALL_SKIP_POSTGRES=1; unset it to run them.";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly IMessageSink? _diagnostics;
    private readonly Func<CancellationToken, Task<string?>> _findBinDirectory;
    private string? _rootDirectory;
    private string? _binDirectory;
    private bool _started;

    // xunit injects a message sink into fixtures (one public constructor only); timings appear with
    // diagnosticMessages enabled. Code that builds the fixture itself may pass null.
    public PostgresFixture(IMessageSink? diagnostics = null)
        : this(diagnostics, findBinDirectory: null)
    {
    }

    // For testing the fixture itself: where the server binaries are looked for.
    /// <param name="findBinDirectory">Where the PostgreSQL binaries are (tests of the fixture itself replace it).</param>
    internal PostgresFixture(IMessageSink? diagnostics, Func<CancellationToken, Task<string?>>? findBinDirectory)
    {
        _diagnostics = diagnostics;
        _findBinDirectory = findBinDirectory ?? FindBinDirectoryAsync;
    }

    public static bool IsSkipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    /// <summary>
    /// Off (the default, what the tests use): fsync, synchronous_commit and full_page_writes are off, which makes
    /// the tests fast. On: the three keep PostgreSQL's defaults, so a commit waits for its WAL flush as in production;
    /// the benchmarks use it. Set before the server starts (an init-only property keeps xunit's single constructor).
    /// </summary>
    public bool Durable { get; init; }

    public int Port { get; private set; }

    /// <summary>The temp directory holding the data directory, the socket and the log; null until started and after dispose.</summary>
    public string? RootDirectory => _rootDirectory;

    /// <summary>The superuser connection string for the <c>postgres</c> database (trust authentication).</summary>
    public string AdminConnectionString { get; private set; } = "";

    public TimeSpan StartupTime { get; private set; }
    public TimeSpan ShutdownTime { get; private set; }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the server if needed and creates an empty database; returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStartedAsync(cancellationToken);
        // A database name cannot be a parameter; this one is generated here, never taken from input.
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Starts the server if needed and creates an empty schema in the <c>postgres</c> database; returns a connection
    /// string whose search path is that schema, so unqualified tables land there. Much cheaper than a database
    /// (about 5 ms against 150–300 ms) for tests that only need tables of their own.
    /// </summary>
    public async Task<string> CreateSchemaAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStartedAsync(cancellationToken);
        // A schema name cannot be a parameter; this one is generated here, never taken from input.
        var name = "s_" + Guid.NewGuid().ToString("N");
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { SearchPath = name };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE SCHEMA \"{name}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return builder.ConnectionString;
    }

    public async Task EnsureStartedAsync(CancellationToken cancellationToken = default)
    {
        if (IsSkipped)
            throw new InvalidOperationException(
                $"{SkipVariable}=1 is set, yet a test asked for PostgreSQL: mark it [PostgresFact]/[PostgresTheory] or leave PostgreSQL out of its data.");
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (!_started)
                await StartAsync(cancellationToken);
        }
        finally
        {
            _startLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_rootDirectory is null)
            return;
        var watch = Stopwatch.StartNew();
        try
        {
            if (_started)
                // immediate: no checkpoint on the way out; the data directory is deleted next anyway.
                await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            TryDelete(_rootDirectory);
            _rootDirectory = null;
            _started = false;
            ShutdownTime = watch.Elapsed;
            Log($"PostgreSQL stopped and deleted in {ShutdownTime.TotalMilliseconds:F0} ms");
        }
    }

    private string DataDirectory => Path.Combine(_rootDirectory!, "data");

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _binDirectory = await _findBinDirectory(cancellationToken)
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or `pg_config --bindir`. " +
                $"Install PostgreSQL (e.g. apt-get install postgresql-15), or set {SkipVariable}=1 to skip the PostgreSQL tests.");

        _rootDirectory = Path.Combine(Path.GetTempPath(), "bbpg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_rootDirectory);
        if (IsRoot)
            await RunAsync("chown", ["postgres:postgres", _rootDirectory], cancellationToken);

        // trust on loopback only: a server that lives for one test run and listens on 127.0.0.1.
        await RunAsPostgresAsync("initdb",
            ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);

        // A free port can be taken between asking and binding: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            try
            {
                await StartServerProcessAsync(cancellationToken);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
        }.ConnectionString;
        _started = true;
        StartupTime = watch.Elapsed;
        Log($"PostgreSQL started on 127.0.0.1:{Port} in {StartupTime.TotalMilliseconds:F0} ms ({_rootDirectory}), durability {(Durable ? "on" : "off")}");
    }

    /// <summary>
    /// Stops the running server (fast shutdown: every client connection is cut, as in a database outage); its data
    /// stays. <see cref="RestartServerAsync"/> brings it back on the same port.
    /// </summary>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
            throw new InvalidOperationException("The PostgreSQL server is not running.");
        await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
        Log($"PostgreSQL on port {Port} stopped (outage)");
    }

    /// <summary>Starts the server stopped by <see cref="StopServerAsync"/> again, same data, same port.</summary>
    public async Task RestartServerAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
            throw new InvalidOperationException("The PostgreSQL server was never started.");
        await StartServerProcessAsync(cancellationToken);
        Log($"PostgreSQL on port {Port} started again");
    }

    private Task StartServerProcessAsync(CancellationToken cancellationToken)
    {
        // Durability is pointless for a throw-away test server; turning it off makes the tests fast.
        // Durable (the benchmarks) keeps the server's defaults: fsync, synchronous_commit, full_page_writes on.
        var options = $"-p {Port} -k {_rootDirectory} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                      (Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        return RunAsPostgresAsync("pg_ctl",
            ["-D", DataDirectory, "-o", options, "-l", Path.Combine(_rootDirectory!, "log"), "-w", "-t", "60", "start"],
            cancellationToken);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunAsPostgresAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory!, tool);
        // initdb refuses to run as root; runuser switches to the postgres account without a password.
        return IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken)
            : RunAsync(executable, arguments, cancellationToken);
    }

    private async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            var log = _rootDirectory is not null && File.Exists(Path.Combine(_rootDirectory, "log"))
                ? File.ReadAllText(Path.Combine(_rootDirectory, "log"))
                : "";
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{errors}\n{output}\n{log}".TrimEnd());
        }
        return output;
    }

    private async Task<string?> FindBinDirectoryAsync(CancellationToken cancellationToken)
    {
        static bool HasServer(string directory) =>
            File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        if (HasServer("/usr/lib/postgresql/15/bin"))
            return "/usr/lib/postgresql/15/bin";
        try
        {
            var bindir = (await RunAsync("pg_config", ["--bindir"], cancellationToken)).Trim();
            if (bindir.Length > 0 && HasServer(bindir))
                return bindir;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // no pg_config on PATH: fall through to the versioned directories
        }
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(HasServer)
                .OrderByDescending(path => path, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"Could not delete {directory}: {e.Message}");
        }
    }

    private void Log(string message) => _diagnostics?.OnMessage(new DiagnosticMessage(message));
}

/// <summary>A fact that needs PostgreSQL: skipped (with the reason) only when BASKETBALL_SKIP_POSTGRES=1.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresFixture.IsSkipped)
            Skip = PostgresFixture.SkipReason;
    }
}

/// <summary>A theory that needs PostgreSQL: skipped (with the reason) only when BASKETBALL_SKIP_POSTGRES=1.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresFixture.IsSkipped)
            Skip = PostgresFixture.SkipReason;
    }
}
