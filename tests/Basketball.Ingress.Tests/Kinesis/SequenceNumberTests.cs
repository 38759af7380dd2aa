using System.Numerics;
using Basketball.Kinesis;

namespace Basketball.Ingress.Tests.Kinesis;

public sealed class SequenceNumberTests
{
    private const string Small56 = "49590338271490256608559692538361571095921575989136588898";
    private const string Large56 = "49590338271490256608559692540925702759324208523137515618";

    [Theory]
    [InlineData("9", "10")]
    [InlineData("99", "100")]
    [InlineData("2", "11")]
    [InlineData("999999999999999999999999999999999999999999999999999999", Small56)]
    [InlineData(Small56, Large56)]
    [InlineData("9", Small56)]
    public void Smaller_number_compares_lower_even_where_string_order_says_otherwise(string lower, string higher)
    {
        var a = SequenceNumber.Parse(lower);
        var b = SequenceNumber.Parse(higher);

        (a < b).Should().BeTrue();
        (b > a).Should().BeTrue();
        (a <= b).Should().BeTrue();
        (b >= a).Should().BeTrue();
        a.CompareTo(b).Should().BeNegative();
        b.CompareTo(a).Should().BePositive();
        Math.Sign(a.CompareTo(b)).Should().Be(BigInteger.Parse(lower).CompareTo(BigInteger.Parse(higher)));
    }

    [Fact]
    public void String_order_is_wrong_for_the_cases_above_so_the_test_means_something()
    {
        string.CompareOrdinal("9", "10").Should().BePositive();
        string.CompareOrdinal("999999999999999999999999999999999999999999999999999999", Small56).Should().BePositive();
    }

    [Fact]
    public void Sorting_orders_numerically()
    {
        var sorted = new[] { "10", "9", Large56, "100", Small56, "1" }.Select(SequenceNumber.Parse).Order().Select(s => s.Value);

        sorted.Should().Equal("1", "9", "10", "100", Small56, Large56);
    }

    [Fact]
    public void Leading_zeros_do_not_change_the_value()
    {
        var padded = SequenceNumber.Parse("007");
        var plain = SequenceNumber.Parse("7");

        padded.Should().Be(plain);
        padded.GetHashCode().Should().Be(plain.GetHashCode());
        (padded < SequenceNumber.Parse("10")).Should().BeTrue();
    }

    [Fact]
    public void Equal_numbers_compare_equal()
    {
        var a = SequenceNumber.Parse(Large56);
        var b = SequenceNumber.Parse(Large56);

        (a == b).Should().BeTrue();
        a.CompareTo(b).Should().Be(0);
        (a >= b && a <= b).Should().BeTrue();
        SequenceNumber.Max(a, SequenceNumber.Parse(Small56)).Should().Be(a);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12a")]
    [InlineData("-5")]
    [InlineData(" 5")]
    public void Parse_rejects_what_is_not_a_decimal_number(string text)
    {
        var parse = () => SequenceNumber.Parse(text);

        parse.Should().Throw<FormatException>();
        SequenceNumber.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Converts_to_a_big_integer()
    {
        SequenceNumber.Parse(Large56).ToBigInteger().Should().Be(BigInteger.Parse(Large56));
    }
}
