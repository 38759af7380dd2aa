// What a journal row holds, for the code that counts events rather than rows (snapshots, replay, the bench).
using Basketball.Domain.Games;
using Basketball.Domain.Players;

namespace Basketball.Domain;

public static class JournalRow
{
    /// <summary>How many events a journal row holds: a batch's count (a Game's delivery, a Player's flush), else one.</summary>
    public static int EventCount(object row) => row switch
    {
        GameEventBatch batch => batch.Events.Length,
        PlayerLineBatch batch => batch.Lines.Length,
        _ => 1,
    };
}
