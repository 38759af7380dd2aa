using Basketball.Ingress.Consumer;

namespace Basketball.Ingress.Tests.Pipeline;

public class SuspectRecordsTests
{
    [Fact]
    public void Records_are_isolated_only_after_failing_the_given_number_of_times_over_overlapping_ranges()
    {
        var suspect = new SuspectRecords();
        suspect.Failed(new SequenceRange("100", "200"));
        suspect.Failed(new SequenceRange("150", "300")); // a later checkpoint, a batch cut elsewhere: the same records
        suspect.IsolateAfter(3).Should().BeNull("two failures are not yet three");
        suspect.Failed(new SequenceRange("90", "180"));

        suspect.Failures.Should().Be(3);
        suspect.IsolateAfter(3).Should().Be(new SequenceRange("150", "180"), "only the records that failed every time are suspect");
    }

    [Fact]
    public void A_failure_elsewhere_starts_a_new_count()
    {
        var suspect = new SuspectRecords();
        suspect.Failed(new SequenceRange("100", "200"));
        suspect.Failed(new SequenceRange("100", "200"));
        suspect.Failed(new SequenceRange("201", "400"));

        suspect.Failures.Should().Be(1);
        suspect.IsolateAfter(2).Should().BeNull();
    }

    [Theory]
    [InlineData("9", "10", "10", true)]     // numeric, not text: "9" < "10"
    [InlineData("9", "10", "9", true)]
    [InlineData("9", "10", "100", false)]
    [InlineData("10", "99", "9", false)]
    public void A_range_compares_sequence_numbers_as_numbers(string first, string last, string probe, bool contained) =>
        new SequenceRange(first, last).Contains(probe).Should().Be(contained);
}
