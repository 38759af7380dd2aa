// The one validation path from a raw record (Kinesis or HTTP) to a typed event or a rejection with a
// SPEC §4.4 reason code. Checks run in the order size → JSON → envelope → aggregate type → version →
// event type → event data, so a record gets the most fundamental reason first. Nothing a record holds can make
// Parse throw: text that is not storable (a lone surrogate escape, NUL, a control, invisible or line-breaking
// character in an id) is invalid_value, duplicate keys and a property name that is not Unicode text are
// malformed_json, and any exception the checks did not foresee becomes a processing_failed rejection instead of
// escaping to the reader (a thrown parse would stall its shard). The corpus of records built to break it is
// tests/Basketball.TestSupport/HostileRecords.cs.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Basketball.Domain.Events;

public static partial class EventParser
{
    public const int MaxRecordBytes = 1024 * 1024;
    public const int MaxIdLength = 128;
    /// <summary>Free text (names, venue, reasons, metadata): long enough for any real value, short enough that a
    /// hostile record cannot make an entity hold a megabyte.</summary>
    public const int MaxTextLength = 1024;

    // Duplicate keys are refused: two "aggregateId"s would let two readers of one record disagree on its target.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>Parses a record whose bytes may not outlive the call (they are copied for the parse).</summary>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json) =>
        utf8Json.Length > MaxRecordBytes ? TooLarge(utf8Json.Length) : Parse(utf8Json.ToArray().AsMemory());

    /// <summary>
    /// Parses a record in place: the caller keeps the bytes alive while the result is built (a Kinesis record's Data).
    /// Never throws: an exception the checks did not foresee is a processing_failed rejection, so that no defect of
    /// parsing can fail a reader's batch (a failed batch is read again, fails again, and would hold its shard).
    /// </summary>
    public static ParseResult Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return ParseChecked(utf8Json);
        }
        catch (RejectedException rejected)
        {
            return new ParseResult.Invalid(rejected.Rejection);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(RejectionReason.ProcessingFailed,
                $"the record could not be validated ({ex.GetType().Name}: {ex.Message}); this is a defect of the parser, please report it");
        }
    }

    private static ParseResult ParseChecked(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Length > MaxRecordBytes)
            return TooLarge(utf8Json.Length);

        // The JSON reader does not check the UTF-8 inside strings and property names: a record must be UTF-8 throughout.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span))
            return Fail(RejectionReason.MalformedJson, "the record is not valid UTF-8 JSON: it holds a byte sequence that is not UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Fail(RejectionReason.MalformedJson, $"the record is not valid JSON: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            return Fail(RejectionReason.MalformedJson, $"the record is not valid UTF-8 JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // The duplicate-key check reads every property name, and a name with a lone surrogate escape ("\ud800") is
            // not text: no field could be looked up by it either.
            return Fail(RejectionReason.MalformedJson, $"the record is not valid JSON text: a property name holds an unpaired surrogate escape ({ex.Message})");
        }

        using (document)
            return ParseEnvelope(document.RootElement);
    }

    private static ParseResult ParseEnvelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Fail(RejectionReason.MalformedJson, $"the record must be a JSON object, not {Describe(root.ValueKind)}");

        // Read the ids first (leniently) so that every later rejection can name them.
        var context = new Context(
            TryString(root, "eventId") is { Length: > 0 and <= MaxIdLength } id ? id : null,
            TryString(root, "aggregateId") is { Length: > 0 and <= MaxIdLength } aggregate ? aggregate : null);

        var eventId = context.Id(root, "eventId");
        var aggregateId = context.Id(root, "aggregateId");
        var aggregateTypeText = context.RequiredString(root, "aggregateType");
        var eventType = context.RequiredString(root, "eventType");
        var version = context.RequiredString(root, "eventVersion");
        var data = context.Required(root, "eventData");
        if (data.ValueKind != JsonValueKind.Object)
            throw context.Reject(RejectionReason.InvalidValue, $"eventData must be an object, not {Describe(data.ValueKind)}");
        var metadataElement = context.Required(root, "metadata");
        if (metadataElement.ValueKind != JsonValueKind.Object)
            throw context.Reject(RejectionReason.InvalidValue, $"metadata must be an object, not {Describe(metadataElement.ValueKind)}");
        var metadata = new EventMetadata(
            context.RequiredString(metadataElement, "correlationId", "metadata."),
            context.RequiredString(metadataElement, "source", "metadata."),
            context.OptionalString(metadataElement, "causationId", "metadata."),
            context.OptionalString(metadataElement, "userId", "metadata."),
            context.OptionalString(metadataElement, "userAgent", "metadata."),
            context.OptionalString(metadataElement, "ipAddress", "metadata."));
        var timestamp = context.Timestamp(root, "timestamp");

        AggregateType aggregateType;
        if (aggregateTypeText == "Game")
            aggregateType = AggregateType.Game;
        else if (aggregateTypeText == "Player")
            aggregateType = AggregateType.Player;
        else
            throw context.Reject(RejectionReason.UnknownAggregateType, $"aggregateType '{aggregateTypeText}' is not Game or Player");

        if (!IsSupportedVersion(version, out var versionProblem))
            throw context.Reject(versionProblem, versionProblem == RejectionReason.UnsupportedVersion
                ? $"eventVersion '{version}' is not supported: major version 1 only"
                : $"eventVersion '{version}' is not a version number like \"1\" or \"1.0\"");

        IEventData typed = (aggregateType, eventType) switch
        {
            (AggregateType.Game, nameof(GameScheduled)) => new GameScheduled(
                GameId(context, data, aggregateId), context.Id(data, "homeTeamId", "eventData."), context.Id(data, "awayTeamId", "eventData."),
                context.Timestamp(data, "scheduledAt", "eventData."), context.OptionalString(data, "venue", "eventData.")),
            (AggregateType.Game, nameof(GameStarted)) => new GameStarted(
                GameId(context, data, aggregateId), context.Id(data, "homeTeamId", "eventData."), context.Id(data, "awayTeamId", "eventData.")),
            (AggregateType.Game, nameof(ScoreRecorded)) => Score(context, data, aggregateId),
            (AggregateType.Game, nameof(ScoreCorrected)) => new ScoreCorrected(
                GameId(context, data, aggregateId), context.Id(data, "correctedEventId", "eventData."),
                context.RequiredString(data, "reason", "eventData.")),
            (AggregateType.Game, nameof(GameStatusChanged)) => new GameStatusChanged(
                GameId(context, data, aggregateId), Status(context, data, "fromStatus"), Status(context, data, "toStatus"),
                context.RequiredString(data, "changedBy", "eventData."), context.OptionalString(data, "reason", "eventData.")),
            (AggregateType.Game, nameof(GameCompleted)) => new GameCompleted(GameId(context, data, aggregateId)),
            (AggregateType.Player, nameof(PlayerRegistered)) => new PlayerRegistered(
                PlayerId(context, data, aggregateId), context.RequiredString(data, "name", "eventData."), context.Id(data, "teamId", "eventData."),
                context.OptionalString(data, "position", "eventData."), context.OptionalScalar(data, "jerseyNumber", "eventData.")),
            (AggregateType.Player, nameof(PlayerTeamChanged)) => new PlayerTeamChanged(
                PlayerId(context, data, aggregateId), context.Id(data, "fromTeamId", "eventData."), context.Id(data, "toTeamId", "eventData.")),
            _ => throw context.Reject(RejectionReason.UnknownEventType,
                $"eventType '{eventType}' is not a version 1 event of a {aggregateTypeText} aggregate"),
        };

        return new ParseResult.Parsed(new EventEnvelope(eventId, aggregateId, aggregateType, eventType, version, timestamp, metadata, typed));
    }

    private static ScoreRecorded Score(Context context, JsonElement data, string aggregateId)
    {
        var gameId = GameId(context, data, aggregateId);
        var teamId = context.Id(data, "teamId", "eventData.");
        var playerId = context.Id(data, "playerId", "eventData.");
        var points = context.Integer(data, "points", "eventData.");
        var shotText = context.RequiredString(data, "shotType", "eventData.");
        var clockText = context.RequiredString(data, "gameTime", "eventData.");
        var period = context.Integer(data, "period", "eventData.");

        var (shot, expected) = shotText switch
        {
            "free_throw" => (ShotType.FreeThrow, 1),
            "field_goal" => (ShotType.FieldGoal, 2),
            "three_pointer" => (ShotType.ThreePointer, 3),
            _ => throw context.Reject(RejectionReason.InvalidValue, $"eventData.shotType '{shotText}' is not free_throw, field_goal or three_pointer"),
        };
        if (points != expected)
            throw context.Reject(RejectionReason.InvalidValue, $"eventData.points is {points} but a {shotText} is worth {expected}");
        if (period < 1)
            throw context.Reject(RejectionReason.InvalidValue, $"eventData.period must be 1 or more, not {period}");
        if (!TryParseClock(clockText, out var clockSeconds))
            throw context.Reject(RejectionReason.InvalidValue, $"eventData.gameTime '{clockText}' is not \"MM:SS\" (00:00 to 12:00)");
        return new ScoreRecorded(gameId, teamId, playerId, points, shot, clockSeconds, period);
    }

    /// <summary>"MM:SS" left in the period: 00:00 .. 12:00.</summary>
    internal static bool TryParseClock(string text, out int seconds)
    {
        seconds = 0;
        var parts = text.Split(':');
        if (parts.Length != 2 || parts[0].Length is < 1 or > 2 || parts[1].Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var secs)
            || secs > 59 || minutes > 12 || (minutes == 12 && secs > 0))
            return false;
        seconds = minutes * 60 + secs;
        return true;
    }

    private static string GameId(Context context, JsonElement data, string aggregateId)
    {
        var gameId = context.Id(data, "gameId", "eventData.");
        if (gameId != aggregateId)
            throw context.Reject(RejectionReason.InvalidValue, $"eventData.gameId '{gameId}' differs from aggregateId '{aggregateId}'");
        return gameId;
    }

    private static string PlayerId(Context context, JsonElement data, string aggregateId)
    {
        var playerId = context.Id(data, "playerId", "eventData.");
        if (playerId != aggregateId)
            throw context.Reject(RejectionReason.InvalidValue, $"eventData.playerId '{playerId}' differs from aggregateId '{aggregateId}'");
        return playerId;
    }

    private static GameStatus Status(Context context, JsonElement data, string name)
    {
        var text = context.RequiredString(data, name, "eventData.");
        // The exact name only: Enum.TryParse would also take " InProgress", "InProgress,InProgress" or "1".
        return Enum.GetNames<GameStatus>().Contains(text, StringComparer.Ordinal)
            ? Enum.Parse<GameStatus>(text)
            : throw context.Reject(RejectionReason.InvalidValue,
                $"eventData.{name} '{text}' is not one of {string.Join(", ", Enum.GetNames<GameStatus>())}");
    }

    private static bool IsSupportedVersion(string version, out RejectionReason problem)
    {
        problem = RejectionReason.InvalidValue;
        var parts = version.Split('.');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
            return false;
        if (parts[0].TrimStart('0') != "1")
        {
            problem = RejectionReason.UnsupportedVersion;
            return false;
        }
        return true;
    }

    /// <summary>Why <paramref name="id"/> cannot be an id of SPEC §2 (empty, over <see cref="MaxIdLength"/> characters, or a character
    /// ids refuse), or null when it can: the HTTP API refuses such an id in a path before looking it up.</summary>
    public static string? IdProblem(string id) =>
        id.Length == 0 ? "it is empty"
        : id.Length > MaxIdLength ? $"it has {id.Length} characters; at most {MaxIdLength} are allowed"
        : FindUnstorable(id, isId: true) is { } problem ? $"it holds {problem}"
        : null;

    /// <summary>The ids read leniently to name them in a rejection: only when they are storable text.</summary>
    private static string? TryString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && TryGetText(value, out var text) && FindUnstorable(text, isId: true) is null
            ? text
            : null;

    /// <summary><see cref="JsonElement.GetString"/> throws on an escaped lone surrogate ("\ud800"): not UTF-16 text.</summary>
    private static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>What makes text unfit to store (PostgreSQL text refuses NUL; an id with a control character cannot be
    /// shown or typed by an operator, one with an invisible character such as U+202E or U+200B shows as another id, and
    /// one with U+2028 breaks the CLI's lines), or null when it is fit.</summary>
    private static string? FindUnstorable(string text, bool isId)
    {
        foreach (var c in text)
        {
            if (c == '\0')
                return "a NUL character";
            if (!isId)
                continue;
            if (char.IsControl(c))
                return $"the control character U+{(int)c:X4}";
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || c is '\uFFFE' or '\uFFFF' or (>= '\uFDD0' and <= '\uFDEF'))
                return $"the invisible or line-breaking character U+{(int)c:X4}";
        }
        return null;
    }

    /// <summary>A value quoted in a message, cut to a readable length (a hostile record may hold a megabyte).</summary>
    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static ParseResult TooLarge(int length) =>
        Fail(RejectionReason.TooLarge, $"the record has {length} bytes; at most {MaxRecordBytes} are allowed");

    private static ParseResult Fail(RejectionReason reason, string message) => new ParseResult.Invalid(new Rejection(reason, message));

    /// <summary>Field access that turns every problem into a rejection naming the field.</summary>
    private sealed record Context(string? EventId, string? AggregateId)
    {
        public RejectedException Reject(RejectionReason reason, string message) => new(new Rejection(reason, message, EventId, AggregateId));

        public JsonElement Required(JsonElement parent, string name, string prefix = "")
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                throw Reject(RejectionReason.MissingField, $"{prefix}{name} is required");
            return value;
        }

        public string RequiredString(JsonElement parent, string name, string prefix = "")
        {
            var value = Required(parent, name, prefix);
            if (value.ValueKind != JsonValueKind.String)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must be a string, not {Describe(value.ValueKind)}");
            var text = Text(value, name, prefix, isId: false);
            if (text.Length == 0)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must not be empty");
            return text;
        }

        public string Id(JsonElement parent, string name, string prefix = "")
        {
            var value = Required(parent, name, prefix);
            if (value.ValueKind != JsonValueKind.String)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must be a string, not {Describe(value.ValueKind)}");
            var text = Text(value, name, prefix, isId: true);
            if (text.Length == 0)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must not be empty");
            return text;
        }

        /// <summary>A string value checked to be storable text of a bounded length.</summary>
        private string Text(JsonElement value, string name, string prefix, bool isId)
        {
            var limit = isId ? MaxIdLength : MaxTextLength;
            if (!TryGetText(value, out var text))
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} is not valid Unicode text (it holds an unpaired surrogate escape)");
            if (text.Length > limit)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} has {text.Length} characters; at most {limit} are allowed");
            if (FindUnstorable(text, isId) is { } problem)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} holds {problem}, which is not allowed {(isId ? "in an id" : "in text")}");
            return text;
        }

        public string? OptionalString(JsonElement parent, string name, string prefix = "")
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            if (value.ValueKind != JsonValueKind.String)
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must be a string, not {Describe(value.ValueKind)}");
            return Text(value, name, prefix, isId: false);
        }

        /// <summary>A string or a number, kept as text (jersey numbers come both ways).</summary>
        public string? OptionalScalar(JsonElement parent, string name, string prefix = "")
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            return value.ValueKind switch
            {
                JsonValueKind.String => Text(value, name, prefix, isId: false),
                JsonValueKind.Number => value.GetRawText() is { Length: <= 32 } raw
                    ? raw
                    : throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} is a number of over 32 digits"),
                _ => throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must be a string or a number, not {Describe(value.ValueKind)}"),
            };
        }

        public int Integer(JsonElement parent, string name, string prefix = "")
        {
            var value = Required(parent, name, prefix);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} must be a whole number, not {Shorten(value.GetRawText())}");
            return number;
        }

        public DateTimeOffset Timestamp(JsonElement parent, string name, string prefix = "")
        {
            var text = RequiredString(parent, name, prefix);
            // ISO-8601 with an explicit offset ("Z" or "+hh:mm"): a time without one is ambiguous. The shape is checked
            // first: DateTimeOffset.TryParse alone also takes leading blanks, one-digit months and other loose forms.
            if (!IsoTimestamp().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                throw Reject(RejectionReason.InvalidValue, $"{prefix}{name} '{text}' is not an ISO-8601 time with an offset, e.g. 2026-03-14T19:30:00Z");
            return time;
        }
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex IsoTimestamp();

    private sealed class RejectedException(Rejection rejection) : Exception(rejection.Message)
    {
        public Rejection Rejection { get; } = rejection;
    }
}
