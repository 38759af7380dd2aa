// The journal (Akka.Persistence.Sql) writes to the same SQLite file as the ingress stores. These tests play the
// journal with a raw connection that holds the write lock.
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.DeadLetters;
using Basketball.Storage;
using Microsoft.Data.Sqlite;

namespace Basketball.Ingress.Tests.Storage;

public sealed class SqliteSharingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bb-sharing-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_checkpoint_write_waits_for_another_writers_lock_without_blocking_the_caller()
    {
        var target = DatabaseTarget.Parse("sqlite:shared.db", _directory);
        var store = new SqlCheckpointStore(target);
        var lease = await store.AcquireAsync("s", "shard-1", "node-a");

        await using var journal = await target.OpenConnectionAsync();
        await using var transaction = await journal.BeginTransactionAsync(); // BEGIN IMMEDIATE: holds the write lock
        await using (var write = journal.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE journal_stand_in (x INTEGER)";
            await write.ExecuteNonQueryAsync();
        }

        var save = store.SaveAsync(lease, "42", shardEnd: false);

        save.IsCompleted.Should().BeFalse("the call returns at once while the write waits for the lock");
        var first = await Task.WhenAny(save, Task.Delay(TimeSpan.FromMilliseconds(300)));
        first.Should().NotBeSameAs(save, "the journal still holds the write lock");
        await transaction.CommitAsync();
        await save;
        (await store.GetAsync("s", "shard-1"))!.SequenceNumber.Should().Be("42");
    }

    [Fact]
    public async Task Checkpoints_dead_letters_and_another_table_share_one_file()
    {
        var target = DatabaseTarget.Parse("sqlite:one.db", _directory);
        var checkpoints = new SqlCheckpointStore(target);
        var deadLetters = new DeadLetterStore(target);

        await Task.WhenAll(
            Enumerable.Range(0, 20).Select(async i =>
            {
                var lease = await checkpoints.AcquireAsync("s", $"shard-{i % 4}", $"node-{i}");
                await deadLetters.StoreManyAsync([new DeadLetter("malformed_json", "bad", null, null, "k", $"shard-{i % 4}", $"{i}", [1], DateTimeOffset.UnixEpoch)]);
                return lease;
            }));

        (await checkpoints.ListAsync("s")).Select(c => c.Epoch).Sum().Should().Be(20);
        (await deadLetters.CountAsync()).Should().Be(20);
    }
}
