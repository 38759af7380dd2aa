// The answer of `journal replay`, run by the CLI itself against the database and shown like any node answer.
using System.Text.Json;

namespace Basketball.Ops;

public sealed record ReplayReport(string PersistenceId, long Version, int Events, object Projection)
{
    public IReadOnlyList<string> Lines() =>
    [
        $"{PersistenceId} replayed from the journal: {Events} events up to version {Version}",
        .. JsonSerializer.Serialize(Projection, Projection.GetType(), OpsJson.Indented).Split('\n'),
    ];
}
