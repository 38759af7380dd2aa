// `cluster`: membership as pbm shows it, and the commands that change it.
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Basketball.Ops;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Unreachable, string AppVersion)
{
    public static MemberView Of(Member member, bool unreachable) =>
        new(member.Address.ToString(), member.Roles.Order(StringComparer.Ordinal).ToArray(), member.Status.ToString().ToLowerInvariant(),
            unreachable, member.AppVersion.ToString());

    /// <summary>pbm's line: <c>address | [roles] | status | unreachable-or-blank | appVersion</c>.</summary>
    [JsonIgnore]
    public string Line => $"{Address} | [{string.Join(",", Roles)}] | {Status} | {(Unreachable ? "unreachable" : "")} | {AppVersion}";
}

public sealed record ClusterShow(IReadOnlyList<MemberView> Members)
{
    public int Count => Members.Count;

    public IReadOnlyList<string> Lines() => [.. Members.Select(m => m.Line), $"Count: {Count} nodes"];
}

public sealed record ClusterStatus(string Self, string Status, string? Leader, int Members, int Unreachable)
{
    public IReadOnlyList<string> Lines() =>
    [
        $"{Self} | {Status}",
        $"leader: {Leader ?? "none"}",
        $"members: {Members} | unreachable: {Unreachable}",
    ];
}

public sealed record ClusterChange(string Action, IReadOnlyList<string> Addresses)
{
    public IReadOnlyList<string> Lines() => Addresses.Count == 0
        ? [$"{Action}: nothing to do"]
        : [.. Addresses.Select(a => $"{Action}: {a}"), $"Count: {Addresses.Count} nodes"];
}

public sealed record LeaderView(string? Role, string? Leader)
{
    public IReadOnlyList<string> Lines() => [Leader ?? (Role is null ? "no leader" : $"no leader for role {Role}")];
}

public sealed record MembershipEvent(DateTimeOffset At, string Event, string Address, string? Status)
{
    [JsonIgnore]
    public string Line => $"[{At:yyyy-MM-ddTHH:mm:ss.fffZ}] {Event} {Address}{(Status is null ? "" : $" | {Status}")}";
}

public static class ClusterPalette
{
    public static OpsPalette Create(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        return OpsPalette.Of("cluster", "cluster membership: show, change, follow",
            Query(Command("show", "every member: address | [roles] | status | unreachable | app version"), () => Show(cluster)),
            Query(Command("status", "this node's membership status, the leader, counts"), () => Status(cluster)),
            Query(Command("leader", "the leader (of a role with -r)", Opt("-r", "role")), invocation => Leader(cluster, invocation.Option("r"))),
            Query(Command("join", "make this node join the cluster at an address", Opt("-a", "address akka.tcp://basketball@host:port", required: true)) with { Changes = true },
                invocation => Join(cluster, ParseAddress(invocation.Required("a")))),
            Query(Command("leave", "make a member (this node without -a) leave gracefully", Opt("-a", "member address")) with { Changes = true },
                invocation => Leave(cluster, invocation.Option("a"))),
            Query(Command("down", "mark a member down (it is removed without handing over)", Opt("-a", "member address", required: true)) with { Changes = true },
                invocation => Down(cluster, invocation.Required("a"))),
            Query(Command("down-unreachable", "mark every unreachable member down") with { Changes = true }, () => DownUnreachable(cluster)),
            new OpsCommand(Command("tail", "follow membership and reachability events") with { Streams = true },
                (_, ct) => Tail(system, ct)));
    }

    public static ClusterShow Snapshot(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members.Union(state.Unreachable)
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => MemberView.Of(m, unreachable.Contains(m.UniqueAddress)))
            .ToArray();
        return new ClusterShow(members);
    }

    private static OpsOutput Show(Akka.Cluster.Cluster cluster)
    {
        var show = Snapshot(cluster);
        return new OpsOutput(show.Lines(), show);
    }

    private static OpsOutput Status(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var status = new ClusterStatus(cluster.SelfAddress.ToString(), cluster.SelfMember.Status.ToString().ToLowerInvariant(),
            state.Leader?.ToString(), state.Members.Count, state.Unreachable.Count);
        return new OpsOutput(status.Lines(), status);
    }

    private static OpsOutput Leader(Akka.Cluster.Cluster cluster, string? role)
    {
        var leader = new LeaderView(role, (role is null ? cluster.State.Leader : cluster.State.RoleLeader(role))?.ToString());
        return new OpsOutput(leader.Lines(), leader);
    }

    private static OpsOutput Join(Akka.Cluster.Cluster cluster, Address address)
    {
        cluster.Join(address);
        var change = new ClusterChange("joining", [address.ToString()]);
        return new OpsOutput(change.Lines(), change);
    }

    private static OpsOutput Leave(Akka.Cluster.Cluster cluster, string? address)
    {
        var member = address is null ? cluster.SelfMember : Member(cluster, address);
        cluster.Leave(member.Address);
        var change = new ClusterChange("leaving", [member.Address.ToString()]);
        return new OpsOutput(change.Lines(), change);
    }

    private static OpsOutput Down(Akka.Cluster.Cluster cluster, string address)
    {
        var member = Member(cluster, address);
        cluster.Down(member.Address);
        var change = new ClusterChange("downing", [member.Address.ToString()]);
        return new OpsOutput(change.Lines(), change);
    }

    private static OpsOutput DownUnreachable(Akka.Cluster.Cluster cluster)
    {
        var unreachable = cluster.State.Unreachable.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToArray();
        foreach (var member in unreachable)
            cluster.Down(member.Address);
        var change = new ClusterChange("downing", unreachable.Select(m => m.Address.ToString()).ToArray());
        return new OpsOutput(change.Lines(), change);
    }

    private static Member Member(Akka.Cluster.Cluster cluster, string address)
    {
        var parsed = ParseAddress(address);
        var state = cluster.State;
        return state.Members.Union(state.Unreachable).FirstOrDefault(m => m.Address.Equals(parsed))
               ?? throw OpsCommandException.Failed($"{address} is not a member of this cluster (see `cluster show`)");
    }

    private static Address ParseAddress(string address)
    {
        try
        {
            return Address.Parse(address);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            throw OpsCommandException.Usage($"'{address}' is not an address like akka.tcp://basketball@127.0.0.1:4053");
        }
    }

    private static async IAsyncEnumerable<OpsOutput> Tail(ActorSystem system, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateBounded<MembershipEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(Props.Create(() => new MembershipForwarder(events.Writer)));
        try
        {
            await foreach (var evt in events.Reader.ReadAllAsync(cancellationToken))
                yield return new OpsOutput([evt.Line], evt);
        }
        finally
        {
            forwarder.Tell(PoisonPill.Instance);
        }
    }

    private sealed class MembershipForwarder : ReceiveActor
    {
        public MembershipForwarder(ChannelWriter<MembershipEvent> events)
        {
            Receive<ClusterEvent.IMemberEvent>(e => events.TryWrite(new MembershipEvent(DateTimeOffset.UtcNow, e.GetType().Name,
                e.Member.Address.ToString(), e.Member.Status.ToString().ToLowerInvariant())));
            Receive<ClusterEvent.ReachabilityEvent>(e => events.TryWrite(new MembershipEvent(DateTimeOffset.UtcNow, e.GetType().Name,
                e.Member.Address.ToString(), e.Member.Status.ToString().ToLowerInvariant())));
            Receive<ClusterEvent.LeaderChanged>(e => events.TryWrite(new MembershipEvent(DateTimeOffset.UtcNow, "LeaderChanged",
                e.Leader?.ToString() ?? "none", null)));
            Receive<ClusterEvent.CurrentClusterState>(_ => { });
        }

        protected override void PreStart() =>
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

        protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
