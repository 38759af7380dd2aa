using Basketball.Domain.Events;
using Basketball.Ingress.Consumer;

namespace Basketball.Ingress.Tests.Pipeline;

public sealed class AggregateLanesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_aggregates_second_delivery_starts_only_after_its_first_finished()
    {
        var lanes = new AggregateLanes(slots: 8);
        var first = new TaskCompletionSource<int>();
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var one = lanes.RunAsync(AggregateType.Game, "g-1", () => first.Task, CancellationToken.None);
        var two = lanes.RunAsync(AggregateType.Game, "g-1", () =>
        {
            secondStarted.SetResult();
            return Task.FromResult(2);
        }, CancellationToken.None);

        // The second one must still be waiting while the first is in flight.
        (await Task.WhenAny(secondStarted.Task, Task.Delay(200))).Should().NotBe(secondStarted.Task);
        first.SetResult(1);
        (await one.WaitAsync(Deadline)).Should().Be(1);
        (await two.WaitAsync(Deadline)).Should().Be(2);
        secondStarted.Task.IsCompleted.Should().BeTrue();
        lanes.Pending.Should().Be(0, "a lane is forgotten once its last delivery finished");
    }

    [Fact]
    public async Task Other_aggregates_are_not_held_by_a_slow_one()
    {
        var lanes = new AggregateLanes(slots: 8);
        var slow = new TaskCompletionSource<int>();

        var stuck = lanes.RunAsync(AggregateType.Game, "g-slow", () => slow.Task, CancellationToken.None);
        var sameIdOtherType = lanes.RunAsync(AggregateType.Player, "g-slow", () => Task.FromResult(3), CancellationToken.None);
        var other = lanes.RunAsync(AggregateType.Game, "g-fast", () => Task.FromResult(4), CancellationToken.None);

        (await other.WaitAsync(Deadline)).Should().Be(4);
        (await sameIdOtherType.WaitAsync(Deadline)).Should().Be(3, "a lane is per (type, id)");
        stuck.IsCompleted.Should().BeFalse();
        lanes.Pending.Should().Be(1);
        slow.SetResult(5);
        (await stuck.WaitAsync(Deadline)).Should().Be(5);
    }

    [Fact]
    public async Task Order_holds_for_many_interleaved_deliveries_of_random_duration()
    {
        var lanes = new AggregateLanes(slots: 4);
        var random = new Random(7);
        var seen = new Dictionary<int, List<int>>();
        var running = 0;
        var maxRunning = 0;
        var tasks = new List<Task<int>>();
        for (var n = 0; n < 400; n++)
        {
            var aggregate = random.Next(10);
            var number = n;
            var delay = random.Next(0, 3);
            tasks.Add(lanes.RunAsync(AggregateType.Game, $"g-{aggregate}", async () =>
            {
                var now = Interlocked.Increment(ref running);
                lock (seen)
                {
                    maxRunning = Math.Max(maxRunning, now);
                    (seen.TryGetValue(aggregate, out var list) ? list : seen[aggregate] = []).Add(number);
                }
                await Task.Delay(delay);
                Interlocked.Decrement(ref running);
                return number;
            }, CancellationToken.None));
        }
        await Task.WhenAll(tasks).WaitAsync(Deadline);

        foreach (var (aggregate, numbers) in seen)
            numbers.Should().BeInAscendingOrder($"aggregate {aggregate}'s deliveries run in the order they were enqueued");
        seen.Values.Sum(l => l.Count).Should().Be(400);
        maxRunning.Should().BeLessThanOrEqualTo(4, "at most `slots` deliveries run at once");
        lanes.Pending.Should().Be(0);
    }

    [Fact]
    public async Task A_failed_delivery_fails_the_later_ones_of_its_aggregate_without_running_them()
    {
        var lanes = new AggregateLanes(slots: 2);
        var gate = new TaskCompletionSource<int>();
        var laterRan = false;

        var failing = lanes.RunAsync<int>(AggregateType.Game, "g-1", async () =>
        {
            await gate.Task;
            throw new InvalidOperationException("entity exploded");
        }, CancellationToken.None);
        var later = lanes.RunAsync(AggregateType.Game, "g-1", () =>
        {
            laterRan = true;
            return Task.FromResult(9);
        }, CancellationToken.None);
        var other = lanes.RunAsync(AggregateType.Game, "g-2", () => Task.FromResult(5), CancellationToken.None);
        gate.SetResult(0);

        await FluentActions.Awaiting(() => failing).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => later).Should().ThrowAsync<InvalidOperationException>(
            "an aggregate's later events must never overtake earlier ones that were not delivered");
        laterRan.Should().BeFalse();
        (await other.WaitAsync(Deadline)).Should().Be(5, "other aggregates are not affected");
        lanes.Pending.Should().Be(0);

        // Once the broken lane has emptied, the aggregate starts afresh (the next reader delivers everything again).
        (await lanes.RunAsync(AggregateType.Game, "g-1", () => Task.FromResult(7), CancellationToken.None).WaitAsync(Deadline)).Should().Be(7);
    }

    [Fact]
    public async Task A_cancelled_wait_for_a_slot_frees_the_lane()
    {
        var lanes = new AggregateLanes(slots: 1);
        var hold = new TaskCompletionSource<int>();
        using var cancel = new CancellationTokenSource();

        var holding = lanes.RunAsync(AggregateType.Game, "g-1", () => hold.Task, CancellationToken.None);
        var waiting = lanes.RunAsync(AggregateType.Game, "g-2", () => Task.FromResult(1), cancel.Token);
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        hold.SetResult(0);
        await holding.WaitAsync(Deadline);
        lanes.Pending.Should().Be(0);
    }

    [Fact]
    public async Task A_lane_stays_while_a_later_delivery_waits_in_it_so_a_call_after_the_first_finished_still_queues_behind_the_second()
    {
        var lanes = new AggregateLanes(slots: 8);
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdStarted = false;

        var one = lanes.RunAsync(AggregateType.Game, "g-1", () => first.Task, CancellationToken.None);
        var two = lanes.RunAsync(AggregateType.Game, "g-1", () =>
        {
            secondStarted.SetResult();
            return second.Task;
        }, CancellationToken.None);
        first.SetResult(1);
        await one.WaitAsync(Deadline);
        await secondStarted.Task.WaitAsync(Deadline);

        lanes.Pending.Should().Be(1, "the first delivery finished, the second holds the lane");
        // A fresh lane would run the third at once, inside RunAsync (a slot is free); this one must wait for the second.
        var three = lanes.RunAsync(AggregateType.Game, "g-1", () =>
        {
            thirdStarted = true;
            return Task.FromResult(3);
        }, CancellationToken.None);
        thirdStarted.Should().BeFalse();
        second.SetResult(2);
        (await two.WaitAsync(Deadline)).Should().Be(2);
        (await three.WaitAsync(Deadline)).Should().Be(3);
        lanes.Pending.Should().Be(0);
    }

    [Fact]
    public async Task Slots_below_one_are_one_slot()
    {
        var lanes = new AggregateLanes(slots: 0);
        var hold = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherStarted = false;

        var holding = lanes.RunAsync(AggregateType.Game, "g-1", () => hold.Task, CancellationToken.None);
        var other = lanes.RunAsync(AggregateType.Game, "g-2", () =>
        {
            otherStarted = true;
            return Task.FromResult(2);
        }, CancellationToken.None);

        otherStarted.Should().BeFalse("the one slot is taken by g-1");
        hold.SetResult(1);
        (await holding.WaitAsync(Deadline)).Should().Be(1);
        (await other.WaitAsync(Deadline)).Should().Be(2);
    }
}
