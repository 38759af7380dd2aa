// The reason codes of SPEC §4.4. Their snake_case spelling is a public contract (dead letters, HTTP, CLI).
namespace Basketball.Domain.Events;

public enum RejectionReason
{
    MalformedJson,
    MissingField,
    InvalidValue,
    UnknownEventType,
    UnknownAggregateType,
    UnsupportedVersion,
    IllegalTransition,
    GameNotInProgress,
    UnknownCorrectionTarget,
    TooLarge,
    ProcessingFailed,
    /// <summary>A KPL aggregated record whose MD5 or protobuf is bad: one dead letter for the whole Kinesis record.</summary>
    MalformedAggregate,
}

public static class RejectionReasonCodes
{
    public static string ToCode(this RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedJson => "malformed_json",
        RejectionReason.MissingField => "missing_field",
        RejectionReason.InvalidValue => "invalid_value",
        RejectionReason.UnknownEventType => "unknown_event_type",
        RejectionReason.UnknownAggregateType => "unknown_aggregate_type",
        RejectionReason.UnsupportedVersion => "unsupported_version",
        RejectionReason.IllegalTransition => "illegal_transition",
        RejectionReason.GameNotInProgress => "game_not_in_progress",
        RejectionReason.UnknownCorrectionTarget => "unknown_correction_target",
        RejectionReason.TooLarge => "too_large",
        RejectionReason.ProcessingFailed => "processing_failed",
        RejectionReason.MalformedAggregate => "malformed_aggregate",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown rejection reason"),
    };

    public static IReadOnlyList<RejectionReason> All { get; } = Enum.GetValues<RejectionReason>();
}

/// <summary>Why one event was not applied: a reason code and a message a person understands.</summary>
public sealed record Rejection(RejectionReason Reason, string Message, string? EventId = null, string? AggregateId = null)
{
    public string Code => Reason.ToCode();
}
