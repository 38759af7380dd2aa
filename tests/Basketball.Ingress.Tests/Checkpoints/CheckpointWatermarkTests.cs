using System.Numerics;
using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Tests.Checkpoints;

public sealed class CheckpointWatermarkTests
{
    // Real Kinesis sequence numbers are 56 digits; these differ from the 10th digit on.
    private const string Seq1 = "49590338271490256608559692538361571095921575989136588801";
    private const string Seq2 = "49590338271490256608559692540925702759324208523137515521";
    private const string Seq3 = "49590338271490256608559692540925702759324208523137515522";

    [Fact]
    public void A_new_watermark_without_a_checkpoint_has_no_position_and_nothing_in_flight()
    {
        var watermark = new CheckpointWatermark();

        watermark.Watermark.Should().BeNull();
        watermark.InFlightCount.Should().Be(0);
        watermark.HasUnsavedProgress.Should().BeFalse();
    }

    [Fact]
    public void A_watermark_resumed_from_a_checkpoint_starts_there()
    {
        var watermark = new CheckpointWatermark(resumedFrom: Seq1);

        watermark.Watermark.Should().Be(Seq1);
        watermark.HasUnsavedProgress.Should().BeFalse();
    }

    [Fact]
    public void In_order_acknowledgements_move_the_watermark_record_by_record()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register(Seq1);
        watermark.Register(Seq2);
        watermark.Register(Seq3);
        watermark.InFlightCount.Should().Be(3);

        watermark.MarkDurable(Seq1).Should().BeTrue();
        watermark.Watermark.Should().Be(Seq1);
        watermark.MarkDurable(Seq2).Should().BeTrue();
        watermark.Watermark.Should().Be(Seq2);
        watermark.MarkDurable(Seq3).Should().BeTrue();
        watermark.Watermark.Should().Be(Seq3);
        watermark.InFlightCount.Should().Be(0);
        watermark.TrackedCount.Should().Be(0);
    }

    [Fact]
    public void A_later_record_acknowledged_early_does_not_move_the_watermark_past_an_earlier_one_in_flight()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register(Seq1);
        watermark.Register(Seq2);
        watermark.Register(Seq3);

        watermark.MarkDurable(Seq3);
        watermark.MarkDurable(Seq2);

        watermark.Watermark.Should().BeNull("record 1 is still in flight");
        watermark.InFlightCount.Should().Be(1);
        watermark.TrackedCount.Should().Be(3);

        watermark.MarkDurable(Seq1);

        watermark.Watermark.Should().Be(Seq3, "once the earliest is durable, everything up to the newest is");
        watermark.TrackedCount.Should().Be(0);
    }

    [Fact]
    public void Gaps_between_sequence_numbers_do_not_hold_the_watermark_back()
    {
        var watermark = new CheckpointWatermark("100");
        watermark.Register("205");
        watermark.Register("9000");
        watermark.Register("1000000");

        watermark.MarkDurable("205");
        watermark.MarkDurable("1000000");
        watermark.Watermark.Should().Be("205");

        watermark.MarkDurable("9000");
        watermark.Watermark.Should().Be("1000000");
    }

    [Fact]
    public void Repeated_acknowledgements_change_nothing()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("1");
        watermark.Register("2");
        watermark.MarkDurable("2").Should().BeTrue();

        watermark.MarkDurable("2").Should().BeFalse("already durable, still waiting for 1");
        watermark.InFlightCount.Should().Be(1);

        watermark.MarkDurable("1").Should().BeTrue();
        watermark.MarkDurable("1").Should().BeFalse("already retired behind the watermark");
        watermark.MarkDurable("2").Should().BeFalse();
        watermark.Watermark.Should().Be("2");
        watermark.InFlightCount.Should().Be(0);
    }

    [Fact]
    public void Sequence_numbers_compare_as_integers_not_as_strings()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("9");
        watermark.Register("10");
        watermark.Register("11");

        watermark.MarkDurable("10");
        watermark.MarkDurable("9");

        watermark.Watermark.Should().Be("10", "10 follows 9 although \"10\" < \"9\" as strings");
        watermark.Invoking(w => w.Register("100")).Should().NotThrow();
    }

    [Fact]
    public void Long_sequence_numbers_of_different_lengths_compare_by_magnitude()
    {
        var shorter = "9" + new string('9', 54);          // 55 digits, all nines
        var longer = "1" + new string('0', 55);           // 56 digits: 10^55, greater though "1..." < "9..." as text
        var watermark = new CheckpointWatermark(resumedFrom: shorter);

        watermark.Register(longer);
        watermark.MarkDurable(longer);

        watermark.Watermark.Should().Be(longer);
        watermark.Invoking(w => w.Register(shorter)).Should().Throw<InvalidOperationException>()
            .WithMessage("*out of read order*");
    }

    [Fact]
    public void Registering_out_of_read_order_or_twice_is_refused()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("20");

        watermark.Invoking(w => w.Register("20")).Should().Throw<InvalidOperationException>();
        watermark.Invoking(w => w.Register("19")).Should().Throw<InvalidOperationException>();
        watermark.Invoking(w => w.Register("abc")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Acknowledging_a_record_that_was_never_registered_is_refused()
    {
        var watermark = new CheckpointWatermark("5");
        watermark.Register("10");
        watermark.Register("20");

        watermark.Invoking(w => w.MarkDurable("15")).Should().Throw<InvalidOperationException>().WithMessage("*never registered*");
        watermark.MarkDurable("3").Should().BeFalse("at or below the checkpoint it resumed from, so durable already");
    }

    [Fact]
    public void Shard_end_completes_only_when_every_record_is_durable()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("1");
        watermark.Register("2");
        watermark.MarkShardEnd();

        watermark.IsShardEndReached.Should().BeTrue();
        watermark.IsCompleteAtShardEnd.Should().BeFalse();
        watermark.MarkDurable("2");
        watermark.IsCompleteAtShardEnd.Should().BeFalse();
        watermark.MarkDurable("1");
        watermark.IsCompleteAtShardEnd.Should().BeTrue();
        watermark.Watermark.Should().Be("2");
        watermark.Invoking(w => w.Register("3")).Should().Throw<InvalidOperationException>().WithMessage("*after the shard end*");
    }

    [Fact]
    public void An_empty_closed_shard_is_complete_at_once()
    {
        var watermark = new CheckpointWatermark();
        watermark.MarkShardEnd();

        watermark.IsCompleteAtShardEnd.Should().BeTrue();
        watermark.Watermark.Should().BeNull();
        watermark.HasUnsavedProgress.Should().BeTrue("the SHARD_END marker itself is unsaved");
    }

    [Fact]
    public void Unsaved_progress_is_reported_until_the_checkpoint_is_saved()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("1");
        watermark.HasUnsavedProgress.Should().BeFalse();

        watermark.MarkDurable("1");
        watermark.HasUnsavedProgress.Should().BeTrue();
        watermark.MarkSaved("1", shardEnd: false);
        watermark.HasUnsavedProgress.Should().BeFalse();

        watermark.MarkShardEnd();
        watermark.HasUnsavedProgress.Should().BeTrue();
        watermark.MarkSaved("1", shardEnd: true);
        watermark.HasUnsavedProgress.Should().BeFalse();
    }

    [Fact]
    public void A_resumed_watermark_refuses_a_record_at_or_before_its_checkpoint_and_an_invalid_checkpoint()
    {
        var watermark = new CheckpointWatermark("100");

        watermark.Invoking(w => w.Register("100")).Should().Throw<InvalidOperationException>().WithMessage("*out of read order*");
        watermark.Invoking(w => w.Register("99")).Should().Throw<InvalidOperationException>().WithMessage("*out of read order*");
        FluentActions.Invoking(() => new CheckpointWatermark("1a")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("resumedFrom");
    }

    [Fact]
    public void Acknowledging_a_value_that_is_not_a_sequence_number_is_refused_even_behind_the_watermark()
    {
        // "+" and "" would order before "5" if they were compared; they are not sequence numbers, so never registered.
        var watermark = new CheckpointWatermark("5");

        watermark.Invoking(w => w.MarkDurable("+")).Should().Throw<InvalidOperationException>().WithMessage("*never registered*");
        watermark.Invoking(w => w.MarkDurable("")).Should().Throw<InvalidOperationException>().WithMessage("*never registered*");
    }

    [Fact]
    public void A_save_of_an_older_position_or_of_only_the_shard_end_does_not_move_what_counts_as_saved_back()
    {
        var watermark = new CheckpointWatermark();
        watermark.Register("1");
        watermark.Register("2");
        watermark.MarkDurable("1");
        watermark.MarkDurable("2");
        watermark.MarkSaved("2", shardEnd: false);

        watermark.MarkSaved("1", shardEnd: false); // an earlier save that completed late
        watermark.HasUnsavedProgress.Should().BeFalse("the store holds 2, the watermark");

        watermark.MarkShardEnd();
        watermark.MarkSaved(null, shardEnd: true); // the shard-end marker alone
        watermark.HasUnsavedProgress.Should().BeFalse();
        watermark.MarkSaved("2", shardEnd: false);
        watermark.MarkSaved("2", shardEnd: true);
        watermark.HasUnsavedProgress.Should().BeFalse("the shard-end marker, once saved, stays saved");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2024)]
    public void Random_acknowledgement_orders_agree_with_a_reference_model(int seed)
    {
        var random = new Random(seed);
        var watermark = new CheckpointWatermark();
        var registered = new List<BigInteger>();
        var durable = new HashSet<BigInteger>();
        var pending = new List<BigInteger>();
        var next = BigInteger.Parse("49590338271490256608559692538361571095921575989136588801") - random.Next(0, 1000);
        string? previous = null;

        for (var step = 0; step < 5_000; step++)
        {
            if (pending.Count == 0 || random.NextDouble() < 0.45)
            {
                // Gaps of every size, crossing digit-count boundaries now and then.
                next += random.Next(0, 4) == 0 ? BigInteger.Pow(10, random.Next(1, 4)) * 7 : random.Next(1, 50);
                watermark.Register(next.ToString());
                registered.Add(next);
                pending.Add(next);
            }
            else
            {
                var index = random.Next(pending.Count);
                var acknowledged = pending[index];
                pending.RemoveAt(index);
                durable.Add(acknowledged);
                watermark.MarkDurable(acknowledged.ToString()).Should().BeTrue();
                if (random.Next(10) == 0)
                    watermark.MarkDurable(acknowledged.ToString()).Should().BeFalse();
            }

            var expected = ReferenceWatermark(registered, durable);
            watermark.Watermark.Should().Be(expected?.ToString(), $"step {step}, seed {seed}");
            watermark.InFlightCount.Should().Be(pending.Count);
            if (previous is not null)
                KinesisSequence.Compare(watermark.Watermark!, previous).Should().BeGreaterThanOrEqualTo(0, "the watermark never moves backwards");
            previous = watermark.Watermark;
        }
    }

    // The definition over plain integers: the highest registered S such that every registered record ≤ S is
    // durable, i.e. walking the records in numeric order, the last one before the first that is not durable.
    private static BigInteger? ReferenceWatermark(List<BigInteger> registered, HashSet<BigInteger> durable)
    {
        BigInteger? best = null;
        foreach (var candidate in registered.Order())
        {
            if (!durable.Contains(candidate))
                break;
            best = candidate;
        }
        return best;
    }
}
