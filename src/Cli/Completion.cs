// What Tab offers at the prompt, from the catalog the node advertised: palettes, then their commands, then the
// options of the command not typed yet.
using Basketball.Ops;

namespace Basketball.Cli;

public static class Completion
{
    public static readonly string[] ShellWords = ["help", "exit", "quit"];

    /// <param name="before">The line up to the cursor.</param>
    public static IReadOnlyList<string> Candidates(IReadOnlyList<PaletteInfo> catalog, string before)
    {
        var words = InteractiveShell.Split(before).ToList();
        if (before.Length == 0 || char.IsWhiteSpace(before[^1]))
            words.Add(""); // completing a new word
        if (words.Count >= 3 && words[0] == "cluster" && words[1] == "sharding")
            words = ["cluster-sharding", .. words.Skip(2)];

        if (words.Count == 1)
            return [.. catalog.Select(p => p.Name), .. ShellWords];
        if (words[0] == "help")
            return words.Count == 2 ? catalog.Select(p => p.Name).ToArray() : [];

        var palette = catalog.FirstOrDefault(p => p.Name == words[0]);
        if (palette is null)
            return [];
        if (words.Count == 2)
            return palette.Commands.Select(c => c.Name).ToArray();

        var command = palette.Commands.FirstOrDefault(c => c.Name == words[1]);
        if (command is null)
            return [];
        var used = words.Skip(2).ToHashSet(StringComparer.Ordinal);
        return [.. command.Options.Select(o => o.Name).Where(name => !used.Contains(name)), "--json"];
    }
}
