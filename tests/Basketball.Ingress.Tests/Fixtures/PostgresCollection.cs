// The test collection that shares one throw-away PostgreSQL server.
using Basketball.TestSupport;

namespace Basketball.Ingress.Tests.Fixtures;

/// <summary>One PostgreSQL server shared by every test class in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
