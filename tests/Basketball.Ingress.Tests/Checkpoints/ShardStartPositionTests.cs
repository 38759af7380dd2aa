using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Tests.Checkpoints;

public sealed class ShardStartPositionTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Each_position_has_its_kinesis_iterator_type_and_its_operator_spelling()
    {
        (ShardStartPosition.TrimHorizon.Kind, ShardStartPosition.TrimHorizon.IteratorType, ShardStartPosition.TrimHorizon.ToString())
            .Should().Be((ShardStartKind.TrimHorizon, "TRIM_HORIZON", "TRIM_HORIZON"));
        (ShardStartPosition.Latest.Kind, ShardStartPosition.Latest.IteratorType, ShardStartPosition.Latest.ToString())
            .Should().Be((ShardStartKind.Latest, "LATEST", "LATEST"));
        var at = ShardStartPosition.AtTimestamp(At);
        (at.Kind, at.IteratorType, at.ToString(), at.Timestamp)
            .Should().Be((ShardStartKind.AtTimestamp, "AT_TIMESTAMP", "AT_TIMESTAMP:2025-03-01T12:30:00.0000000+00:00", (DateTimeOffset?)At));
        ShardStartPosition.TrimHorizon.Timestamp.Should().BeNull();
    }

    [Theory]
    [InlineData("TRIM_HORIZON", "TRIM_HORIZON")]
    [InlineData("  trim_horizon  ", "TRIM_HORIZON")]
    [InlineData("latest", "LATEST")]
    [InlineData(" LATEST ", "LATEST")]
    [InlineData("AT_TIMESTAMP:2025-03-01T12:30:00+00:00", "AT_TIMESTAMP:2025-03-01T12:30:00.0000000+00:00")]
    [InlineData("at_timestamp:2025-03-01T14:30:00+02:00 ", "AT_TIMESTAMP:2025-03-01T14:30:00.0000000+02:00")]
    public void The_operator_spellings_parse_in_any_case_and_with_surrounding_blanks(string text, string spelling)
    {
        ShardStartPosition.TryParse(text, out var position).Should().BeTrue();
        position!.ToString().Should().Be(spelling);
        ShardStartPosition.Parse(text).Should().Be(position);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("EARLIEST")]
    [InlineData("AT_TIMESTAMP:")]
    [InlineData("AT_TIMESTAMP:yesterday")]
    [InlineData("2025-03-01T12:30:00+00:00")]
    [InlineData("TRIM_HORIZON:2025-03-01T12:30:00+00:00")]
    public void Anything_else_is_not_a_start_position(string? text)
    {
        ShardStartPosition.TryParse(text, out var position).Should().BeFalse();
        position.Should().BeNull();
    }

    [Fact]
    public void Parsing_something_else_fails_with_the_three_spellings()
    {
        FluentActions.Invoking(() => ShardStartPosition.Parse("sideways")).Should().Throw<FormatException>()
            .WithMessage("'sideways' is not a start position: use TRIM_HORIZON, LATEST or AT_TIMESTAMP:<ISO-8601 time with offset>.");
    }
}
