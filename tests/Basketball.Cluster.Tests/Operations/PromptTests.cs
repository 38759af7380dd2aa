// The interactive prompt's pieces that need no terminal: the line editor's keys and history, Tab completion
// from a catalog, and splitting a typed line into words.
using Basketball.Cli;
using Basketball.Cluster.Operations;
using Basketball.Ops;

namespace Basketball.Cluster.Tests.Operations;

public class PromptTests
{
    private static readonly IReadOnlyList<PaletteInfo> Catalog =
    [
        new("cluster", [], "membership", [OpsCatalog.Command("show", "members"), OpsCatalog.Command("status", "status"),
            OpsCatalog.Command("leave", "leave", OpsCatalog.Opt("-a", "address"))]),
        new("cluster-sharding", ["cluster sharding"], "sharding", [OpsCatalog.Command("region-stats", "stats", OpsCatalog.Opt("-r", "type", required: true))]),
        new("journal", [], "journal", [OpsCatalog.JournalReplay]),
    ];

    [Theory]
    [InlineData("", new[] { "cluster", "cluster-sharding", "journal", "help", "exit", "quit" })]
    [InlineData("cluster ", new[] { "show", "status", "leave" })]
    [InlineData("cluster sharding ", new[] { "region-stats" })]
    [InlineData("cluster-sharding region-stats ", new[] { "-r", "--json" })]
    [InlineData("journal replay -p game-1 ", new[] { "--to-seq", "--as-of", "--journal", "--json" })]
    [InlineData("help ", new[] { "cluster", "cluster-sharding", "journal" })]
    [InlineData("nope ", new string[0])]
    public void Completion_offers_what_the_catalog_has_and_was_not_typed_yet(string before, string[] expected) =>
        Completion.Candidates(Catalog, before).Should().BeEquivalentTo(expected);

    [Fact]
    public void Tab_completes_a_unique_word_and_the_common_prefix_of_several()
    {
        var editor = new LineEditor([], before => Completion.Candidates(Catalog, before));
        Type(editor, "clu");
        editor.Handle(Key(ConsoleKey.Tab)).Should().Be(EditOutcome.Continue);
        editor.Buffer.Should().Be("cluster", "the common prefix of cluster and cluster-sharding");
        editor.Handle(Key(ConsoleKey.Tab)).Should().Be(EditOutcome.ShowCandidates);
        editor.Candidates.Should().Equal("cluster", "cluster-sharding");
        Type(editor, " sh");
        editor.Handle(Key(ConsoleKey.Tab));
        editor.Buffer.Should().Be("cluster show ");
        editor.Handle(Key(ConsoleKey.Enter)).Should().Be(EditOutcome.Submit);
    }

    [Fact]
    public void History_goes_back_and_forth_and_keeps_the_draft()
    {
        var history = new List<string> { "cluster show", "cluster status" };
        var editor = new LineEditor(history, _ => []);
        Type(editor, "draft");
        editor.Handle(Key(ConsoleKey.UpArrow));
        editor.Buffer.Should().Be("cluster status");
        editor.Handle(Key(ConsoleKey.UpArrow));
        editor.Buffer.Should().Be("cluster show");
        editor.Handle(Key(ConsoleKey.UpArrow));
        editor.Buffer.Should().Be("cluster show", "the oldest line stays");
        editor.Handle(Key(ConsoleKey.DownArrow));
        editor.Handle(Key(ConsoleKey.DownArrow));
        editor.Buffer.Should().Be("draft");

        editor.Handle(Key(ConsoleKey.LeftArrow));
        editor.Handle(Key(ConsoleKey.Backspace));
        editor.Buffer.Should().Be("drat");
        editor.Cursor.Should().Be(3);
        editor.Handle(Key(ConsoleKey.Enter)).Should().Be(EditOutcome.Submit);
        history.Should().Equal("cluster show", "cluster status", "drat");

        editor.Reset();
        editor.Handle(Key(ConsoleKey.C, control: true)).Should().Be(EditOutcome.Cancel);
        editor.Handle(Key(ConsoleKey.D, control: true)).Should().Be(EditOutcome.EndOfInput);
    }

    [Theory]
    [InlineData("cluster show", new[] { "cluster", "show" })]
    [InlineData("  journal   replay -p 'game-a b' --as-of \"2026-11-24T20:00:00Z\" ", new[] { "journal", "replay", "-p", "game-a b", "--as-of", "2026-11-24T20:00:00Z" })]
    [InlineData("game show ''", new[] { "game", "show", "" })]
    [InlineData("", new string[0])]
    public void A_typed_line_splits_into_words(string line, string[] words) => InteractiveShell.Split(line).Should().Equal(words);

    private static void Type(LineEditor editor, string text)
    {
        foreach (var c in text)
            editor.Handle(new ConsoleKeyInfo(c, c == ' ' ? ConsoleKey.Spacebar : ConsoleKey.A, false, false, false));
    }

    private static ConsoleKeyInfo Key(ConsoleKey key, bool control = false) => new('\0', key, false, false, control);
}
