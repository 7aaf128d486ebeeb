namespace Berth.Node.Tests.Support;

/// <summary>One <see cref="ManagedRuntimeEnvironment"/> for the real-containerd test collection.</summary>
public sealed class ManagedRuntimeFixture : IAsyncLifetime
{
    private ManagedRuntimeEnvironment? _environment;

    /// <summary>The running environment.</summary>
    public ManagedRuntimeEnvironment Environment => _environment ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _environment = await ManagedRuntimeEnvironment.StartAsync(TestContext.Current.CancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}
