// Hostile requests on every HTTP surface with parameters (SPEC §8): bad limits, huge and badly encoded ids and
// queries, bodies that are not JSON or too large. Each gets a 4xx with a JSON ErrorBody (404 for an id that has no
// events), never a 5xx and never a huge answer, and the node stays ready. The oracle is the table; an FsCheck property
// then sends random request targets and bodies.
using System.Text;
using System.Text.Json;
using Basketball.Cluster.Http;
using Basketball.Cluster.Tests.Observability;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Basketball.Cluster.Tests.Http;

public class HostileRequestTests(ObservedNode fixture) : IClassFixture<ObservedNode>
{
    /// <summary>An error answer is small: it quotes a hostile value only in part.</summary>
    private const int MaxErrorBytes = 4 * 1024;

    private static readonly string TenKilobytes = new('x', 10 * 1024);

    private static readonly string[] LimitEndpoints = ["/api/milestones", "/api/deadletters", "/api/leaders", "/api/games"];

    /// <summary>
    /// The error code of a request Kestrel refuses before the application sees it, so it answers without a body: a NUL
    /// (%00) in the path is the one such target (docs/contract.md, "Errors").
    /// </summary>
    private const string KestrelRefuses = "";

    /// <summary>(request target, status, error code or <see cref="KestrelRefuses"/>).</summary>
    public static TheoryData<string, int, string> HostileTargets()
    {
        var rows = new TheoryData<string, int, string>();
        foreach (var endpoint in LimitEndpoints)
        {
            var max = endpoint == "/api/games" ? GameStreamEndpoints.MaxLimit : QueryLimit.Max;
            foreach (var limit in new[] { "-1", "0", "999999999", "abc", "", "1e3", "1.5", "+5", "%205", "5%20", "%zz", "%", "%C0%AF", "%00", "5%00",
                         "%EF%BC%95", "10&limit=20", (max + 1).ToString(), "99999999999999999999", new string('9', 10 * 1024) })
                rows.Add($"{endpoint}?limit={limit}", 400, "invalid_limit");
        }
        foreach (var status in new[] { "bogus", "%zz", "%", "%C0%AF", "%00", "In%00Progress", TenKilobytes })
            rows.Add($"/api/games?status={status}", 400, "invalid_status");
        foreach (var route in new[] { "/api/games/{0}", "/api/games/{0}/plays", "/api/players/{0}" })
        {
            rows.Add(string.Format(route, TenKilobytes), 400, "invalid_id");
            rows.Add(string.Format(route, new string('x', 129)), 400, "invalid_id");
            rows.Add(string.Format(route, "a%01b"), 400, "invalid_id");
            rows.Add(string.Format(route, "%00"), 400, KestrelRefuses);
            rows.Add(string.Format(route, "g%0A1"), 400, "invalid_id");
            rows.Add(string.Format(route, "g%E2%80%AE1"), 400, "invalid_id");
            rows.Add(string.Format(route, "%zz"), 404, "not_found");
            rows.Add(string.Format(route, "%"), 404, "not_found");
            rows.Add(string.Format(route, "%C0%AF"), 404, "not_found");
            rows.Add(string.Format(route, "%ED%A0%80"), 404, "not_found");
            rows.Add(string.Format(route, "a%2Fb"), 404, "not_found");
            rows.Add(string.Format(route, "no-such-id"), 404, "not_found");
            rows.Add(string.Format(route, new string('x', 128)), 404, "not_found");
        }
        rows.Add("/api/no-such-route", 404, "not_found");
        rows.Add("/api/games/g-obs/plays/more", 404, "not_found");
        return rows;
    }

    [Theory]
    [MemberData(nameof(HostileTargets))]
    public void A_hostile_request_target_gets_its_4xx_with_a_JSON_error(string target, int status, string error)
    {
        var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "GET", target);
        response.Status.Should().Be(status, response.ToString());
        if (error == KestrelRefuses)
            response.Body.Should().BeEmpty();
        else
            response.ErrorCode.Should().Be(error, response.ToString());
        response.Body.Length.Should().BeLessThan(MaxErrorBytes, "an error quotes a hostile value only in part");
    }

    public static TheoryData<string> GoodTargets() => new(
        "/api/milestones?limit=1", $"/api/milestones?limit={QueryLimit.Max}", "/api/deadletters", $"/api/deadletters?limit={QueryLimit.Max}",
        "/api/leaders?limit=1", $"/api/leaders?limit={QueryLimit.Max}", "/api/games?limit=1", $"/api/games?limit={GameStreamEndpoints.MaxLimit}",
        "/api/games?status=inprogress&limit=5", "/api/games/g-obs", "/api/games/g-obs/plays", "/api/players/p-obs", "/api/standings");

    [Theory]
    [MemberData(nameof(GoodTargets))]
    public void The_limits_at_their_bounds_and_known_ids_answer_200(string target)
    {
        var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "GET", target);
        response.Status.Should().Be(200, response.ToString());
        JsonDocument.Parse(response.Body).Dispose();
    }

    [Fact]
    public void A_method_a_route_does_not_take_gets_405_with_a_JSON_error()
    {
        var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "DELETE", "/api/games/g-obs");
        response.Status.Should().Be(405, response.ToString());
        response.ErrorCode.Should().Be("method_not_allowed");
    }

    /// <summary>(case, body, chunked, status, error code).</summary>
    public static TheoryData<string, int, string> HostileBodies() => new()
    {
        { "empty", 400, "malformed_json" },
        { "not JSON", 400, "malformed_json" },
        { "100k-deep nesting", 400, "malformed_json" },
        { "a lone surrogate in a property name", 202, "" },
        { "501 events", 400, "too_many_events" },
        { "6 MiB with a Content-Length", 413, "too_large" },
        { "6 MiB chunked", 413, "too_large" },
    };

    private static byte[] Body(string @case) => @case switch
    {
        "empty" => [],
        "not JSON" => "{\"eventId\": "u8.ToArray(),
        "100k-deep nesting" => Encoding.ASCII.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        "a lone surrogate in a property name" => Encoding.UTF8.GetBytes(HostileRecords.Score.Replace("\"eventId\"", "\"\\ud800\":1,\"eventId\"")),
        "501 events" => Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{}", 501)) + "]"),
        _ => new byte[6 * 1024 * 1024],
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public void A_hostile_body_gets_its_answer_with_a_JSON_body(string @case, int status, string error)
    {
        var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "POST", "/api/events", Body(@case), chunked: @case.Contains("chunked"));
        response.Status.Should().Be(status, response.ToString());
        if (status == 202)
            JsonDocument.Parse(response.Body).RootElement.GetProperty("rejected")[0].GetProperty("reason").GetString().Should().Be("malformed_json");
        else
            response.ErrorCode.Should().Be(error, response.ToString());
    }

    public static TheoryData<string> Corpus() => new(HostileRecords.Corpus.Select(r => r.Name));

    /// <summary>
    /// Each corpus record posted as the body: the HTTP ingress answers with the same reason the stream reader gives, or 400
    /// when the body is not JSON at all. (A JSON array is a batch here, so the corpus's "array of envelopes" is accepted.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_corpus_record_posted_gets_the_corpus_reason(string name)
    {
        var record = HostileRecords.Find(name);
        var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "POST", "/api/events", record.Data);
        response.Status.Should().BeOneOf([202, 400], response.ToString());
        if (response.Status == 400)
        {
            record.Reason.Should().BeOneOf(["malformed_json", "too_large"], $"only a body that is not JSON is refused whole: {response}");
            response.ErrorCode.Should().Be("malformed_json", response.ToString());
            return;
        }
        var answer = JsonDocument.Parse(response.Body).RootElement;
        if (record.IsValid || name == "an array of envelopes")
        {
            answer.GetProperty("accepted").GetInt32().Should().Be(1, response.ToString());
            return;
        }
        answer.GetProperty("accepted").GetInt32().Should().Be(0, response.ToString());
        var rejection = answer.GetProperty("rejected").EnumerateArray().Single();
        rejection.GetProperty("reason").GetString().Should().Be(record.Reason, response.ToString());
        rejection.GetProperty("message").GetString().Should().Contain(record.Mentions);
    }

    [Property(MaxTest = 300)]
    public Property A_random_request_target_never_gets_a_5xx_nor_an_error_without_a_JSON_body() =>
        Prop.ForAll(RandomTargets().ToArbitrary(), target =>
        {
            var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "GET", target);
            response.Status.Should().BeLessThan(500, $"{target}: {response}");
            if (PathHoldsNul(target))
                response.Status.Should().Be(400, $"Kestrel refuses a NUL in the path: {target}");
            else if (response.Status >= 400)
            {
                response.ErrorCode.Should().NotBeNull($"{target}: {response}");
                response.Body.Length.Should().BeLessThan(MaxErrorBytes, target);
            }
        });

    [Property(MaxTest = 100)]
    public Property A_random_body_never_gets_a_5xx() =>
        Prop.ForAll(RandomBodies().ToArbitrary(), body =>
        {
            var response = RawHttp.Send(fixture.Node.Http.BaseAddress!, "POST", "/api/events", body);
            response.Status.Should().BeOneOf([202, 400], response.ToString());
            if (response.Status == 400)
                response.ErrorCode.Should().NotBeNull(response.ToString());
        });

    [Fact]
    public async Task After_a_burst_of_hostile_requests_the_node_is_ready_and_its_memory_bounded()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var targets = RandomTargets().Sample(40, 400);
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (target, _) =>
        {
            RawHttp.Send(fixture.Node.Http.BaseAddress!, "GET", target).Status.Should().BeLessThan(500, target);
            return ValueTask.CompletedTask;
        });

        using var ready = await fixture.Node.Http.GetAsync("/health/ready");
        ((int)ready.StatusCode).Should().Be(200, await ready.Content.ReadAsStringAsync());
        (GC.GetTotalMemory(forceFullCollection: true) - before).Should().BeLessThan(256L * 1024 * 1024, "hostile requests leave no lasting weight");
    }

    private static bool PathHoldsNul(string target) => target.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    private static readonly string[] Routes =
    [
        "/api/games/{id}", "/api/games/{id}/plays", "/api/players/{id}", "/api/games", "/api/milestones", "/api/deadletters", "/api/leaders",
        "/api/standings", "/api/ingress/status", "/health/live", "/health/ready", "/", "/ops", "/api/{id}", "/{id}",
    ];

    /// <summary>Pieces of a request target: printable ASCII Kestrel takes in a request line, percent escapes good and bad.</summary>
    private static readonly string[] Pieces =
    [
        "a", "Z", "9", "-", "_", ".", "~", "%", "%2", "%zz", "%00", "%0A", "%20", "%2F", "%2E%2E", "%C0%AF", "%ED%A0%80", "%E2%80%AE", "%EF%BB%BF",
        "%F0%9F%8F%80", "%FF", "+", "=", "&", "?", ";", ",", "'", "\"", "(", "*", "!", "$", "@", ":", "[", "]", "{", "}", "|", "\\", "^", "`", "<",
        "-1", "0", "999999999", "1e309", "limit=", "status=", "/", "//", "/..", "/.",
    ];

    private static Gen<string> RandomTargets() =>
        from route in Gen.Elements(Routes)
        from id in Gen.ArrayOf(Gen.Elements(Pieces)).Select(string.Concat)
        from query in Gen.ArrayOf(Gen.Elements([.. Pieces, "limit=", "status=", "limit=5", "&limit=", "status=InProgress"])).Select(string.Concat)
        from withQuery in Gen.Elements(true, false)
        select route.Replace("{id}", id.Length == 0 ? "x" : id) + (withQuery ? "?" + query : "");

    private static Gen<byte[]> RandomBodies() =>
        Gen.OneOf(
            Gen.Elements(HostileRecords.Corpus.Where(r => r.Data.Length < 64 * 1024).Select(r => r.Data).ToArray()),
            Gen.ArrayOf(Gen.Elements("{", "}", "[", "]", ":", ",", "\"", "\\u", "d800", "\"eventId\"", "1e309", "null", "true", " ", "\0"))
                .Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts))),
            ArbMap.Default.ArbFor<byte[]>().Generator);
}
