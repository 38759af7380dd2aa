// The test collection that shares one kinesalite: tests in it run one class at a time against the same process.
using Basketball.TestSupport;

namespace Basketball.Ingress.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class KinesaliteCollection : ICollectionFixture<KinesaliteFixture>
{
    public const string Name = "kinesalite";
}
