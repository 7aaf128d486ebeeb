namespace Berth.Controllers.Framework;

/// <summary>
/// Kubernetes' slowStartBatch: calls <c>fn</c> <c>count</c> times in batches of 1, 2, 4, … run in parallel,
/// stopping after the first batch with a failure, so a controller that cannot create pods (quota, a bad
/// template) fails after a few calls instead of hundreds.
/// </summary>
public static class SlowStart
{
    public const int InitialBatchSize = 1;

    /// <summary>Returns how many calls were made, how many succeeded, and the first failure (null when all succeeded).</summary>
    public static async Task<(int Attempted, int Successes, Exception? Error)> BatchAsync(int count, Func<int, Task> fn, int initialBatchSize = InitialBatchSize)
    {
        var remaining = count;
        var successes = 0;
        var index = 0;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = Math.Min(2 * batch, remaining))
        {
            var tasks = new Task[batch];
            for (var i = 0; i < batch; i++)
            {
                var n = index++;
                tasks[i] = Task.Run(() => fn(n));
            }
            Exception? error = null;
            foreach (var t in tasks)
            {
                try
                {
                    await t.ConfigureAwait(false);
                    successes++;
                }
                catch (Exception e)
                {
                    error ??= e;
                }
            }
            if (error is not null)
            {
                return (index, successes, error);
            }
            remaining -= batch;
        }
        return (index, successes, null);
    }
}
