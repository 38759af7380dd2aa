// A small line editor for the interactive prompt: cursor movement, history (↑/↓) and Tab completion. No line
// editing library is served here, so this is ours; it only maps keys to a buffer, the shell draws it.
namespace Basketball.Cli;

public enum EditOutcome
{
    Continue,
    Submit,
    /// <summary>Ctrl+C: the line is dropped.</summary>
    Cancel,
    /// <summary>Ctrl+D on an empty line.</summary>
    EndOfInput,
    /// <summary>Tab with several candidates and nothing more in common: show <see cref="LineEditor.Candidates"/>.</summary>
    ShowCandidates,
}

public sealed class LineEditor
{
    private readonly List<string> _history;
    private readonly Func<string, IReadOnlyList<string>> _complete;
    private int _historyIndex;
    private string _draft = "";

    /// <param name="history">Earlier lines, oldest first; submitted lines are added to it.</param>
    /// <param name="complete">Candidates for the word that ends the given text (the text before the cursor).</param>
    public LineEditor(List<string> history, Func<string, IReadOnlyList<string>> complete)
    {
        _history = history;
        _complete = complete;
        _historyIndex = history.Count;
    }

    public string Buffer { get; private set; } = "";

    public int Cursor { get; private set; }

    public IReadOnlyList<string> Candidates { get; private set; } = [];

    public void Reset()
    {
        Buffer = "";
        Cursor = 0;
        _historyIndex = _history.Count;
        _draft = "";
    }

    public EditOutcome Handle(ConsoleKeyInfo key)
    {
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                if (Buffer.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != Buffer))
                    _history.Add(Buffer);
                return EditOutcome.Submit;
            case ConsoleKey.C when control:
                return EditOutcome.Cancel;
            case ConsoleKey.D when control:
                return Buffer.Length == 0 ? EditOutcome.EndOfInput : EditOutcome.Continue;
            case ConsoleKey.Backspace when Cursor > 0:
                Buffer = Buffer.Remove(Cursor - 1, 1);
                Cursor--;
                break;
            case ConsoleKey.Delete when Cursor < Buffer.Length:
                Buffer = Buffer.Remove(Cursor, 1);
                break;
            case ConsoleKey.LeftArrow when Cursor > 0:
                Cursor--;
                break;
            case ConsoleKey.RightArrow when Cursor < Buffer.Length:
                Cursor++;
                break;
            case ConsoleKey.Home or ConsoleKey.A when key.Key == ConsoleKey.Home || control:
                Cursor = 0;
                break;
            case ConsoleKey.End or ConsoleKey.E when key.Key == ConsoleKey.End || control:
                Cursor = Buffer.Length;
                break;
            case ConsoleKey.UpArrow when _historyIndex > 0:
                if (_historyIndex == _history.Count)
                    _draft = Buffer;
                Show(_history[--_historyIndex]);
                break;
            case ConsoleKey.DownArrow when _historyIndex < _history.Count:
                _historyIndex++;
                Show(_historyIndex == _history.Count ? _draft : _history[_historyIndex]);
                break;
            case ConsoleKey.Tab:
                return Complete();
            default:
                if (!char.IsControl(key.KeyChar))
                {
                    Buffer = Buffer.Insert(Cursor, key.KeyChar.ToString());
                    Cursor++;
                }
                break;
        }
        return EditOutcome.Continue;
    }

    private EditOutcome Complete()
    {
        var before = Buffer[..Cursor];
        var wordStart = before.LastIndexOf(' ') + 1;
        var word = before[wordStart..];
        var candidates = _complete(before).Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToArray();
        Candidates = candidates;
        if (candidates.Length == 0)
            return EditOutcome.Continue;

        var completion = candidates.Length == 1 ? candidates[0] + " " : CommonPrefix(candidates);
        if (completion.Length > word.Length)
        {
            Buffer = Buffer[..wordStart] + completion + Buffer[Cursor..];
            Cursor = wordStart + completion.Length;
            return EditOutcome.Continue;
        }
        return candidates.Length > 1 ? EditOutcome.ShowCandidates : EditOutcome.Continue;
    }

    private void Show(string line)
    {
        Buffer = line;
        Cursor = line.Length;
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var prefix = words[0];
        foreach (var word in words.Skip(1))
        {
            var length = 0;
            while (length < prefix.Length && length < word.Length && prefix[length] == word[length])
                length++;
            prefix = prefix[..length];
        }
        return prefix;
    }
}
