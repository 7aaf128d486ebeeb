using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Framework;

/// <summary>Runs a set of controllers together and restarts one that fails, with a delay.</summary>
public sealed class ControllerManager(IEnumerable<IController> controllers, ILogger<ControllerManager> logger)
{
    public IReadOnlyList<IController> Controllers { get; } = controllers.ToList();

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Controllers.Select(c => RunOneAsync(c, cancellationToken)));

    private async Task RunOneAsync(IController controller, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await controller.RunAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "controller {Name} failed; restarting", controller.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
