namespace Berth.Integration;

/// <summary>One Berth server shared by the tests of a collection; each test works in its own namespace.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public BerthServer Server { get; private set; } = null!;
    public Kubectl Kubectl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await BerthServer.StartAsync();
        Kubectl = new Kubectl(Server.Kubeconfig);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        var ns = prefix + "-" + Guid.NewGuid().ToString("n")[..6];
        (await Kubectl.RunAsync("create", "namespace", ns)).Ok();
        return ns;
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
