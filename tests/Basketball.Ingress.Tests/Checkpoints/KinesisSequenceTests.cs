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
}
