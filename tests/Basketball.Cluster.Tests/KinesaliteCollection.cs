// The test collection that shares one kinesalite process in this test project.
namespace Basketball.Cluster.Tests;

[CollectionDefinition(Name)]
public sealed class KinesaliteCollection : ICollectionFixture<KinesaliteFixture>
{
    public const string Name = "kinesalite";
}
