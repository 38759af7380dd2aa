// Records built to break parsers, each with the answer a person expects (the oracle is this table, not the parser):
// the SPEC §4.4 reason code and a word of its message, or acceptance. The parser tests (Basketball.Shards.Tests) and the
// pipeline test through kinesalite (Basketball.Ingress.Tests) both read it, so the two levels answer the same corpus.
using System.Text;
using System.Text.Json.Nodes;

namespace Basketball.TestSupport;

/// <param name="Reason">The dead-letter reason code; null when the record is a valid event.</param>
/// <param name="Mentions">A word the rejection's message holds; for a valid record, the aggregate id it names.</param>
public sealed record HostileRecord(string Name, byte[] Data, string? Reason, string Mentions)
{
    public bool IsValid => Reason is null;

    public override string ToString() => Name;
}

public static class HostileRecords
{
    /// <summary>A valid score of game g-1 (the template most rows break).</summary>
    public const string Score = """
        {"eventId":"e-1","aggregateId":"g-1","aggregateType":"Game","eventType":"ScoreRecorded","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"scoreboard"},
         "eventData":{"gameId":"g-1","teamId":"t-1","playerId":"p-7","points":3,"shotType":"three_pointer","gameTime":"07:02","period":2}}
        """;

    /// <summary>A valid registration of <paramref name="playerId"/>; <paramref name="name"/> is JSON string content.</summary>
    public static string Registration(string playerId, string name = "Ann Example") => $$$"""
        {"eventId":"reg-{{{playerId}}}","aggregateId":"{{{playerId}}}","aggregateType":"Player","eventType":"PlayerRegistered","eventVersion":"1.0",
         "timestamp":"2026-03-14T19:30:05+01:00","metadata":{"correlationId":"c-1","source":"league"},
         "eventData":{"playerId":"{{{playerId}}}","name":"{{{name}}}","teamId":"t-1","jerseyNumber":7}}
        """;

    private static readonly string Registered = Registration("p-7");

    private static readonly Lazy<IReadOnlyList<HostileRecord>> Named = new(BuildCorpus);
    private static readonly Lazy<IReadOnlyList<HostileRecord>> Typed = new(BuildWrongTypes);

    /// <summary>The named breakers: encodings, nesting, sizes, surrogates, NUL, numbers, duplicate keys, truncation, top-level kinds.
    /// The valid rows each register a player of their own ("corpus-p…"), so a pipeline can apply them beside any game.</summary>
    public static IReadOnlyList<HostileRecord> Corpus => Named.Value;

    /// <summary>Every field of every event type (all optional fields present) replaced by null and by each JSON kind it is not.</summary>
    public static IReadOnlyList<HostileRecord> WrongTypes => Typed.Value;

    public static HostileRecord Find(string name) =>
        Corpus.Concat(WrongTypes).SingleOrDefault(r => r.Name == name) ?? throw new ArgumentException($"no hostile record '{name}'", nameof(name));

    /// <summary>Templates with every optional field, one per event type of SPEC §3.</summary>
    public static IReadOnlyDictionary<string, string> FullTemplates { get; } = new Dictionary<string, string>
    {
        ["GameScheduled"] = Envelope("Game", "g-1", "GameScheduled",
            """{"gameId":"g-1","homeTeamId":"t-1","awayTeamId":"t-2","scheduledAt":"2026-03-14T19:30:00Z","venue":"Arena"}"""),
        ["GameStarted"] = Envelope("Game", "g-1", "GameStarted", """{"gameId":"g-1","homeTeamId":"t-1","awayTeamId":"t-2"}"""),
        ["ScoreRecorded"] = Envelope("Game", "g-1", "ScoreRecorded",
            """{"gameId":"g-1","teamId":"t-1","playerId":"p-7","points":3,"shotType":"three_pointer","gameTime":"07:02","period":2}"""),
        ["ScoreCorrected"] = Envelope("Game", "g-1", "ScoreCorrected", """{"gameId":"g-1","correctedEventId":"e-0","reason":"scorer's mistake"}"""),
        ["GameStatusChanged"] = Envelope("Game", "g-1", "GameStatusChanged",
            """{"gameId":"g-1","fromStatus":"InProgress","toStatus":"Halftime","changedBy":"official","reason":"half"}"""),
        ["GameCompleted"] = Envelope("Game", "g-1", "GameCompleted", """{"gameId":"g-1"}"""),
        ["PlayerRegistered"] = Envelope("Player", "p-7", "PlayerRegistered",
            """{"playerId":"p-7","name":"Ann","teamId":"t-1","position":"G","jerseyNumber":7}"""),
        ["PlayerTeamChanged"] = Envelope("Player", "p-7", "PlayerTeamChanged", """{"playerId":"p-7","fromTeamId":"t-1","toTeamId":"t-2"}"""),
    };

    /// <summary>The fields SPEC §2 and §3 mark optional.</summary>
    private static readonly HashSet<string> OptionalFields =
    [
        "metadata.causationId", "metadata.userId", "metadata.userAgent", "metadata.ipAddress",
        "GameScheduled:eventData.venue", "GameStatusChanged:eventData.reason", "PlayerRegistered:eventData.position",
        "PlayerRegistered:eventData.jerseyNumber",
    ];

    private static IReadOnlyList<HostileRecord> BuildCorpus()
    {
        var rows = new List<HostileRecord>();
        void Reject(string name, string reason, string mentions, byte[] data) => rows.Add(new HostileRecord(name, data, reason, mentions));
        void Accept(string name, string playerId, byte[] data) => rows.Add(new HostileRecord(name, data, null, playerId));

        // Encodings
        Reject("not UTF-8", "malformed_json", "UTF-8", [.. Utf8(Score[..20]), 0xFF, 0xFE, 0xC0, 0x80, .. Utf8(Score[20..])]);
        Reject("overlong UTF-8 in a string", "malformed_json", "UTF-8", Replace(Utf8(Score.Replace("e-1", "e\u0001")), 0x01, [0xC0, 0x81]));
        Reject("a surrogate encoded as UTF-8 (CESU-8)", "malformed_json", "UTF-8", Replace(Utf8(Score.Replace("e-1", "e\u0001")), 0x01, [0xED, 0xA0, 0x80]));
        Reject("invalid UTF-8 in a property name", "malformed_json", "UTF-8", Replace(Utf8(Score.Replace("\"source\"", "\"sour\u0001e\"")), 0x01, [0xFF]));
        Reject("a byte-order mark", "malformed_json", "JSON", [0xEF, 0xBB, 0xBF, .. Utf8(Score)]);
        Reject("UTF-16 instead of UTF-8", "malformed_json", "JSON", Encoding.Unicode.GetBytes(Score));
        Reject("UTF-32 instead of UTF-8", "malformed_json", "JSON", Encoding.UTF32.GetBytes(Score));

        // Nesting and size
        Reject("100k-deep nesting", "malformed_json", "depth", Utf8(new string('[', 100_000) + new string(']', 100_000)));
        Reject("100k-deep objects", "malformed_json", "depth", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 100_000)) + "1" + new string('}', 100_000)));
        Reject("deep nesting inside eventData", "malformed_json", "depth",
            Utf8(Score.Replace("\"period\":2", "\"x\":" + new string('[', 64) + new string(']', 64) + ",\"period\":2")));
        Reject("a 900 KB id", "invalid_value", "aggregateId", Utf8(Score.Replace("\"aggregateId\":\"g-1\"", $"\"aggregateId\":\"{new string('g', 900 * 1024)}\"")));
        Reject("a 10 KB eventId", "invalid_value", "eventId", Utf8(Score.Replace("\"e-1\"", $"\"{new string('e', 10 * 1024)}\"")));
        Reject("an id of 129 characters", "invalid_value", "eventId", Utf8(Score.Replace("\"e-1\"", $"\"{new string('e', 129)}\"")));
        Reject("a 900 KB venue", "invalid_value", "eventData.venue", Utf8(FullTemplates["GameScheduled"].Replace("Arena", new string('v', 900 * 1024))));
        Reject("20,000 keys and no envelope", "missing_field", "eventId",
            Utf8("{" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}")) + "}"));
        Reject("over the size limit", "too_large", "bytes", new byte[1024 * 1024 + 1]);

        // Lone surrogates, NUL and invisible characters
        Reject("lone high surrogate in aggregateId", "invalid_value", "aggregateId", Utf8(Score.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"\\ud800\"")));
        Reject("lone low surrogate in eventId", "invalid_value", "eventId", Utf8(Score.Replace("\"e-1\"", "\"e\\udc00\"")));
        Reject("reversed surrogate pair in teamId", "invalid_value", "eventData.teamId", Utf8(Score.Replace("\"t-1\"", "\"\\udc00\\ud800\"")));
        Reject("lone surrogate in eventType", "invalid_value", "eventType", Utf8(Score.Replace("\"ScoreRecorded\"", "\"Score\\ud800\"")));
        Reject("lone surrogate in timestamp", "invalid_value", "timestamp", Utf8(Score.Replace("05Z", "05\\ud800Z")));
        Reject("lone surrogate in gameTime", "invalid_value", "eventData.gameTime", Utf8(Score.Replace("07:02", "07:\\udfff")));
        Reject("lone surrogate in a name", "invalid_value", "eventData.name", Utf8(Registered.Replace("Ann Example", "Ann\\ud83d")));
        Reject("lone surrogate in metadata", "invalid_value", "metadata.source", Utf8(Score.Replace("scoreboard", "\\udfff")));
        Reject("lone surrogate in a property name", "malformed_json", "property name", Utf8(Score.Replace("\"eventId\"", "\"\\ud800\":1,\"eventId\"")));
        Reject("lone surrogate in a nested property name", "malformed_json", "property name",
            Utf8(Score.Replace("\"period\":2", "\"period\":2,\"x\":[{\"\\udc00\":1}]")));
        Reject("NUL escape in an id", "invalid_value", "NUL",
            Utf8(Score.Replace("\"g-1\",\"teamId\"", "\"g\\u0000\",\"teamId\"").Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"g\\u0000\"")));
        Reject("NUL escape in a name", "invalid_value", "NUL", Utf8(Registered.Replace("Ann Example", "Ann\\u0000")));
        Reject("NUL escape in eventType", "invalid_value", "NUL", Utf8(Score.Replace("\"ScoreRecorded\"", "\"ScoreRecorded\\u0000\"")));
        Reject("raw NUL byte between fields", "malformed_json", "JSON", Utf8(Score.Replace("\"e-1\"", "\"e-1\"\0")));
        Reject("raw NUL inside a string", "malformed_json", "JSON", Utf8(Score.Replace("\"e-1\"", "\"e\0-1\"")));
        Reject("a control character in an id", "invalid_value", "U+001B", Utf8(Score.Replace("\"p-7\"", "\"p\\u001b7\"")));
        Reject("a newline in an id", "invalid_value", "U+000A", Utf8(Score.Replace("\"e-1\"", "\"e\\n1\"")));
        Reject("a right-to-left override in an id", "invalid_value", "U+202E", Utf8(Score.Replace("\"e-1\"", "\"e\\u202e1-\"")));
        Reject("a zero-width space in an id", "invalid_value", "U+200B", Utf8(Score.Replace("\"t-1\"", "\"t\\u200b-1\"")));
        Reject("a line separator in an id", "invalid_value", "U+2028", Utf8(Score.Replace("\"e-1\"", "\"e\\u20281\"")));
        Reject("a noncharacter in an id", "invalid_value", "U+FFFE", Utf8(Score.Replace("\"e-1\"", "\"e\\ufffe\"")));

        // Numbers
        Reject("1e309 points", "invalid_value", "points", Utf8(Score.Replace("\"points\":3", "\"points\":1e309")));
        Reject("1e309 period", "invalid_value", "period", Utf8(Score.Replace("\"period\":2", "\"period\":1e309")));
        Reject("a 10,000-digit period", "invalid_value", "period", Utf8(Score.Replace("\"period\":2", "\"period\":" + new string('9', 10_000))));
        Reject("points 3.0", "invalid_value", "points", Utf8(Score.Replace("\"points\":3", "\"points\":3.0")));
        Reject("points 3e0", "invalid_value", "points", Utf8(Score.Replace("\"points\":3", "\"points\":3e0")));
        Reject("period -0", "invalid_value", "period", Utf8(Score.Replace("\"period\":2", "\"period\":-0")));
        Reject("period 2^31", "invalid_value", "period", Utf8(Score.Replace("\"period\":2", "\"period\":2147483648")));
        Reject("NaN points", "malformed_json", "JSON", Utf8(Score.Replace("\"points\":3", "\"points\":NaN")));
        Reject("a leading zero", "malformed_json", "JSON", Utf8(Score.Replace("\"points\":3", "\"points\":03")));
        Reject("a jersey number of 40 digits", "invalid_value", "jerseyNumber", Utf8(Registered.Replace("\"jerseyNumber\":7", "\"jerseyNumber\":" + new string('7', 40))));

        // Duplicate keys
        Reject("duplicate aggregateId", "malformed_json", "Duplicate", Utf8(Score.Replace("\"aggregateId\":\"g-1\"", "\"aggregateId\":\"g-1\",\"aggregateId\":\"g-2\"")));
        Reject("duplicate key in eventData", "malformed_json", "Duplicate", Utf8(Score.Replace("\"points\":3", "\"points\":3,\"points\":2")));
        Reject("duplicate key in metadata", "malformed_json", "Duplicate", Utf8(Score.Replace("\"source\":\"scoreboard\"", "\"source\":\"a\",\"source\":\"b\"")));
        Reject("duplicate key spelled with an escape", "malformed_json", "Duplicate", Utf8(Score.Replace("\"eventId\":\"e-1\"", "\"eventId\":\"e-1\",\"event\\u0049d\":\"e-2\"")));

        // Syntax and top-level kinds
        Reject("truncated", "malformed_json", "JSON", Utf8(Score[..(Score.Length / 2)]));
        Reject("truncated inside an escape", "malformed_json", "JSON", Utf8(Score.Replace("\"e-1\"", "\"e\\u00")[..(Score.IndexOf("e-1", StringComparison.Ordinal) + 5)]));
        Reject("empty", "malformed_json", "JSON", []);
        Reject("only whitespace", "malformed_json", "JSON", Utf8("  \n\t \r"));
        Reject("null", "malformed_json", "object", Utf8("null"));
        Reject("a number", "malformed_json", "object", Utf8("1e309"));
        Reject("a string", "malformed_json", "object", Utf8("\"ScoreRecorded\""));
        Reject("true", "malformed_json", "object", Utf8("true"));
        Reject("an array of envelopes", "malformed_json", "array", Utf8($"[{Score}]"));
        Reject("an empty object", "missing_field", "eventId", Utf8("{}"));
        Reject("trailing garbage", "malformed_json", "JSON", Utf8(Score + "{}"));
        Reject("a comment", "malformed_json", "JSON", Utf8("/* hi */" + Score));
        Reject("single quotes", "malformed_json", "JSON", Utf8(Score.Replace('"', '\'')));
        Reject("a trailing comma", "malformed_json", "JSON", Utf8(Score.Replace("\"period\":2}", "\"period\":2,}")));
        Reject("an unquoted key", "malformed_json", "JSON", Utf8(Score.Replace("\"period\":2", "period:2")));

        // Values of the right type but loose forms
        Reject("a status list", "invalid_value", "fromStatus", Utf8(FullTemplates["GameStatusChanged"].Replace("\"InProgress\"", "\"InProgress,InProgress\"")));
        Reject("a status with a blank", "invalid_value", "fromStatus", Utf8(FullTemplates["GameStatusChanged"].Replace("\"InProgress\"", "\" InProgress\"")));
        Reject("a status number", "invalid_value", "fromStatus", Utf8(FullTemplates["GameStatusChanged"].Replace("\"InProgress\"", "\"1\"")));
        Reject("a timestamp with a leading blank", "invalid_value", "timestamp", Utf8(Score.Replace("\"2026-03-14T19:30:05Z\"", "\" 2026-03-14T19:30:05Z\"")));
        Reject("a timestamp with a one-digit month", "invalid_value", "timestamp", Utf8(Score.Replace("2026-03-14T", "2026-3-14T")));
        Reject("a timestamp before year 1 in UTC", "invalid_value", "timestamp", Utf8(Score.Replace("2026-03-14T19:30:05Z", "0001-01-01T00:00:00+14:00")));
        Reject("a timestamp after year 9999 in UTC", "invalid_value", "timestamp", Utf8(Score.Replace("2026-03-14T19:30:05Z", "9999-12-31T23:59:59-14:00")));
        Reject("a timestamp with a trailing newline", "invalid_value", "timestamp", Utf8(Score.Replace("05Z\"", "05Z\\n\"")));
        Reject("a version in Arabic-Indic digits", "invalid_value", "eventVersion", Utf8(Score.Replace("\"eventVersion\":\"1\"", "\"eventVersion\":\"\u0661\"")));
        Reject("a game clock in full-width digits", "invalid_value", "gameTime", Utf8(Score.Replace("07:02", "\uFF10\uFF17:\uFF10\uFF12")));
        Reject("an object as the id", "invalid_value", "eventId", Utf8(Score.Replace("\"e-1\"", "{\"a\":1}")));

        // Unusual but valid: each registers a player of its own.
        Accept("an emoji, accents and a tab in a name", "corpus-p1", Utf8(Registration("corpus-p1", "Ann \\ud83c\\udfc0 Ex\\u00e4mple\\tJr")));
        Accept("unknown fields, one nested 30 deep", "corpus-p2",
            Utf8(Registration("corpus-p2").Replace("\"eventVersion\"", "\"future\":" + new string('[', 30) + new string(']', 30) + ",\"eventVersion\"")));
        Accept("a lone surrogate in an unknown field's value", "corpus-p3", Utf8(Registration("corpus-p3").Replace("\"eventVersion\"", "\"x\":\"\\ud800\",\"eventVersion\"")));
        Accept("20,000 unknown keys beside the envelope", "corpus-p4",
            Utf8("{" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}")) + "," + Registration("corpus-p4").TrimStart()[1..]));
        var longest = "corpus-p5-" + new string('x', 118);
        Accept("an id of exactly 128 characters", longest, Utf8(Registration(longest).Replace($"\"reg-{longest}\"", "\"reg-corpus-p5\"")));
        Accept("an id of 64 emoji (128 UTF-16 characters)", "corpus-p6", Utf8(Registration("corpus-p6").Replace("\"eventId\":\"reg-corpus-p6\"",
            "\"eventId\":\"" + string.Concat(Enumerable.Repeat("\\ud83c\\udfc0", 64)) + "\"")));
        Accept("a version 01.0.0 and a time with nanoseconds", "corpus-p7",
            Utf8(Registration("corpus-p7").Replace("\"1.0\"", "\"01.0.0\"").Replace("19:30:05+01:00", "19:30:05.123456789+01:00")));
        Accept("insignificant whitespace everywhere", "corpus-p8",
            Utf8(" \r\n" + Registration("corpus-p8").Replace("\":", "\" \r\n\t: ").Replace(",\"", " ,\n \"") + "\n\t "));
        return rows;
    }

    private static IReadOnlyList<HostileRecord> BuildWrongTypes()
    {
        JsonNode?[] replacements = [null, JsonValue.Create(7), JsonValue.Create(true), JsonValue.Create("seven"), new JsonArray(), new JsonObject()];
        var rows = new List<HostileRecord>();
        foreach (var (eventType, template) in FullTemplates)
        {
            foreach (var path in LeafPaths(JsonNode.Parse(template)!))
            {
                var original = Navigate(JsonNode.Parse(template)!, path);
                var optional = OptionalFields.Contains(path) || OptionalFields.Contains($"{eventType}:{path}");
                foreach (var replacement in replacements)
                {
                    var kind = replacement?.GetValueKind();
                    if (kind == original.Node.GetValueKind())
                        continue;
                    var isScalar = path == "eventData.jerseyNumber" && kind is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number;
                    var root = JsonNode.Parse(template)!;
                    var (parent, name) = Navigate(root, path).Location;
                    parent[name] = replacement?.DeepClone();
                    var described = kind is null ? "null" : kind.ToString()!.ToLowerInvariant();
                    var data = Utf8(root.ToJsonString());
                    var rowName = $"{eventType} {path} as {described}";
                    if ((replacement is null && optional) || isScalar)
                        rows.Add(new HostileRecord(rowName, data, null, template.Contains("\"Player\"") ? "p-7" : "g-1"));
                    else
                        rows.Add(new HostileRecord(rowName, data, replacement is null ? "missing_field" : "invalid_value", path));
                }
            }
        }
        return rows;
    }

    private static IEnumerable<string> LeafPaths(JsonNode root)
    {
        foreach (var (name, value) in root.AsObject())
        {
            yield return name;
            if (value is JsonObject nested)
            {
                foreach (var (inner, _) in nested)
                    yield return $"{name}.{inner}";
            }
        }
    }

    private static (JsonNode Node, (JsonNode Parent, string Name) Location) Navigate(JsonNode root, string path)
    {
        var parts = path.Split('.');
        var parent = root;
        foreach (var part in parts[..^1])
            parent = parent[part]!;
        return (parent[parts[^1]]!, (parent, parts[^1]));
    }

    private static string Envelope(string aggregateType, string aggregateId, string eventType, string data) => $$$"""
        {"eventId":"e-1","aggregateId":"{{{aggregateId}}}","aggregateType":"{{{aggregateType}}}","eventType":"{{{eventType}}}","eventVersion":"1",
         "timestamp":"2026-03-14T19:30:05Z","metadata":{"correlationId":"c-1","source":"scoreboard","causationId":"e-0","userId":"u-1",
         "userAgent":"ua","ipAddress":"10.0.0.1"},"eventData":{{{data}}}}
        """;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The bytes with each <paramref name="marker"/> replaced by <paramref name="replacement"/> (to write bytes no string holds).</summary>
    private static byte[] Replace(byte[] bytes, byte marker, byte[] replacement) =>
        bytes.SelectMany(b => b == marker ? replacement : [b]).ToArray();
}
