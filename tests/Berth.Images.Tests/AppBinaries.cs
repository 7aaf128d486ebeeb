[assembly: AssemblyFixture(typeof(Berth.Images.Tests.AppBinaries))]

namespace Berth.Images.Tests;

/// <summary>
/// The myapp and pause binaries, compiled once per test run by <c>images/build.sh --binaries-only</c> into a
/// temporary directory (removed afterwards).
/// </summary>
public sealed class AppBinaries : IAsyncLifetime
{
    private readonly string _dir = Shell.TempDirectory("berth-images-bin");

    public string MyApp => Path.Combine(_dir, "bin", "myapp");
    public string Pause => Path.Combine(_dir, "bin", "pause");

    public async ValueTask InitializeAsync() =>
        (await Shell.ScriptAsync("build.sh", "--binaries-only", "--out", _dir)).Ok();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
