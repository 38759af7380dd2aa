// The databases the SQL stores are tested against: a temp SQLite file, and a fresh schema on the throw-away
// PostgreSQL server (left out of the theory data when BASKETBALL_SKIP_POSTGRES=1).
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Storage;
using Microsoft.Data.Sqlite;

namespace Basketball.Ingress.Tests.Storage;

public sealed class TestDatabases(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bb-sqlite-").FullName;

    public static TheoryData<DatabaseKind> Kinds
    {
        get
        {
            var kinds = new TheoryData<DatabaseKind> { DatabaseKind.Sqlite };
            if (!PostgresFixture.IsSkipped)
                kinds.Add(DatabaseKind.Postgres);
            return kinds;
        }
    }

    /// <summary>An empty database of the given kind, private to the caller.</summary>
    public async Task<DatabaseTarget> CreateAsync(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Sqlite => DatabaseTarget.Parse($"sqlite:{Path.Combine(_directory, Guid.NewGuid().ToString("N"), "test.db")}"),
        DatabaseKind.Postgres => DatabaseTarget.Parse($"postgres:{await postgres.CreateSchemaAsync()}"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
