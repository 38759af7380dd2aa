// The journal's query by tag, resolved when a reader's stream (re)starts, not when its actor starts. The first
// resolution waits for the write journal to answer (Akka gives it 5 s); on a loaded start it can take longer, and an
// exception in a singleton's PreStart stops the singleton for good (the ClusterSingletonManager does not start it
// again): a node whose milestone publisher or league projector never ran. Resolved inside the restartable source,
// a slow journal is one more failure the reader retries with backoff.
using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;

namespace Basketball.ReadSide.Journal;

public sealed class TagQuery(ActorSystem system, string readJournalPluginId)
{
    private IEventsByTagQuery? _journal;

    /// <summary>The rows tagged <paramref name="tag"/> after <paramref name="offset"/>, live; fails (for the caller's restart) while the journal cannot be resolved.</summary>
    public Source<EventEnvelope, NotUsed> EventsByTag(string tag, long offset) =>
        Source.FromTask(ResolveAsync()).ConcatMany(journal => journal.EventsByTag(tag, Offset.Sequence(offset)));

    // Off the caller's thread: the resolution blocks while it waits for the journal. (Two racing resolutions get the
    // same instance: PersistenceQuery keeps one per plugin.)
    private async Task<IEventsByTagQuery> ResolveAsync() =>
        _journal ??= await Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<IEventsByTagQuery>(readJournalPluginId));
}
