// The three faults of a soak and what each one did: when, to whom, for how long, and how the cluster came through.
namespace Basketball.Bench.Soak;

public enum SoakFaultKind
{
    /// <summary>kill -9 of one node; once the survivors read its shards, it is started again and rejoins.</summary>
    Kill,

    /// <summary>SIGSTOP of one node past failure detection, then SIGCONT; it exits (downed) and a new incarnation starts.</summary>
    Freeze,

    /// <summary>The PostgreSQL server stopped, then started again on the same port and data.</summary>
    DatabaseOutage,
}

/// <param name="At">Time into the sending when the fault began.</param>
/// <param name="Victim">The node (index) it hit; null for the database.</param>
/// <param name="Recovery">What the cluster did, in words, with the times measured.</param>
public sealed record SoakFault(SoakFaultKind Kind, TimeSpan At, int? Victim, TimeSpan Lasted, string Recovery);
