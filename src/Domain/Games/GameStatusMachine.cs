// The game status machine of SPEC §3.
using Basketball.Domain.Events;

namespace Basketball.Domain.Games;

public static class GameStatusMachine
{
    public static bool Allows(GameStatus from, GameStatus to) => (from, to) switch
    {
        (GameStatus.Scheduled, GameStatus.InProgress or GameStatus.Cancelled) => true,
        (GameStatus.InProgress, GameStatus.Halftime or GameStatus.Suspended or GameStatus.Completed) => true,
        (GameStatus.Halftime, GameStatus.InProgress) => true,
        (GameStatus.Suspended, GameStatus.InProgress or GameStatus.Cancelled) => true,
        _ => false,
    };
}
