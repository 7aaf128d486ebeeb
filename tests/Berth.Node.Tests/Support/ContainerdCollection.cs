namespace Berth.Node.Tests.Support;

/// <summary>
/// Tests against real containerd run one at a time (they start containerd instances and check that
/// nothing is left behind) and share one <see cref="ManagedRuntimeFixture"/>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainerdCollection : ICollectionFixture<ManagedRuntimeFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "containerd";
}
