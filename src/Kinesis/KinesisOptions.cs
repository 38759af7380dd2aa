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
    /// <summary>Where each request's signing keys come from.</summary>
    public IAwsCredentialSource CredentialSource { get; init; } = StaticCredentialSource.LocalDummy;

    /// <summary>Fixed keys (tests, tools): shorthand for a <see cref="StaticCredentialSource"/>.</summary>
    public AwsCredentials Credentials
    {
        init => CredentialSource = new StaticCredentialSource(value, "fixed keys");
    }

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
    /// SPEC §7, as the AWS SDKs read it. Endpoint: KINESIS_ENDPOINT, else AWS_ENDPOINT_URL_KINESIS, else
    /// AWS_ENDPOINT_URL, else the regional AWS endpoint when a region was named (AWS_REGION, AWS_DEFAULT_REGION, or
    /// the region of an explicit AWS_PROFILE), else the local kinesalite. Region: AWS_REGION, AWS_DEFAULT_REGION, the
    /// profile's region (AWS_PROFILE or "default"), else us-east-1 for a local endpoint. Credentials: see
    /// <see cref="AwsCredentialChain"/>; a remote endpoint without credentials is a start-up error.
    /// </summary>
    /// <param name="sdkChain">The SDK's credential chain (tests replace it); by default AWSSDK.Core's.</param>
    public static KinesisOptions FromEnvironment(Func<string, string?> variable, Func<Amazon.Runtime.AWSCredentials>? sdkChain = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? Read(string name) => variable(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var namedRegion = Read("AWS_REGION") ?? Read("AWS_DEFAULT_REGION");
        var explicitProfile = Read("AWS_PROFILE");
        var profileRegion = namedRegion is null ? AwsProfiles.Region(explicitProfile ?? "default", Read("AWS_SHARED_CREDENTIALS_FILE")) : null;

        var (endpointVariable, endpointText) = Read("KINESIS_ENDPOINT") is { } kinesisEndpoint ? ("KINESIS_ENDPOINT", kinesisEndpoint)
            : Read("AWS_ENDPOINT_URL_KINESIS") is { } sdkKinesisEndpoint ? ("AWS_ENDPOINT_URL_KINESIS", sdkKinesisEndpoint)
            : Read("AWS_ENDPOINT_URL") is { } sdkEndpoint ? ("AWS_ENDPOINT_URL", sdkEndpoint)
            : (namedRegion ?? (explicitProfile is not null ? profileRegion : null)) is { } regionalRegion
                ? ("AWS_REGION", $"https://kinesis.{regionalRegion}.amazonaws.com")
                : ("KINESIS_ENDPOINT", DefaultLocalEndpoint);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"{endpointVariable} '{endpointText}' is not an absolute http(s) URL.");

        var region = namedRegion ?? profileRegion ?? (endpoint.IsLoopback
            ? DefaultRegion
            : throw new ArgumentException(
                $"Kinesis endpoint {endpoint} is not local and no region is set: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS profile)."));

        var credentials = AwsCredentialChain.Resolve(endpoint, Read, sdkChain ?? AwsCredentialChain.SdkDefault);
        return new KinesisOptions { Endpoint = endpoint, Region = region, CredentialSource = credentials };
    }
}
