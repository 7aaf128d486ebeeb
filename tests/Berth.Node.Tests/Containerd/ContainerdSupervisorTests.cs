using Berth.Node.Containerd;
using Berth.Node.Cri;
using Berth.Node.Tests.Support;

namespace Berth.Node.Tests.Containerd;

/// <summary>The supervisor starting, restarting and stopping the real containerd binary (root).</summary>
[Collection(ContainerdCollection.Name)]
public sealed class ContainerdSupervisorTests(ManagedRuntimeFixture fixture) : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("berth-sv-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_FreshDataDirectory_CriAnswersAndStartTimeIsMeasured()
    {
        await using var supervisor = new ContainerdSupervisor(Options());

        await supervisor.StartAsync(Ct);

        using var client = new CriClient(supervisor.Endpoint);
        Assert.Equal("containerd", (await client.VersionAsync(cancellationToken: Ct)).RuntimeName);
        Assert.InRange(supervisor.LastStartDuration, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30));
        Assert.Equal(supervisor.ProcessId.ToString(), File.ReadAllText(supervisor.Options.PidPath));
        Assert.Equal(Cgroups.DetectVersion(), supervisor.CgroupVersion);
        TestContext.Current.SendDiagnosticMessage($"containerd {supervisor.RuntimeVersion} ready in {supervisor.LastStartDuration.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Supervise_ContainerdKilled_IsRestartedAndAnswersAgain()
    {
        await using var supervisor = new ContainerdSupervisor(Options() with { InitialRestartBackoff = TimeSpan.FromMilliseconds(50) });
        await supervisor.StartAsync(Ct);
        var firstPid = supervisor.ProcessId!.Value;

        await Tool.RunAsync("kill", ["-KILL", firstPid.ToString()], Ct);

        await PollAsync(() => supervisor.RestartCount == 1 && supervisor.ProcessId is { } pid && pid != firstPid);
        using var client = new CriClient(supervisor.Endpoint);
        Assert.Equal("containerd", (await client.VersionAsync(cancellationToken: Ct)).RuntimeName);
    }

    [Fact]
    public async Task StopAsync_Running_TerminatesThePidAndIsIdempotent()
    {
        var supervisor = new ContainerdSupervisor(Options());
        await supervisor.StartAsync(Ct);
        var pid = supervisor.ProcessId!.Value;

        await supervisor.StopAsync(Ct);
        await supervisor.StopAsync(Ct);

        Assert.False(Directory.Exists($"/proc/{pid}"), $"containerd pid {pid} still exists");
        Assert.Null(supervisor.ProcessId);
        Assert.False(File.Exists(supervisor.Options.PidPath));
        using var client = new CriClient(supervisor.Endpoint, new CriClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, (await Assert.ThrowsAsync<CriException>(() => client.VersionAsync(cancellationToken: Ct))).StatusCode);
    }

    [Fact]
    public async Task StartAsync_ContainerdLeftByEarlierAgent_StopsItAndStartsFresh()
    {
        // The first supervisor plays an agent that died: it never restarts what it loses.
        await using var earlier = new ContainerdSupervisor(Options() with { InitialRestartBackoff = TimeSpan.FromHours(1) });
        await earlier.StartAsync(Ct);
        var leftoverPid = earlier.ProcessId!.Value;
        await using var later = new ContainerdSupervisor(Options());

        await later.StartAsync(Ct);

        Assert.NotEqual(leftoverPid, later.ProcessId);
        Assert.False(Directory.Exists($"/proc/{leftoverPid}") && File.ReadAllText($"/proc/{leftoverPid}/cmdline").Length > 0);
        using var client = new CriClient(later.Endpoint);
        await client.VersionAsync(cancellationToken: Ct);
    }

    [Fact]
    public async Task StartAsync_BinaryMissing_FailsWithInstallHint()
    {
        await using var supervisor = new ContainerdSupervisor(Options() with { ContainerdPath = "/nonexistent/containerd" });

        var e = await Assert.ThrowsAsync<ContainerdStartException>(() => supervisor.StartAsync(Ct));

        Assert.Contains("install-deps.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_BrokenConfig_FailsWithContainerdsLog()
    {
        await using var supervisor = new ContainerdSupervisor(Options() with { LogLevel = "nonsense" });

        var e = await Assert.ThrowsAsync<ContainerdStartException>(() => supervisor.StartAsync(Ct));

        Assert.Contains("exited with code", e.Message, StringComparison.Ordinal);
        Assert.Contains("nonsense", e.Message, StringComparison.Ordinal);
        Assert.Null(supervisor.ProcessId);
    }

    [Fact]
    public async Task Connection_ExistingEndpoint_IsUsedAndLeftRunning()
    {
        var existing = fixture.Environment.Supervisor;

        await using (var connection = await ContainerRuntimeConnection.StartAsync(existing.Endpoint, Options(), cancellationToken: Ct))
        {
            Assert.Null(connection.Supervisor);
            Assert.Equal("containerd", connection.Version.RuntimeName);
        }

        Assert.NotNull(existing.ProcessId);
        await fixture.Environment.Client.VersionAsync(cancellationToken: Ct);
        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "containerd")), "an existing endpoint must not start a managed containerd");
    }

    [Fact]
    public async Task Connection_NoEndpoint_StartsAndStopsManagedContainerd()
    {
        int pid;
        await using (var connection = await ContainerRuntimeConnection.StartAsync(null, Options(), cancellationToken: Ct))
        {
            Assert.NotNull(connection.Supervisor);
            pid = connection.Supervisor.ProcessId!.Value;
            Assert.Equal("unix://" + Options().SocketPath, connection.Endpoint);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    public void Dispose()
    {
        if (ManagedRuntimeEnvironment.MountsUnder(_dataDirectory).Count == 0)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private ContainerdOptions Options() => new() { DataDirectory = _dataDirectory, StopTimeout = TimeSpan.FromSeconds(5) };

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(20, Ct);
        }
    }
}
