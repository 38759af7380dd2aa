// Where the signer gets its keys for each request: fixed keys (the local dummy keys, a test's), or an AWSSDK.Core
// credentials object from the SDK's resolution chain, whose temporary credentials the SDK refreshes before they
// expire (RefreshingAWSCredentials refreshes inside its pre-expiry window, so no request is signed with stale keys).
using Amazon.Runtime;

namespace Basketball.Kinesis;

public interface IAwsCredentialSource
{
    /// <summary>What the keys come from, for the start-up log (never the secret).</summary>
    string Description { get; }

    /// <summary>The keys to sign one request with; cheap when nothing changed (the SDK object caches).</summary>
    ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken);
}

public sealed class StaticCredentialSource(AwsCredentials credentials, string description) : IAwsCredentialSource
{
    public static StaticCredentialSource LocalDummy { get; } = new(AwsCredentials.LocalDummy, "local dummy keys");

    public AwsCredentials Credentials { get; } = credentials;

    public string Description { get; } = description;

    public ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Credentials);
}

/// <summary>Keys from an AWSSDK.Core credentials object, fetched per request through the SDK's own cache.</summary>
public sealed class SdkCredentialSource(AWSCredentials credentials) : IAwsCredentialSource
{
    // The last keys the SDK gave and our copy of them: the SDK hands out the same ImmutableCredentials until it
    // refreshes, so a request allocates nothing new unless the keys changed.
    private (ImmutableCredentials? Sdk, AwsCredentials? Ours) _last;

    public AWSCredentials Credentials { get; } = credentials;

    public string Description => Credentials.GetType().Name;

    public async ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var sdk = await Credentials.GetCredentialsAsync().ConfigureAwait(false);
        var last = _last;
        if (ReferenceEquals(last.Sdk, sdk) && last.Ours is not null) return last.Ours;
        var ours = new AwsCredentials(sdk.AccessKey, sdk.SecretKey, sdk.UseToken ? sdk.Token : null);
        _last = (sdk, ours);
        return ours;
    }
}
