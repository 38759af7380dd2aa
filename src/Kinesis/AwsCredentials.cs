// The keys a request is signed with. A session token (temporary credentials) travels as X-Amz-Security-Token.
namespace Basketball.Kinesis;

public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>Keys for a local endpoint (kinesalite checks that a signature is present, not that it is valid).</summary>
    public static AwsCredentials LocalDummy { get; } = new("local", "local-secret");

    // Never print the secret (records print every property by default).
    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "set")} }}";
}
