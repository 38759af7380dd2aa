using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Tests.Checkpoints;

public class LeaseTakeoverTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);
    private static readonly ILiveOwners OnlyNodeB = new Live("node-b");

    private static ShardCheckpoint Row(string? owner, TimeSpan age) =>
        new("s", "shardId-000000000001", "1", false, null, owner, 4, Now - age);

    [Fact]
    public void A_lease_a_live_member_wrote_moments_ago_is_not_taken() =>
        LeaseTakeover.Refusal(Row("node-b", TimeSpan.FromSeconds(1)), "node-a", OnlyNodeB, Now, Expiry).Should().Be(
            "held by node-b, a live member of the cluster, written 1.0 s ago; taken once that member leaves the cluster or " +
            "releases it, or after 10 s without a write");

    [Fact]
    public void A_lease_written_just_before_its_expiry_or_by_a_clock_ahead_of_ours_is_not_taken()
    {
        LeaseTakeover.Refusal(Row("node-b", Expiry - TimeSpan.FromMilliseconds(1)), "node-a", OnlyNodeB, Now, Expiry)
            .Should().StartWith("held by node-b, a live member of the cluster, written 10.0 s ago;");
        LeaseTakeover.Refusal(Row("node-b", TimeSpan.FromSeconds(-3)), "node-a", OnlyNodeB, Now, Expiry)
            .Should().StartWith("held by node-b, a live member of the cluster, written 0.0 s ago;", "an age below zero reads as zero");
    }

    [Theory]
    [InlineData(null, 1, "released, reset or never held")]
    [InlineData("node-a", 1, "our own")]
    [InlineData("node-c", 1, "a member that left, was downed, or an earlier incarnation")]
    [InlineData("node-b", 10, "a live member's lease unwritten for the expiry")]
    public void A_lease_is_taken_when_nobody_live_still_writes_it(string? owner, int ageSeconds, string because) =>
        LeaseTakeover.Refusal(Row(owner, TimeSpan.FromSeconds(ageSeconds)), "node-a", OnlyNodeB, Now, Expiry).Should().BeNull(because);

    [Fact]
    public void A_shard_without_a_row_is_taken() =>
        LeaseTakeover.Refusal(null, "node-a", OnlyNodeB, Now, Expiry).Should().BeNull();

    private sealed class Live(params string[] owners) : ILiveOwners
    {
        public bool IsLive(string owner) => owners.Contains(owner);
    }
}
