// The region of a named profile in the shared credentials / config files, read with AWSSDK.Core's profile store
// (which also honours AWS_CONFIG_FILE), so a region set only in `~/.aws/config` is found as the SDKs find it.
using Amazon.Runtime.CredentialManagement;

namespace Basketball.Kinesis;

internal static class AwsProfiles
{
    /// <param name="credentialsFile">AWS_SHARED_CREDENTIALS_FILE, or null for the SDK's default location.</param>
    public static string? Region(string profileName, string? credentialsFile)
    {
        var store = new CredentialProfileStoreChain(credentialsFile);
        return store.TryGetProfile(profileName, out var profile) ? profile.Region?.SystemName : null;
    }
}
