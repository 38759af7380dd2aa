using Amazon.Runtime;
using Basketball.Kinesis;
using Basketball.TestSupport;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed class KinesisOptionsTests
{
    // The SDK's own chain reads the process environment; these tests replace it, so that nothing here can reach
    // for the EC2 instance metadata service.
    private static readonly Func<AWSCredentials> NoSdkCredentials =
        () => throw new AmazonClientException("Failed to resolve AWS credentials (test chain: none).");

    private static KinesisOptions From(params (string Name, string Value)[] variables) => From(NoSdkCredentials, variables);

    private static KinesisOptions From(Func<AWSCredentials> sdkChain, params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        return KinesisOptions.FromEnvironment(name => env.GetValueOrDefault(name), sdkChain);
    }

    private static AwsCredentials Keys(KinesisOptions options) =>
        options.CredentialSource.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Nothing_set_means_the_local_kinesalite_in_us_east_1_with_dummy_keys()
    {
        var options = From();

        options.Endpoint.Should().Be(new Uri("http://127.0.0.1:4567"));
        options.Region.Should().Be("us-east-1");
        Keys(options).Should().Be(AwsCredentials.LocalDummy);
        options.IsLocalEndpoint.Should().BeTrue();
    }

    [Fact]
    public void Region_without_endpoint_means_the_regional_aws_endpoint()
    {
        var options = From(("AWS_REGION", "eu-west-1"), ("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "secret"));

        options.Endpoint.Should().Be(new Uri("https://kinesis.eu-west-1.amazonaws.com"));
        options.Region.Should().Be("eu-west-1");
        Keys(options).Should().Be(new AwsCredentials("AKID", "secret"));
        options.IsLocalEndpoint.Should().BeFalse();
    }

    [Fact]
    public void An_explicit_endpoint_wins_over_the_region()
    {
        var options = From(("KINESIS_ENDPOINT", "http://localhost:4600"), ("AWS_REGION", "eu-west-1"));

        options.Endpoint.Should().Be(new Uri("http://localhost:4600"));
        options.Region.Should().Be("eu-west-1");
        Keys(options).AccessKeyId.Should().Be(AwsCredentials.LocalDummy.AccessKeyId);
    }

    [Fact]
    public void Session_token_is_carried_with_the_keys()
    {
        var options = From(("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token"));

        Keys(options).SessionToken.Should().Be("token");
    }

    [Fact]
    public void A_remote_endpoint_without_keys_is_refused()
    {
        var read = () => From(("AWS_REGION", "eu-west-1"));

        read.Should().Throw<ArgumentException>().WithMessage("No AWS credentials resolved for the Kinesis endpoint https://kinesis.eu-west-1.amazonaws.com/*AWS_PROFILE*test chain: none*");
    }

    [Fact]
    public void The_sdk_endpoint_variables_come_after_KINESIS_ENDPOINT_the_service_one_first()
    {
        From(("AWS_ENDPOINT_URL", "http://127.0.0.1:1001")).Endpoint.Port.Should().Be(1001);
        From(("AWS_ENDPOINT_URL", "http://127.0.0.1:1001"), ("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:1002")).Endpoint.Port.Should().Be(1002);
        From(("AWS_ENDPOINT_URL", "http://127.0.0.1:1001"), ("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:1002"),
            ("KINESIS_ENDPOINT", "http://127.0.0.1:1003")).Endpoint.Port.Should().Be(1003);
        var malformed = () => From(("AWS_ENDPOINT_URL_KINESIS", "nope"));
        malformed.Should().Throw<ArgumentException>().WithMessage("*AWS_ENDPOINT_URL_KINESIS*");
    }

    [Fact]
    public void AWS_DEFAULT_REGION_names_the_region_when_AWS_REGION_is_unset()
    {
        var options = From(("AWS_DEFAULT_REGION", "ap-south-1"), ("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "s"));

        options.Region.Should().Be("ap-south-1");
        options.Endpoint.Should().Be(new Uri("https://kinesis.ap-south-1.amazonaws.com"));
        From(("AWS_DEFAULT_REGION", "ap-south-1"), ("AWS_REGION", "eu-north-1"), ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "s")).Region.Should().Be("eu-north-1");
    }

    [Fact]
    public void An_explicit_profile_names_the_region_and_so_the_regional_endpoint()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "credentials");
        File.WriteAllText(file, "[league]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\nregion = eu-central-1\n");

        var options = From(() => new BasicAWSCredentials("AKIDPROFILE", "profile-secret"),
            ("AWS_PROFILE", "league"), ("AWS_SHARED_CREDENTIALS_FILE", file));

        options.Region.Should().Be("eu-central-1");
        options.Endpoint.Should().Be(new Uri("https://kinesis.eu-central-1.amazonaws.com"));
        Keys(options).AccessKeyId.Should().Be("AKIDPROFILE");
    }

    [Fact]
    public void A_local_endpoint_with_no_source_named_uses_the_dummy_keys_without_asking_the_sdk_chain()
    {
        var asked = 0;
        var options = From(() => { asked++; throw new AmazonClientException("must not be asked"); });

        Keys(options).Should().Be(AwsCredentials.LocalDummy);
        asked.Should().Be(0);
    }

    [Fact]
    public void A_local_endpoint_with_a_named_source_signs_with_the_sdk_chains_keys()
    {
        var options = From(() => new SessionAWSCredentials("ASIATEMP", "temp-secret", "temp-token"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds"));

        Keys(options).Should().Be(new AwsCredentials("ASIATEMP", "temp-secret", "temp-token"));
    }

    [Fact]
    public void A_malformed_endpoint_is_refused()
    {
        var read = () => From(("KINESIS_ENDPOINT", "not a url"));

        read.Should().Throw<ArgumentException>().WithMessage("*KINESIS_ENDPOINT*");
    }

    [Fact]
    public void A_dictionary_like_the_process_environment_works_too()
    {
        var env = new System.Collections.Hashtable { ["KINESIS_ENDPOINT"] = "http://127.0.0.1:9999" };

        KinesisOptions.FromEnvironment(env).Endpoint.Port.Should().Be(9999);
    }

    [Fact]
    public void Credentials_never_print_the_secret()
    {
        new AwsCredentials("AKID", "very-secret").ToString().Should().NotContain("very-secret");
    }

    [Fact]
    public void Defaults_are_the_aws_limits()
    {
        var options = new KinesisOptions();

        options.PutRecordsMaxRecords.Should().Be(500);
        options.PutRecordsMaxBytes.Should().Be(5 * 1024 * 1024);
        options.RecordMaxBytes.Should().Be(1024 * 1024);
    }
}
