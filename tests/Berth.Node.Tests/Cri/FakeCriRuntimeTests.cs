using Berth.Node.Cri;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Node.Tests.Cri;

public sealed class FakeCriRuntimeTests
{
    private const string Busybox = "docker.io/library/busybox:latest";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeCriRuntime _runtime;

    public FakeCriRuntimeTests() => _runtime = new FakeCriRuntime([Busybox], _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunPodSandbox_NewPod_IsReadyWithAnIp()
    {
        var id = await _runtime.RunPodSandboxAsync(SandboxConfig("web-0"), cancellationToken: Ct);

        var status = (await _runtime.PodSandboxStatusAsync(id, cancellationToken: Ct)).Status;
        Assert.Equal(PodSandboxState.SandboxReady, status.State);
        Assert.StartsWith("10.88.", status.Network.Ip, StringComparison.Ordinal);
        Assert.Equal("web-0", status.Metadata.Name);
        Assert.Equal("v", status.Labels["app"]);
        Assert.True(status.CreatedAt > 0);
    }

    [Fact]
    public async Task RunPodSandbox_SameNameAndAttemptTwice_FailsLikeContainerd()
    {
        await _runtime.RunPodSandboxAsync(SandboxConfig("web-0"), cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<CriException>(() => _runtime.RunPodSandboxAsync(SandboxConfig("web-0"), cancellationToken: Ct));
        Assert.Contains("is reserved for", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerLifecycle_CreateStartStop_MovesThroughStatesWithTimesAndExitCode()
    {
        var (_, containerId) = await RunPodAsync("web-0");
        var created = (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerCreated, created.State);
        Assert.Equal("/var/log/pods/default_web-0_uid-web-0/app/0.log", created.LogPath);

        await _runtime.StartContainerAsync(containerId, Ct);
        _time.Advance(TimeSpan.FromSeconds(5));
        var running = (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerRunning, running.State);
        Assert.True(running.StartedAt > 0);

        await _runtime.StopContainerAsync(containerId, TimeSpan.FromSeconds(30), Ct);
        var exited = (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerExited, exited.State);
        Assert.Equal(143, exited.ExitCode);
        Assert.Equal("Error", exited.Reason);
        Assert.Equal(5_000_000_000, exited.FinishedAt - exited.StartedAt);
    }

    [Fact]
    public async Task StopContainer_NoGracePeriod_RecordsSigkillExitCode()
    {
        var (_, containerId) = await RunPodAsync("web-0", start: true);

        await _runtime.StopContainerAsync(containerId, TimeSpan.Zero, Ct);

        Assert.Equal(137, (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status.ExitCode);
    }

    [Fact]
    public async Task StopPodSandbox_RunningContainers_KillsThemAndReleasesTheIp()
    {
        var (sandboxId, containerId) = await RunPodAsync("web-0", start: true);

        await _runtime.StopPodSandboxAsync(sandboxId, Ct);
        await _runtime.StopPodSandboxAsync(sandboxId, Ct); // idempotent

        var sandbox = (await _runtime.PodSandboxStatusAsync(sandboxId, cancellationToken: Ct)).Status;
        Assert.Equal(PodSandboxState.SandboxNotready, sandbox.State);
        Assert.Equal("", sandbox.Network.Ip);
        var container = (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerExited, container.State);
        Assert.Equal(137, container.ExitCode);
    }

    [Fact]
    public async Task RemovePodSandbox_RemovesContainersAndFreesTheName()
    {
        var (sandboxId, containerId) = await RunPodAsync("web-0", start: true);

        await _runtime.RemovePodSandboxAsync(sandboxId, Ct);
        await _runtime.RemovePodSandboxAsync(sandboxId, Ct); // idempotent

        Assert.Empty(await _runtime.ListPodSandboxAsync(cancellationToken: Ct));
        Assert.Empty(await _runtime.ListContainersAsync(cancellationToken: Ct));
        var e = await Assert.ThrowsAsync<CriException>(() => _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct));
        Assert.True(e.IsNotFound);
        await _runtime.RunPodSandboxAsync(SandboxConfig("web-0"), cancellationToken: Ct);
    }

    [Fact]
    public async Task UnknownIds_StatusAndStopAreNotFound_RemoveSucceeds()
    {
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<CriException>(() => _runtime.PodSandboxStatusAsync("nope", cancellationToken: Ct))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<CriException>(() => _runtime.StopPodSandboxAsync("nope", Ct))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<CriException>(() => _runtime.StopContainerAsync("nope", TimeSpan.Zero, Ct))).StatusCode);
        await _runtime.RemoveContainerAsync("nope", Ct);
        await _runtime.RemovePodSandboxAsync("nope", Ct);
    }

    [Fact]
    public async Task CreateContainer_ImageNotPresent_IsNotFound()
    {
        var config = SandboxConfig("web-0");
        var sandboxId = await _runtime.RunPodSandboxAsync(config, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<CriException>(() => _runtime.CreateContainerAsync(sandboxId, ContainerConfig("app", "nginx:alpine"), config, Ct));

        Assert.True(e.IsNotFound);
        Assert.Contains("nginx:alpine", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullImage_ShortName_IsFoundByItsNormalizedName()
    {
        var imageRef = await _runtime.PullImageAsync(new ImageSpec { Image = "mycompany/myapp:v1.2.3" }, cancellationToken: Ct);

        var image = await _runtime.ImageStatusAsync(new ImageSpec { Image = "docker.io/mycompany/myapp:v1.2.3" }, Ct);
        Assert.NotNull(image);
        Assert.Equal(imageRef, image.Id);
        Assert.Contains("docker.io/mycompany/myapp:v1.2.3", image.RepoTags);
        Assert.Null(await _runtime.ImageStatusAsync(new ImageSpec { Image = "mycompany/other" }, Ct));
    }

    [Fact]
    public async Task PullImage_ScriptedFailure_Throws()
    {
        _runtime.FailPull("mycompany/missing:v1", StatusCode.NotFound, "manifest unknown");

        var e = await Assert.ThrowsAsync<CriException>(() => _runtime.PullImageAsync(new ImageSpec { Image = "mycompany/missing:v1" }, cancellationToken: Ct));

        Assert.True(e.IsNotFound);
        Assert.Contains("manifest unknown", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecSync_Echo_ReturnsOutput_AndHandlerOverrides()
    {
        var (_, containerId) = await RunPodAsync("web-0", start: true);

        var echo = await _runtime.ExecSyncAsync(containerId, ["echo", "hi"], TimeSpan.FromSeconds(1), Ct);
        Assert.Equal("hi\n", echo.Stdout.ToStringUtf8());
        Assert.Equal(3, (await _runtime.ExecSyncAsync(containerId, ["sh", "-c", "exit 3"], TimeSpan.Zero, Ct)).ExitCode);

        _runtime.ExecSyncHandler = (status, cmd) => cmd[0] == "check" ? new ExecSyncResponse { ExitCode = 7 } : null;
        Assert.Equal(7, (await _runtime.ExecSyncAsync(containerId, ["check"], TimeSpan.Zero, Ct)).ExitCode);
        Assert.Equal(1, (await _runtime.ExecSyncAsync(containerId, ["false"], TimeSpan.Zero, Ct)).ExitCode);
    }

    [Fact]
    public async Task ExecSync_ContainerNotRunning_Fails()
    {
        var (_, containerId) = await RunPodAsync("web-0");

        await Assert.ThrowsAsync<CriException>(() => _runtime.ExecSyncAsync(containerId, ["echo"], TimeSpan.Zero, Ct));
    }

    [Fact]
    public async Task ExitOnStart_CrashingContainer_ExitsWithItsCode()
    {
        _runtime.ExitOnStart = c => c.Metadata.Name == "crash" ? 1 : null;
        var config = SandboxConfig("web-0");
        var sandboxId = await _runtime.RunPodSandboxAsync(config, cancellationToken: Ct);
        var id = await _runtime.CreateContainerAsync(sandboxId, ContainerConfig("crash", Busybox), config, Ct);

        await _runtime.StartContainerAsync(id, Ct);

        var status = (await _runtime.ContainerStatusAsync(id, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(1, status.ExitCode);
        Assert.Equal("Error", status.Reason);
    }

    [Fact]
    public async Task ExitContainer_OomKill_ReportsOomKilled()
    {
        var (_, containerId) = await RunPodAsync("web-0", start: true);

        _runtime.ExitContainer(containerId, 137, "OOMKilled");

        var status = (await _runtime.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal("OOMKilled", status.Reason);
        Assert.Equal(137, status.ExitCode);
    }

    [Fact]
    public async Task ListContainers_Filters_AreAnded()
    {
        var (sandboxA, runningA) = await RunPodAsync("a", start: true);
        var (_, createdB) = await RunPodAsync("b");

        var running = await _runtime.ListContainersAsync(new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } }, Ct);
        Assert.Equal([runningA], running.Select(c => c.Id));
        var inB = await _runtime.ListContainersAsync(new ContainerFilter { LabelSelector = { ["pod"] = "b" } }, Ct);
        Assert.Equal([createdB], inB.Select(c => c.Id));
        Assert.Empty(await _runtime.ListContainersAsync(new ContainerFilter { PodSandboxId = sandboxA, LabelSelector = { ["pod"] = "b" } }, Ct));
    }

    [Fact]
    public async Task Stats_RunningContainer_ReportsCpuOverTimeAndMemoryWithinLimit()
    {
        var config = SandboxConfig("web-0");
        var sandboxId = await _runtime.RunPodSandboxAsync(config, cancellationToken: Ct);
        var container = ContainerConfig("app", Busybox);
        container.Linux = new LinuxContainerConfig { Resources = new LinuxContainerResources { MemoryLimitInBytes = 8 * 1024 * 1024 } };
        var id = await _runtime.CreateContainerAsync(sandboxId, container, config, Ct);
        await _runtime.StartContainerAsync(id, Ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        var stats = await _runtime.ContainerStatsAsync(id, Ct);
        Assert.Equal(100_000_000UL, stats.Cpu.UsageCoreNanoSeconds.Value); // 10 millicores for 10 s
        Assert.Equal(8UL * 1024 * 1024, stats.Memory.WorkingSetBytes.Value);
        var pod = await _runtime.PodSandboxStatsAsync(sandboxId, Ct);
        Assert.Single(pod.Linux.Containers);
        Assert.Equal(1UL, pod.Linux.Process.ProcessCount.Value);
        Assert.Single(await _runtime.ListContainerStatsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task UpdateContainerResources_ShowsInStatus()
    {
        var (_, id) = await RunPodAsync("web-0", start: true);

        await _runtime.UpdateContainerResourcesAsync(id, new LinuxContainerResources { CpuQuota = 50_000, CpuPeriod = 100_000 }, Ct);

        Assert.Equal(50_000, (await _runtime.ContainerStatusAsync(id, cancellationToken: Ct)).Status.Resources.Linux.CpuQuota);
    }

    [Fact]
    public void NormalizeImageName_MatchesContainerd()
    {
        Assert.Equal("docker.io/library/busybox:latest", FakeCriRuntime.NormalizeImageName("busybox"));
        Assert.Equal("docker.io/mycompany/myapp:v1.2.3", FakeCriRuntime.NormalizeImageName("mycompany/myapp:v1.2.3"));
        Assert.Equal("localhost:5000/berth/pause:3.9", FakeCriRuntime.NormalizeImageName("localhost:5000/berth/pause:3.9"));
        Assert.Equal("registry.k8s.io/pause:latest", FakeCriRuntime.NormalizeImageName("registry.k8s.io/pause"));
    }

    private async Task<(string SandboxId, string ContainerId)> RunPodAsync(string name, bool start = false)
    {
        var config = SandboxConfig(name);
        var sandboxId = await _runtime.RunPodSandboxAsync(config, cancellationToken: Ct);
        var containerId = await _runtime.CreateContainerAsync(sandboxId, ContainerConfig("app", "busybox", name), config, Ct);
        if (start)
        {
            await _runtime.StartContainerAsync(containerId, Ct);
        }
        return (sandboxId, containerId);
    }

    private static PodSandboxConfig SandboxConfig(string name) => new()
    {
        Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = "uid-" + name },
        LogDirectory = $"/var/log/pods/default_{name}_uid-{name}",
        Labels = { ["app"] = "v", ["pod"] = name },
    };

    private static ContainerConfig ContainerConfig(string name, string image, string pod = "") => new()
    {
        Metadata = new ContainerMetadata { Name = name },
        Image = new ImageSpec { Image = image },
        LogPath = name + "/0.log",
        Labels = { ["pod"] = pod },
    };
}
