using Basketball.Domain.Events;

namespace Basketball.Shards.Tests;

public class SkeletonTests
{
    [Fact]
    public void Every_rejection_reason_has_a_snake_case_code() =>
        Assert.All(RejectionReasonCodes.All, r => Assert.Matches("^[a-z_]+$", r.ToCode()));
}
