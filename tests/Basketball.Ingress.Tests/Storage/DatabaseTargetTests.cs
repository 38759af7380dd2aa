using Basketball.Ingress.Tests.Fixtures;
using Basketball.Storage;
using Microsoft.Data.Sqlite;

namespace Basketball.Ingress.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class DatabaseTargetTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bb-target-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_relative_sqlite_path_is_resolved_against_the_base_directory_and_its_folder_created()
    {
        var target = DatabaseTarget.Parse("sqlite:data/nested/basketball.db", _directory);

        target.Kind.Should().Be(DatabaseKind.Sqlite);
        target.SqlitePath.Should().Be(Path.Combine(_directory, "data", "nested", "basketball.db"));
        Directory.Exists(Path.Combine(_directory, "data", "nested")).Should().BeTrue();
        new SqliteConnectionStringBuilder(target.ConnectionString).DataSource.Should().Be(target.SqlitePath);
        target.AkkaSqlProviderName.Should().Be("SQLite.MS");
    }

    [Fact]
    public void An_absolute_sqlite_path_is_kept()
    {
        var path = Path.Combine(_directory, "abs.db");

        DatabaseTarget.Parse($"sqlite:{path}", "/somewhere/else").SqlitePath.Should().Be(path);
    }

    [Fact]
    public void A_postgres_connection_string_is_kept_in_npgsql_form()
    {
        var target = DatabaseTarget.Parse("postgres:Host=db.internal;Port=5433;Database=basketball;Username=app;Password=s3cret");

        target.Kind.Should().Be(DatabaseKind.Postgres);
        target.ConnectionString.Should().Contain("Host=db.internal").And.Contain("Port=5433").And.Contain("Database=basketball");
        target.SqlitePath.Should().BeNull();
        target.AkkaSqlProviderName.Should().Be("PostgreSQL.15");
        target.ToString().Should().NotContain("s3cret", "descriptions go to logs");
    }

    [Theory]
    [InlineData("")]
    [InlineData("basketball.db")]
    [InlineData("mysql:Server=x")]
    [InlineData("sqlite:")]
    [InlineData("postgres:")]
    [InlineData("postgres:NoSuchKeyword=1;Host=x")]
    [InlineData("postgres:Database=basketball")]
    public void Anything_else_is_refused_with_a_message_naming_the_variable(string value)
    {
        var parse = () => DatabaseTarget.Parse(value, _directory);

        parse.Should().Throw<FormatException>().WithMessage("*BASKETBALL_JOURNAL*");
    }

    [Fact]
    public async Task Sqlite_connections_use_wal_and_a_busy_timeout()
    {
        var target = DatabaseTarget.Parse("sqlite:wal.db", _directory);

        await using var connection = await target.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        (await command.ExecuteScalarAsync()).Should().Be("wal");
        command.CommandText = "PRAGMA busy_timeout";
        (await command.ExecuteScalarAsync()).Should().Be(5000L);
    }

    [PostgresFact]
    public async Task A_postgres_target_opens_connections_to_the_named_server()
    {
        var target = DatabaseTarget.Parse($"postgres:{await postgres.CreateDatabaseAsync()}");

        await using var connection = target.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('server_version_num')::int / 10000";
        (await command.ExecuteScalarAsync()).Should().BeOfType<int>().Which.Should().BeGreaterThanOrEqualTo(12);
    }

    [PostgresFact]
    public async Task A_postgres_session_idle_in_a_transaction_is_ended_after_10_s_unless_the_connection_string_says_otherwise()
    {
        // A node frozen in the middle of a transaction must not hold its row locks through the takeover of its shards.
        var database = await postgres.CreateDatabaseAsync();
        (await SettingAsync(DatabaseTarget.Parse($"postgres:{database}"))).Should().Be("10s");
        (await SettingAsync(DatabaseTarget.Parse($"postgres:{database};Options=-c idle_in_transaction_session_timeout=3s"))).Should().Be("3s");

        static async Task<string> SettingAsync(DatabaseTarget target)
        {
            await using var connection = await target.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SHOW idle_in_transaction_session_timeout";
            return (string)(await command.ExecuteScalarAsync())!;
        }
    }
}
