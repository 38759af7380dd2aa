// What EventParser makes of one raw record.
namespace Basketball.Domain.Events;

public abstract record ParseResult
{
    private ParseResult() { }

    public sealed record Parsed(EventEnvelope Event) : ParseResult;

    public sealed record Invalid(Rejection Rejection) : ParseResult;
}
