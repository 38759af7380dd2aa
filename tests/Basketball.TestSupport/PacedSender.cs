// Puts a simulated season's records to Kinesis at an even pace, whatever the nodes are going through meanwhile (a
// freeze, a crash, a database outage): records keep arriving, as they would from real producers.
using System.Diagnostics;
using Basketball.Kinesis;
using Basketball.Simulator;

namespace Basketball.TestSupport;

public sealed class PacedSender(KinesisProducer producer, IReadOnlyList<SimulatedRecord> plan, TimeSpan duration)
{
    private int _sent;

    /// <summary>Records put so far (accepted by Kinesis).</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Sends the whole plan in about <c>duration</c>: 200 calls or one every 100 ms, whichever is more.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var calls = Math.Max(200, (int)(duration.TotalMilliseconds / 100));
        var chunks = plan.Chunk(Math.Max(1, (plan.Count + calls - 1) / calls)).ToList();
        var pace = duration / chunks.Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < chunks.Count; i++)
        {
            var result = await producer.PutAsync(chunks[i].Select(r => (r.PartitionKey, (ReadOnlyMemory<byte>)r.Data)).ToList(), cancellationToken);
            if (result.Records.FirstOrDefault(r => !r.Succeeded) is { } failed)
                throw new InvalidOperationException($"Kinesis did not accept a record: {failed.ErrorCode} {failed.ErrorMessage}");
            Interlocked.Add(ref _sent, chunks[i].Length);
            if (pace * (i + 1) - clock.Elapsed is { Ticks: > 0 } wait)
                await Task.Delay(wait, cancellationToken); // the send rate, not synchronisation
        }
    }
}
