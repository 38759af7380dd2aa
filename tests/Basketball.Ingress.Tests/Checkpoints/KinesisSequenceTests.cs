using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Tests.Checkpoints;

public sealed class KinesisSequenceTests
{
    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("10", "9", 1)]
    [InlineData("10", "10", 0)]
    [InlineData("0010", "10", 0)]
    [InlineData("0", "000", 0)]
    [InlineData("49590338271490256608559692538361571095921575989136588801", "9959033827149025660855969253836157109592157598913658880", 1)]
    [InlineData("49590338271490256608559692538361571095921575989136588801", "49590338271490256608559692538361571095921575989136588802", -1)]
    public void Sequence_numbers_compare_as_big_integers(string a, string b, int expected)
    {
        KinesisSequence.Compare(a, b).Should().Be(expected);
    }

    [Fact]
    public void Sort_keys_order_as_text_exactly_as_the_numbers_order()
    {
        var numbers = new[] { "9", "10", "0", "100", "49590338271490256608559692538361571095921575989136588801", "1" + new string('0', 128) };

        var byKey = numbers.OrderBy(KinesisSequence.ToSortKey, StringComparer.Ordinal).ToArray();
        var byValue = numbers.OrderBy(n => System.Numerics.BigInteger.Parse(n)).ToArray();

        byKey.Should().Equal(byValue);
        KinesisSequence.ToSortKey("10").Should().HaveLength(KinesisSequence.MaxDigits);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("9", true)]
    [InlineData("1234567890", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("/", false)]
    [InlineData(":", false)]
    [InlineData("12a", false)]
    [InlineData("-1", false)]
    public void Only_decimal_digits_are_a_sequence_number(string? value, bool valid) =>
        KinesisSequence.IsValid(value).Should().Be(valid);

    [Fact]
    public void A_sequence_number_has_at_most_129_digits()
    {
        KinesisSequence.IsValid(new string('9', 129)).Should().BeTrue();
        KinesisSequence.IsValid(new string('9', 130)).Should().BeFalse();
        KinesisSequence.Validate("42", "p").Should().Be("42");
        FluentActions.Invoking(() => KinesisSequence.Validate("4x2", "p")).Should().Throw<ArgumentException>()
            .WithMessage("'4x2' is not a Kinesis sequence number (1..129 decimal digits).*").Which.ParamName.Should().Be("p");
    }

    [Fact]
    public void Comparing_a_missing_sequence_number_is_refused()
    {
        FluentActions.Invoking(() => KinesisSequence.Compare(null!, "1")).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => KinesisSequence.Compare("1", null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void The_larger_of_two_sequence_numbers_is_the_larger_number()
    {
        KinesisSequence.Max("9", "10").Should().Be("10");
        KinesisSequence.Max("10", "9").Should().Be("10");
        KinesisSequence.ToSortKey("0").Should().Be(new string('0', KinesisSequence.MaxDigits));
        KinesisSequence.ToSortKey("0042").Should().Be(new string('0', KinesisSequence.MaxDigits - 2) + "42");
    }
}
