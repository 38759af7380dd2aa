// `actor`: the local actor system and its hierarchy, walked through the actor cells themselves (no messages,
// so a busy actor does not hide from the answer).
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Actor.Internal;
using Basketball.Ops;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

public sealed record SystemInfo(
    string Name,
    string Address,
    DateTimeOffset StartedAt,
    TimeSpan Uptime,
    string AkkaVersion,
    string Runtime,
    int Processors,
    long WorkingSetBytes,
    long GcHeapBytes,
    int Threads)
{
    public IReadOnlyList<string> Lines() =>
    [
        $"name: {Name}",
        $"address: {Address}",
        $"started: {StartedAt:yyyy-MM-ddTHH:mm:ssZ} | uptime: {Uptime:d\\.hh\\:mm\\:ss}",
        $"akka: {AkkaVersion} | runtime: {Runtime} | processors: {Processors}",
        $"memory: working set {WorkingSetBytes / (1024 * 1024)} MiB | gc heap {GcHeapBytes / (1024 * 1024)} MiB | threads: {Threads}",
    ];
}

public sealed record ActorHierarchy(string Root, int Depth, IReadOnlyList<string> Paths)
{
    public IReadOnlyList<string> Lines() => [.. Paths, $"Count: {Paths.Count} actors"];
}

public static class ActorPalette
{
    public const int DefaultDepth = 3;

    public static OpsPalette Create(ActorSystem system) =>
        OpsPalette.Of("actor", "the actor system of the node you are connected to",
            Query(Command("system", "name, address, uptime, versions, memory"), () => Info(system)),
            Query(Command("hierarchy", "actor paths, sorted", Opt("-d", $"depth below the start (default {DefaultDepth})"),
                    Opt("-s", "start path, e.g. /user or /system/sharding (default: /)")),
                invocation => Hierarchy(system, invocation.Option("s") ?? "/", invocation.Int("d", DefaultDepth, 1, 32))));

    private static OpsOutput Info(ActorSystem system)
    {
        var process = Process.GetCurrentProcess();
        var akka = typeof(ActorSystem).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var info = new SystemInfo(system.Name, ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)system.StartTime.TotalMilliseconds), system.Uptime,
            akka.Split('+')[0], RuntimeInformation.FrameworkDescription, Environment.ProcessorCount,
            process.WorkingSet64, GC.GetTotalMemory(false), process.Threads.Count);
        return new OpsOutput(info.Lines(), info);
    }

    public static OpsOutput Hierarchy(ActorSystem system, string start, int depth)
    {
        var root = (IActorRef)((ExtendedActorSystem)system).Provider.RootGuardian;
        foreach (var name in start.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var child = root is ActorRefWithCell cell ? cell.GetSingleChild(name) : ActorRefs.Nobody;
            if (child.IsNobody())
                throw OpsCommandException.Failed($"no actor at {start}");
            root = child;
        }

        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(root, depth, paths);
        var hierarchy = new ActorHierarchy(start, depth, paths.ToArray());
        return new OpsOutput(hierarchy.Lines(), hierarchy);
    }

    private static void Walk(IActorRef actor, int depth, SortedSet<string> paths)
    {
        if (depth == 0 || actor is not ActorRefWithCell cell)
            return;
        foreach (var child in cell.Children)
        {
            paths.Add(child.Path.ToStringWithoutAddress());
            Walk(child, depth - 1, paths);
        }
    }
}
