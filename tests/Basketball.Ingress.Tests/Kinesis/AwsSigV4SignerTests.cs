using System.Text;
using System.Text.RegularExpressions;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed class AwsSigV4SignerTests
{
    private static readonly AwsCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static string VectorFile(string name, string extension) =>
        Path.Combine(KinesaliteFixture.FindRepositoryRoot(), "tests", "Basketball.Ingress.Tests", "Kinesis", "SigV4Vectors", name, name + extension);

    private sealed record SuiteRequest(string Method, string Target, List<KeyValuePair<string, string>> Headers, byte[] Body);

    // The suite's .req: "METHOD TARGET HTTP/1.1", then "Name:value" lines, then (after a blank line) the body.
    private static SuiteRequest ParseRequest(string text)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = blank < 0 ? text : text[..blank];
        var body = blank < 0 ? "" : text[(blank + 2)..];
        var lines = head.Split('\n');
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(line => new KeyValuePair<string, string>(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..]))
            .ToList();
        return new SuiteRequest(requestLine[0], requestLine[1], headers, Encoding.UTF8.GetBytes(body));
    }

    [Theory]
    [InlineData("get-vanilla")]
    [InlineData("post-vanilla")]
    [InlineData("post-x-www-form-urlencoded")]
    [InlineData("get-vanilla-query-order-key-case")]
    public void Signer_reproduces_the_aws_test_suite_vector_exactly(string name)
    {
        var request = ParseRequest(File.ReadAllText(VectorFile(name, ".req")));
        var signer = new AwsSigV4Signer("us-east-1", "service");

        var signature = signer.Sign(request.Method, request.Target, request.Headers, request.Body, SuiteCredentials, SuiteTime);

        signature.CanonicalRequest.Should().Be(File.ReadAllText(VectorFile(name, ".creq")));
        signature.StringToSign.Should().Be(File.ReadAllText(VectorFile(name, ".sts")));
        signature.Authorization.Should().Be(File.ReadAllText(VectorFile(name, ".authz")));
    }

    [Fact]
    public void Signature_of_a_kinesis_request_agrees_with_the_aws_sdk_primitives()
    {
        var body = """{"StreamName":"games"}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kinesis.eu-west-1.amazonaws.com/");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.DescribeStreamSummary");
        var signer = new AwsSigV4Signer("eu-west-1", "kinesis");

        var ours = signer.SignRequest(request, body, SuiteCredentials, SuiteTime);
        var sdk = Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(
            SuiteCredentials.AccessKeyId, SuiteCredentials.SecretAccessKey, "eu-west-1", SuiteTime.UtcDateTime, "kinesis",
            ours.SignedHeaders, ours.CanonicalRequest);

        ours.Signature.Should().Be(sdk.Signature);
        ours.Authorization.Should().Contain($"Credential={sdk.AccessKeyId}/{sdk.Scope}, ");
        ours.SignedHeaders.Should().Be("content-type;host;x-amz-date;x-amz-target");
        ours.CanonicalRequest.Should().StartWith("POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:kinesis.eu-west-1.amazonaws.com\n");
        request.Headers.GetValues("Authorization").Single().Should().Be(ours.Authorization);
        request.Headers.GetValues("X-Amz-Date").Single().Should().Be("20150830T123600Z");
    }

    [Fact]
    public void Session_token_is_sent_and_signed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:4567/");
        var signer = new AwsSigV4Signer("us-east-1", "kinesis");

        var signature = signer.SignRequest(request, [], SuiteCredentials with { SessionToken = "session-token" }, SuiteTime);

        request.Headers.GetValues("X-Amz-Security-Token").Single().Should().Be("session-token");
        signature.SignedHeaders.Should().Be("host;x-amz-date;x-amz-security-token");
        signature.CanonicalRequest.Should().Contain("host:127.0.0.1:4567\n");
    }

    [Fact]
    public void Header_values_are_trimmed_and_inner_spaces_collapsed()
    {
        var signer = new AwsSigV4Signer("us-east-1", "service");
        var headers = new[]
        {
            new KeyValuePair<string, string>("Host", "example.amazonaws.com"),
            new KeyValuePair<string, string>("My-Header1", "  a   b   c  "),
            new KeyValuePair<string, string>("X-Amz-Date", "20150830T123600Z"),
        };

        var signature = signer.Sign("GET", "/", headers, [], SuiteCredentials, SuiteTime);

        signature.CanonicalRequest.Should().Contain("my-header1:a b c\n");
    }

    internal static readonly Regex KinesisAuthorization = new(
        @"^AWS4-HMAC-SHA256 Credential=[^/]+/\d{8}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$");
}
