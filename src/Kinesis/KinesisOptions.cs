// Every Kinesis limit and timeout in one place, and the mapping from the environment (SPEC §7).
using System.Collections;

namespace Basketball.Kinesis;

public sealed record KinesisOptions
{
    public const string DefaultLocalEndpoint = "http://127.0.0.1:4567";
    public const string DefaultRegion = "us-east-1";
    public const int MiB = 1024 * 1024;

    public Uri Endpoint { get; init; } = new(DefaultLocalEndpoint);
    public string Region { get; init; } = DefaultRegion;
    public AwsCredentials Credentials { get; init; } = AwsCredentials.LocalDummy;

    /// <summary>Attempts per call, the first included (so 1 means no retry).</summary>
    public int MaxAttempts { get; init; } = 6;
    /// <summary>First retry delay; doubles each attempt, with jitter.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Timeout of one HTTP attempt (a timed-out attempt is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>How often WaitForStreamActive asks for the stream's status.</summary>
    public TimeSpan StreamStatusPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    // AWS limits, honoured even against kinesalite, which does not enforce all of them.
    public int PutRecordsMaxRecords { get; init; } = 500;
    public int PutRecordsMaxBytes { get; init; } = 5 * MiB;
    /// <summary>Largest record: data plus partition key (UTF-8), before base64.</summary>
    public int RecordMaxBytes { get; init; } = 1 * MiB;
    public int PartitionKeyMaxLength { get; init; } = 256;
    public int GetRecordsMaxLimit { get; init; } = 10_000;

    /// <summary>True for kinesalite and other endpoints on this machine.</summary>
    public bool IsLocalEndpoint => Endpoint.IsLoopback;

    /// <summary>Reads SPEC §7 from the process environment.</summary>
    public static KinesisOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Reads SPEC §7 from a dictionary (e.g. <c>Environment.GetEnvironmentVariables()</c> or a test's).</summary>
    public static KinesisOptions FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return FromEnvironment(name => variables.Contains(name) ? variables[name]?.ToString() : null);
    }

    /// <summary>
    /// KINESIS_ENDPOINT (default the local kinesalite; unset while AWS_REGION is set → the regional AWS endpoint),
    /// AWS_REGION (default us-east-1), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (dummy keys are
    /// used only for a local endpoint; a remote one without keys is a configuration error).
    /// </summary>
    public static KinesisOptions FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? Read(string name) => variable(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var explicitRegion = Read("AWS_REGION");
        var region = explicitRegion ?? DefaultRegion;
        var endpointText = Read("KINESIS_ENDPOINT")
            ?? (explicitRegion is not null ? $"https://kinesis.{region}.amazonaws.com" : DefaultLocalEndpoint);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"KINESIS_ENDPOINT '{endpointText}' is not an absolute http(s) URL.");

        var accessKey = Read("AWS_ACCESS_KEY_ID");
        var secretKey = Read("AWS_SECRET_ACCESS_KEY");
        var sessionToken = Read("AWS_SESSION_TOKEN");
        AwsCredentials credentials;
        if (accessKey is not null && secretKey is not null)
            credentials = new AwsCredentials(accessKey, secretKey, sessionToken);
        else if (endpoint.IsLoopback)
            credentials = AwsCredentials.LocalDummy with { SessionToken = sessionToken };
        else
            throw new ArgumentException(
                $"Kinesis endpoint {endpoint} is not local: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");

        return new KinesisOptions { Endpoint = endpoint, Region = region, Credentials = credentials };
    }
}
