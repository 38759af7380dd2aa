using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed class KinesisOptionsTests
{
    private static KinesisOptions From(params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        return KinesisOptions.FromEnvironment(name => env.GetValueOrDefault(name));
    }

    [Fact]
    public void Nothing_set_means_the_local_kinesalite_in_us_east_1_with_dummy_keys()
    {
        var options = From();

        options.Endpoint.Should().Be(new Uri("http://127.0.0.1:4567"));
        options.Region.Should().Be("us-east-1");
        options.Credentials.Should().Be(AwsCredentials.LocalDummy);
        options.IsLocalEndpoint.Should().BeTrue();
    }

    [Fact]
    public void Region_without_endpoint_means_the_regional_aws_endpoint()
    {
        var options = From(("AWS_REGION", "eu-west-1"), ("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "secret"));

        options.Endpoint.Should().Be(new Uri("https://kinesis.eu-west-1.amazonaws.com"));
        options.Region.Should().Be("eu-west-1");
        options.Credentials.Should().Be(new AwsCredentials("AKID", "secret"));
        options.IsLocalEndpoint.Should().BeFalse();
    }

    [Fact]
    public void An_explicit_endpoint_wins_over_the_region()
    {
        var options = From(("KINESIS_ENDPOINT", "http://localhost:4600"), ("AWS_REGION", "eu-west-1"));

        options.Endpoint.Should().Be(new Uri("http://localhost:4600"));
        options.Region.Should().Be("eu-west-1");
        options.Credentials.AccessKeyId.Should().Be(AwsCredentials.LocalDummy.AccessKeyId);
    }

    [Fact]
    public void Session_token_is_carried_with_the_keys()
    {
        var options = From(("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token"));

        options.Credentials.SessionToken.Should().Be("token");
    }

    [Fact]
    public void A_remote_endpoint_without_keys_is_refused()
    {
        var read = () => From(("AWS_REGION", "eu-west-1"));

        read.Should().Throw<ArgumentException>().WithMessage("*AWS_ACCESS_KEY_ID*");
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
