using Basketball.Ingress.Checkpoints;

namespace Basketball.Ingress.Tests.Checkpoints;

// The messages an operator reads in the log when a reader stops or a shard is not taken.
public sealed class CheckpointExceptionsTests
{
    [Fact]
    public void A_fenced_checkpoint_and_a_held_lease_say_which_shard_and_why()
    {
        var lease = new ShardLease("s", "shardId-000000000001", "node-a#7", 4, "10", false, null);

        var fenced = new CheckpointFencedException(lease);
        fenced.Lease.Should().BeSameAs(lease);
        fenced.Message.Should().Be("Checkpoint of s/shardId-000000000001 refused: lease of 'node-a#7' at epoch 4 is no longer current " +
                                   "(another reader acquired the shard, or it was reset). This reader must stop.");
        var held = new ShardLeaseHeldException("s", "shardId-000000000001", "held by node-b");
        (held.ShardId, held.Message).Should().Be(("shardId-000000000001", "s/shardId-000000000001 not taken: held by node-b"));
    }
}
