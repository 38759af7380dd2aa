using System.Net.Sockets;
using Basketball.Ingress.Tests.Fixtures;
using Npgsql;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Storage;

// The fixture is infrastructure every PostgreSQL test trusts, so it gets tests of its own.
public sealed class PostgresFixtureTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task The_throw_away_server_starts_answers_and_leaves_nothing_behind()
    {
        var fixture = new PostgresFixture();
        int port;
        string root;
        try
        {
            var connectionString = await fixture.CreateDatabaseAsync();
            port = fixture.Port;
            root = fixture.RootDirectory!;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT current_database()";
            ((string)(await command.ExecuteScalarAsync())!).Should().StartWith("test_");
        }
        finally
        {
            await fixture.DisposeAsync();
        }

        output.WriteLine($"start {fixture.StartupTime.TotalMilliseconds:F0} ms, stop {fixture.ShutdownTime.TotalMilliseconds:F0} ms");
        Directory.Exists(root).Should().BeFalse("the data directory is deleted on dispose");
        using var client = new TcpClient();
        var connect = () => client.ConnectAsync("127.0.0.1", port);
        await connect.Should().ThrowAsync<SocketException>("the server is stopped");
    }

    [Fact]
    public async Task Missing_postgres_binaries_fail_with_a_message_that_says_how_to_fix_or_skip()
    {
        var fixture = new PostgresFixture(diagnostics: null, findBinDirectory: _ => Task.FromResult<string?>(null));

        var create = () => fixture.CreateDatabaseAsync();

        if (PostgresFixture.IsSkipped)
            await create.Should().ThrowAsync<InvalidOperationException>().WithMessage("*BASKETBALL_SKIP_POSTGRES=1 is set*");
        else
            await create.Should().ThrowAsync<InvalidOperationException>()
                .WithMessage("*binaries*not found*BASKETBALL_SKIP_POSTGRES=1*");
        await fixture.DisposeAsync();
    }
}
