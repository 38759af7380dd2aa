// Waiting for a condition with a deadline: the only way tests synchronise with asynchronous work.
namespace Basketball.TestSupport;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then throws with <paramref name="what"/>).</summary>
    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        Until(condition, timeout, () => what, interval);

    /// <summary>As above; <paramref name="what"/> is asked at the deadline, so it can tell the state the condition last saw.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
                last = null;
            }
            catch (Exception ex)
            {
                last = ex;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not reached within {timeout}: {what()}", last);
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, string what) =>
        Until(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Retries <paramref name="assertion"/> until it stops throwing or the deadline passes (then rethrows the last failure).</summary>
    public static async Task Assert(Func<Task> assertion, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
