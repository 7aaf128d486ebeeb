using Berth.Api.Errors;
using Berth.Client.Queue;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Framework;

/// <summary>
/// The worker half of a controller: <paramref name="count"/> loops that take a key from the queue,
/// reconcile it, forget its failures on success and requeue it with rate limiting on failure.
/// </summary>
public static class Workers
{
    public static Task RunAsync(WorkQueue<string> queue, int count, Func<string, CancellationToken, Task> sync, ILogger logger,
        string controller, CancellationToken ct)
    {
        var loops = new Task[count];
        for (var i = 0; i < count; i++)
        {
            loops[i] = Task.Run(() => LoopAsync(queue, sync, logger, controller, ct), CancellationToken.None);
        }
        return Task.WhenAll(loops);
    }

    private static async Task LoopAsync(WorkQueue<string> queue, Func<string, CancellationToken, Task> sync, ILogger logger,
        string controller, CancellationToken ct)
    {
        while (true)
        {
            var (key, ok) = await queue.GetAsync(ct).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
            try
            {
                await sync(key, ct).ConfigureAwait(false);
                queue.Forget(key);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (StatusException e) when (e.Code == 409)
            {
                // A stale cache lost a compare-and-swap: normal, retry soon without noise.
                logger.LogDebug("{Controller}: {Key}: {Message}; retrying", controller, key, e.Message);
                queue.AddRateLimited(key);
            }
            catch (Exception e)
            {
                logger.LogInformation("{Controller}: sync of {Key} failed ({Requeues} before): {Message}", controller, key, queue.Requeues(key), e.Message);
                logger.LogDebug(e, "{Controller}: sync of {Key} failed", controller, key);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }
}
