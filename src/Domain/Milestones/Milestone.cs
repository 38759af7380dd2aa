// A milestone as persisted by its entity and published (SPEC §6). Its fields are the public milestone JSON.
namespace Basketball.Domain.Milestones;

public static class MilestoneRuleNames
{
    public const string PlayerPointsInGame = nameof(PlayerPointsInGame);
    public const string TeamPoints = nameof(TeamPoints);
    public const string ScoringRun = nameof(ScoringRun);
    public const string HotStreak = nameof(HotStreak);
    public const string GameFinal = nameof(GameFinal);
    public const string CareerPoints = nameof(CareerPoints);
    public const string CareerHigh = nameof(CareerHigh);

    /// <summary>The constant for a rule name read from a journal or snapshot, so that state keeps one instance per rule.</summary>
    public static string Shared(string rule) => rule switch
    {
        PlayerPointsInGame => PlayerPointsInGame,
        TeamPoints => TeamPoints,
        ScoringRun => ScoringRun,
        HotStreak => HotStreak,
        GameFinal => GameFinal,
        CareerPoints => CareerPoints,
        CareerHigh => CareerHigh,
        _ => rule,
    };
}

/// <summary>
/// A milestone firing or its revocation (<see cref="Revoked"/> = true, same <see cref="MilestoneId"/>).
/// <see cref="Timestamp"/> is the triggering event's timestamp, so a replay reproduces it exactly.
/// </summary>
public sealed record Milestone(
    string MilestoneId,
    string Rule,
    string AggregateId,
    string AggregateType,
    string Subject,
    int Threshold,
    int Value,
    int Occurrence,
    bool Revoked,
    string? GameId,
    string TriggeredByEventId,
    DateTimeOffset Timestamp)
{
    public static string IdOf(string aggregateId, string rule, string subject, int threshold, int occurrence) =>
        $"{aggregateId}:{rule}:{subject}:{threshold}:{occurrence}";
}
