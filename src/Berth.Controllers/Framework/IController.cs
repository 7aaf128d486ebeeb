namespace Berth.Controllers.Framework;

/// <summary>A controller: runs until cancelled, driving the world toward the declared state.</summary>
public interface IController
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
