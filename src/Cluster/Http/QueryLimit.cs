// The `limit` query parameter of the list endpoints, and how a request's text is quoted back in an error: one rule for
// every endpoint, so no list answers an unbounded number of rows and no error message echoes a megabyte.
using System.Globalization;

namespace Basketball.Cluster.Http;

public static class QueryLimit
{
    /// <summary>The most rows a list answers (milestones, dead letters, leaders; the CLI's `-n` too): the newest rows are what a
    /// list is for. Dead letters are also bounded by the record bytes they hold (DeadLetterStore.MaxAnswerDataBytes).</summary>
    public const int Max = 1000;

    /// <summary>Reads <paramref name="text"/> (the raw query value; null when absent) as a whole number 1..<paramref name="max"/>.</summary>
    /// <returns>null when it is one, else the 400 answer.</returns>
    public static IResult? TryRead(string? text, int defaultLimit, out int limit, int max = Max)
    {
        limit = defaultLimit;
        if (text is null)
            return null;
        // ASCII digits only: int.TryParse also takes trailing NULs ("5%00" is 5) and, with other styles, blanks and signs.
        if (text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max)
            return null;
        limit = defaultLimit;
        return Results.BadRequest(new ErrorBody("invalid_limit", $"limit must be a whole number from 1 to {max}, not '{Quote(text)}'"));
    }

    /// <summary>Request text as an error message shows it: at most 64 characters.</summary>
    public static string Quote(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
