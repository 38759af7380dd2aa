// The journal readers that run as cluster singletons must survive a journal that cannot be resolved yet: an exception
// in a singleton's PreStart stops it, and the ClusterSingletonManager never starts it again (found by the frozen-node
// test on a loaded machine, where resolving the read journal timed out after 5 s). An unknown plugin id makes every
// resolution fail at once; a reader that resolves it inside its restartable stream keeps failing that stream, with
// backoff, while the actor itself lives on.
using Akka.Actor;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.League;
using Basketball.ReadSide.Milestones;
using Basketball.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Milestones;

public sealed class ReaderStartTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output)
{
    private const string Config = """
        akka.loglevel = INFO
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """;

    private const string MissingJournal = "akka.persistence.query.journal.no-such-plugin";

    private readonly TempDirectory _directory = new();

    [Fact]
    public void A_milestone_publisher_whose_read_journal_cannot_be_resolved_keeps_running()
    {
        var database = DatabaseTarget.Parse("sqlite:" + _directory.File("publisher.db"));
        var publisher = Sys.ActorOf(MilestonePublisher.PropsFor(new MilestoneStore(database), new ReaderFence(database), producer: null,
            MissingJournal, NullLogger.Instance));
        Watch(publisher);
        // Resolved in PreStart, the failure stopped the actor within milliseconds; three seconds see several retries.
        ExpectNoMsg(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_league_projector_whose_read_journal_cannot_be_resolved_keeps_running()
    {
        var database = DatabaseTarget.Parse("sqlite:" + _directory.File("league.db"));
        var projector = Sys.ActorOf(LeagueProjector.PropsFor(new LeagueStore(database), new ReaderFence(database), MissingJournal, NullLogger.Instance));
        Watch(projector);
        ExpectNoMsg(TimeSpan.FromSeconds(3));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _directory.Dispose();
    }
}
