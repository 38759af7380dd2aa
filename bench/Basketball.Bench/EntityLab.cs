// Game and Player entities in a plain local actor system on a SQL journal: no cluster, no sharding, no
// ingress, so that recovery time and memory are the entities' own.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Basketball.Cluster.Configuration;
using Basketball.Domain;
using Basketball.Shards.Entities;
using Basketball.Shards.Serialization;
using Basketball.Storage;

namespace Basketball.Bench;

public sealed class EntityLab : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private EntityLab(ActorSystem system, BasketballSettings settings)
    {
        System = system;
        Settings = settings;
        Players = system.ActorOf(Props.Create(() => new LocalRegion(id => PlayerEntity.PropsFor(id, settings, EntityOptions.Default))), "players");
        Games = system.ActorOf(Props.Create(() => new LocalRegion(id => GameEntity.PropsFor(id, Players, settings, EntityOptions.Default))), "games");
    }

    public ActorSystem System { get; }

    public BasketballSettings Settings { get; }

    /// <summary>Routes <see cref="IWithAggregateId"/> messages to a child entity per aggregate, started on demand.</summary>
    public IActorRef Games { get; }

    public IActorRef Players { get; }

    public static EntityLab Start(DatabaseTarget database, int snapshotEvery = 100)
    {
        PersistenceConfiguration.Prepare(database);
        var config = PersistenceConfiguration.For(database)
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = local
                akka.persistence.journal.plugin = "akka.persistence.journal.sql"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
                akka.persistence.journal.sql { table-mapping = default, tag-write-mode = Csv, auto-initialize = on, batch-size = 100, db-round-trip-max-batch-size = 1000 }
                akka.persistence.snapshot-store.sql { table-mapping = default, auto-initialize = on }
                """))
            .WithFallback(BasketballSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return new EntityLab(ActorSystem.Create("basketball-bench", PersistenceConfiguration.SystemSetup(database, config)), BasketballSettings.Default with { SnapshotEvery = snapshotEvery });
    }

    /// <summary>A separate entity, started outside the regions (recovery timing).</summary>
    public IActorRef StartGame(string gameId, string name) =>
        System.ActorOf(GameEntity.PropsFor(gameId, Players, Settings, EntityOptions.Default), name);

    public async ValueTask DisposeAsync() => await System.Terminate();

    private sealed class LocalRegion : ReceiveActor
    {
        public LocalRegion(Func<string, Props> props)
        {
            Receive<IWithAggregateId>(message =>
            {
                var name = Uri.EscapeDataString(message.AggregateId);
                var child = Context.Child(name);
                if (child.IsNobody())
                    child = Context.ActorOf(props(message.AggregateId), name);
                child.Forward(message);
            });
            Receive<Passivate>(passivate => Sender.Tell(passivate.StopMessage));
        }
    }
}
