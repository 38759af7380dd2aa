// The credentials of a node, resolved the way every AWS SDK resolves them: AWSSDK.Core's default chain
// (environment keys with session token → web identity → the shared credentials/config files with AWS_PROFILE →
// container credentials → EC2 instance metadata, IMDSv2). Its temporary credentials refresh themselves.
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Basketball.Kinesis;

public static class AwsCredentialChain
{
    /// <summary>
    /// Variables that name a credential source. For a local endpoint the chain is consulted only when one is set:
    /// otherwise the chain would end by asking the EC2 instance metadata service, a network call a laptop or CI
    /// runner must not make, just to learn there are no keys; kinesalite takes any signature.
    /// </summary>
    public static IReadOnlyList<string> SourceVariables { get; } =
    [
        "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    /// <summary>AWSSDK.Core's default chain, which reads the process environment itself.</summary>
    public static AWSCredentials SdkDefault() => DefaultAWSCredentialsIdentityResolver.GetCredentials();

    /// <summary>
    /// The chain's credentials for a remote endpoint (a clear error when none resolve); for a local one, the
    /// chain's when the environment names a source, else the local dummy keys.
    /// </summary>
    public static IAwsCredentialSource Resolve(Uri endpoint, Func<string, string?> variable, Func<AWSCredentials> sdkChain)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        // The chain's first step, read through the given variables (the same ones the SDK reads), so a caller's
        // environment other than the process's (a test's, a tool's) is honoured for keys too.
        if (variable("AWS_ACCESS_KEY_ID") is { } accessKey && variable("AWS_SECRET_ACCESS_KEY") is { } secretKey)
            return new StaticCredentialSource(new AwsCredentials(accessKey, secretKey, variable("AWS_SESSION_TOKEN")), "environment keys");
        if (endpoint.IsLoopback && !SourceVariables.Any(name => variable(name) is not null))
            return StaticCredentialSource.LocalDummy;

        AWSCredentials credentials;
        try
        {
            credentials = sdkChain();
            // Fetch once now, so a source that is named but cannot give keys (a profile without them, an
            // unreachable container endpoint) fails the start, not the first request.
            credentials.GetCredentials();
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException
                                      or ArgumentException or IOException or System.Security.SecurityException)
        {
            throw new ArgumentException(
                $"No AWS credentials resolved for the Kinesis endpoint {endpoint}. Set AWS_ACCESS_KEY_ID and " +
                "AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), AWS_PROFILE with the shared credentials/config files, " +
                "AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, the container credentials variables, or run on an EC2 " +
                $"instance with a role. The SDK said: {e.Message.Trim()}", e);
        }
        return new SdkCredentialSource(credentials);
    }
}
