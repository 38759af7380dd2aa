using Basketball.TestSupport;

namespace Basketball.Shards.Tests.Entities;

public class NodeSmokeTests
{
    [Fact]
    public async Task A_node_on_a_fresh_sqlite_file_becomes_ready()
    {
        using var dir = new TempDirectory();
        await using var node = await InProcessNode.StartAsync($"sqlite:{dir.File("b.db")}");
        var response = await node.Http.GetAsync("/health/ready");
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
    }
}
