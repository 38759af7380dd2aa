// Writes an event as SPEC §2 JSON: what producers send. EventParser.Parse(EventJson.Serialize(e)) gives e back.
using System.Globalization;
using System.Text.Json;

namespace Basketball.Domain.Events;

public static class EventJson
{
    public static byte[] Serialize(EventEnvelope evt)
    {
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
            Write(json, evt);
        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter json, EventEnvelope evt)
    {
        json.WriteStartObject();
        json.WriteString("eventId", evt.EventId);
        json.WriteString("aggregateId", evt.AggregateId);
        json.WriteString("aggregateType", evt.AggregateType.ToString());
        json.WriteString("eventType", evt.EventType);
        json.WriteString("eventVersion", evt.EventVersion);
        json.WriteString("timestamp", Time(evt.Timestamp));
        json.WriteStartObject("metadata");
        json.WriteString("correlationId", evt.Metadata.CorrelationId);
        json.WriteString("source", evt.Metadata.Source);
        Optional(json, "causationId", evt.Metadata.CausationId);
        Optional(json, "userId", evt.Metadata.UserId);
        Optional(json, "userAgent", evt.Metadata.UserAgent);
        Optional(json, "ipAddress", evt.Metadata.IpAddress);
        json.WriteEndObject();
        json.WriteStartObject("eventData");
        WriteData(json, evt.Data);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static string Clock(int secondsLeft) => $"{secondsLeft / 60:D2}:{secondsLeft % 60:D2}";

    public static string ShotTypeName(ShotType shot) => shot switch
    {
        ShotType.FreeThrow => "free_throw",
        ShotType.FieldGoal => "field_goal",
        _ => "three_pointer",
    };

    private static void WriteData(Utf8JsonWriter json, IEventData data)
    {
        switch (data)
        {
            case GameScheduled e:
                json.WriteString("gameId", e.GameId);
                json.WriteString("homeTeamId", e.HomeTeamId);
                json.WriteString("awayTeamId", e.AwayTeamId);
                json.WriteString("scheduledAt", Time(e.ScheduledAt));
                Optional(json, "venue", e.Venue);
                break;
            case GameStarted e:
                json.WriteString("gameId", e.GameId);
                json.WriteString("homeTeamId", e.HomeTeamId);
                json.WriteString("awayTeamId", e.AwayTeamId);
                break;
            case ScoreRecorded e:
                json.WriteString("gameId", e.GameId);
                json.WriteString("teamId", e.TeamId);
                json.WriteString("playerId", e.PlayerId);
                json.WriteNumber("points", e.Points);
                json.WriteString("shotType", ShotTypeName(e.ShotType));
                json.WriteString("gameTime", Clock(e.ClockSeconds));
                json.WriteNumber("period", e.Period);
                break;
            case ScoreCorrected e:
                json.WriteString("gameId", e.GameId);
                json.WriteString("correctedEventId", e.CorrectedEventId);
                json.WriteString("reason", e.Reason);
                break;
            case GameStatusChanged e:
                json.WriteString("gameId", e.GameId);
                json.WriteString("fromStatus", e.FromStatus.ToString());
                json.WriteString("toStatus", e.ToStatus.ToString());
                json.WriteString("changedBy", e.ChangedBy);
                Optional(json, "reason", e.Reason);
                break;
            case GameCompleted e:
                json.WriteString("gameId", e.GameId);
                break;
            case PlayerRegistered e:
                json.WriteString("playerId", e.PlayerId);
                json.WriteString("name", e.Name);
                json.WriteString("teamId", e.TeamId);
                Optional(json, "position", e.Position);
                Optional(json, "jerseyNumber", e.JerseyNumber);
                break;
            case PlayerTeamChanged e:
                json.WriteString("playerId", e.PlayerId);
                json.WriteString("fromTeamId", e.FromTeamId);
                json.WriteString("toTeamId", e.ToTeamId);
                break;
            default:
                throw new ArgumentException($"no JSON shape for {data.GetType().Name}", nameof(data));
        }
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }
}
