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

    // The cases below kill the mutants the first mutation run left alive (docs/mutation/README.md): each pins one
    // boundary or message that a changed comparison or constant would move.

    [Fact]
    public void Up_to_256_digits_are_a_sequence_number_and_257_are_not()
    {
        SequenceNumber.TryParse(new string('7', 256), out var longest).Should().BeTrue();
        longest.Value.Should().HaveLength(256);
        SequenceNumber.TryParse(new string('7', 257), out _).Should().BeFalse();
    }

    [Fact]
    public void A_malformed_sequence_number_is_refused_with_its_text_and_why()
    {
        var parse = () => SequenceNumber.Parse("12a4");
        parse.Should().Throw<FormatException>().WithMessage("'12a4' is not a Kinesis sequence number (decimal digits only).");
    }

    [Fact]
    public void Equal_numbers_are_neither_less_nor_greater_and_max_keeps_the_left_one()
    {
        var a = SequenceNumber.Parse("007");
        var b = SequenceNumber.Parse("7");
        (a < b).Should().BeFalse();
        (a > b).Should().BeFalse();
        SequenceNumber.Max(a, b).Value.Should().Be("007", "of equal numbers the left one is kept");
        SequenceNumber.Max(b, a).Value.Should().Be("7");
        SequenceNumber.Max(SequenceNumber.Parse("9"), SequenceNumber.Parse("10")).Value.Should().Be("10");
        SequenceNumber.Max(SequenceNumber.Parse("10"), SequenceNumber.Parse("9")).Value.Should().Be("10");
    }

    [Fact]
    public void The_default_sequence_number_is_zero_prints_empty_and_compares_below_every_record()
    {
        var none = default(SequenceNumber);
        none.ToBigInteger().Should().Be(BigInteger.Zero);
        none.ToString().Should().BeEmpty();
        SequenceNumber.Parse("42").ToString().Should().Be("42");
        none.Should().Be(SequenceNumber.Parse("0"));
        (none < SequenceNumber.Parse("1")).Should().BeTrue();
    }

    [Fact]
    public void Compared_as_an_object_it_orders_after_null_and_refuses_another_type_by_name()
    {
        IComparable number = SequenceNumber.Parse("5");
        number.CompareTo(null).Should().Be(1);
        number.CompareTo(SequenceNumber.Parse("6")).Should().BeNegative();
        var other = () => number.CompareTo("5");
        other.Should().Throw<ArgumentException>().WithMessage("Cannot compare a SequenceNumber with String.");
    }
}
