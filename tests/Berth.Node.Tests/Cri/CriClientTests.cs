using System.Diagnostics;
using Berth.Node.Cri;
using Berth.Node.Tests.Support;
using Grpc.Core;

namespace Berth.Node.Tests.Cri;

/// <summary>CriClient against Berth's managed containerd with runc and the CNI bridge (root).</summary>
[Collection(ContainerdCollection.Name)]
public sealed class CriClientTests(ManagedRuntimeFixture fixture)
{
    private readonly ManagedRuntimeEnvironment _env = fixture.Environment;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VersionAndStatus_ManagedContainerd_ReadyWithNetwork()
    {
        var version = await _env.Client.VersionAsync(cancellationToken: Ct);
        Assert.Equal("containerd", version.RuntimeName);
        Assert.Equal("v1", version.RuntimeApiVersion);

        var status = await _env.Client.StatusAsync(cancellationToken: Ct);
        Assert.Contains(status.Status.Conditions, c => c.Type == "RuntimeReady" && c.Status);
        Assert.Contains(status.Status.Conditions, c => c.Type == "NetworkReady" && c.Status);
    }

    [Fact]
    public async Task PodLifecycle_BusyboxEchoThenSleep_RunsExecsLogsAndLeavesNothingBehind()
    {
        var uid = Guid.NewGuid().ToString();
        var sandboxConfig = _env.SandboxConfig("hello", uid);
        var sandboxId = await _env.Client.RunPodSandboxAsync(sandboxConfig, cancellationToken: Ct);
        var sandbox = (await _env.Client.PodSandboxStatusAsync(sandboxId, cancellationToken: Ct)).Status;
        Assert.Equal(PodSandboxState.SandboxReady, sandbox.State);
        Assert.True(IsInPodCidr(sandbox.Network.Ip), $"pod IP {sandbox.Network.Ip} is not in {_env.PodCidr}");

        var containerConfig = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "app" },
            Image = new ImageSpec { Image = ManagedRuntimeEnvironment.BusyboxImage },
            Command = { "sh", "-c", "echo hello; sleep 1000" },
            LogPath = "app/0.log",
            Envs = { new KeyValue { Key = "GREETING", Value = "hi" } },
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources { CpuShares = 256, CpuPeriod = 100_000, CpuQuota = 50_000, MemoryLimitInBytes = 64 * 1024 * 1024, OomScoreAdj = 500 },
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container },
                    NoNewPrivs = true,
                    Capabilities = new Capability { DropCapabilities = { "NET_RAW" } },
                },
            },
        };
        Directory.CreateDirectory(Path.Combine(sandboxConfig.LogDirectory, "app"));
        var containerId = await _env.Client.CreateContainerAsync(sandboxId, containerConfig, sandboxConfig, Ct);
        await _env.Client.StartContainerAsync(containerId, Ct);

        var status = (await _env.Client.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerRunning, status.State);
        Assert.True(status.StartedAt > 0);
        var logPath = Path.Combine(sandboxConfig.LogDirectory, "app/0.log");
        Assert.Equal(logPath, status.LogPath);

        var exec = await _env.Client.ExecSyncAsync(containerId, ["echo", "hi"], TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, exec.ExitCode);
        Assert.Equal("hi\n", exec.Stdout.ToStringUtf8());
        var env = await _env.Client.ExecSyncAsync(containerId, ["sh", "-c", "echo $GREETING; exit 4"], TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(4, env.ExitCode);
        Assert.Equal("hi\n", env.Stdout.ToStringUtf8());
        // The cgroup limits reached the container (cgroup v1 and v2 file names).
        var memoryLimit = await _env.Client.ExecSyncAsync(containerId, ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"], TimeSpan.FromSeconds(10), Ct);
        Assert.Equal((64 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), memoryLimit.Stdout.ToStringUtf8().Trim());

        // CRI log format: "<RFC3339Nano> stdout F hello".
        var line = await PollAsync(() => File.Exists(logPath) ? File.ReadAllLines(logPath).FirstOrDefault() : null);
        var fields = line.Split(' ', 4);
        Assert.True(DateTimeOffset.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out _), line);
        Assert.Equal(["stdout", "F", "hello"], fields[1..]);

        var stats = await _env.Client.ContainerStatsAsync(containerId, Ct);
        Assert.Equal(containerId, stats.Attributes.Id);
        Assert.True(stats.Memory.WorkingSetBytes.Value > 0);
        Assert.Contains(await _env.Client.ListContainerStatsAsync(new ContainerStatsFilter { PodSandboxId = sandboxId }, Ct), s => s.Attributes.Id == containerId);
        var podStats = await _env.Client.PodSandboxStatsAsync(sandboxId, Ct);
        Assert.Equal(sandboxId, podStats.Attributes.Id);

        // Limits change in place, and the log can be reopened after a rotation.
        await _env.Client.UpdateContainerResourcesAsync(containerId, new LinuxContainerResources { MemoryLimitInBytes = 96 * 1024 * 1024, CpuShares = 256, CpuPeriod = 100_000, CpuQuota = 50_000 }, Ct);
        var raised = await _env.Client.ExecSyncAsync(containerId, ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"], TimeSpan.FromSeconds(10), Ct);
        Assert.Equal((96 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), raised.Stdout.ToStringUtf8().Trim());
        await _env.Client.ReopenContainerLogAsync(containerId, Ct);

        // Streaming (exec, attach, port-forward) is served on loopback only.
        var streamUrls = new[]
        {
            (await _env.Client.ExecAsync(new ExecRequest { ContainerId = containerId, Cmd = { "sh" }, Stdout = true }, Ct)).Url,
            (await _env.Client.AttachAsync(new AttachRequest { ContainerId = containerId, Stdout = true }, Ct)).Url,
            (await _env.Client.PortForwardAsync(new PortForwardRequest { PodSandboxId = sandboxId, Port = { 80 } }, Ct)).Url,
        };
        Assert.All(streamUrls, url => Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal));

        await _env.Client.StopContainerAsync(containerId, TimeSpan.Zero, Ct);
        var stopped = (await _env.Client.ContainerStatusAsync(containerId, cancellationToken: Ct)).Status;
        Assert.Equal(ContainerState.ContainerExited, stopped.State);
        Assert.Equal(137, stopped.ExitCode);
        await _env.Client.RemoveContainerAsync(containerId, Ct);
        await _env.Client.StopPodSandboxAsync(sandboxId, Ct);
        await _env.Client.RemovePodSandboxAsync(sandboxId, Ct);

        Assert.Empty(await _env.Client.ListPodSandboxAsync(cancellationToken: Ct));
        Assert.Empty(await _env.Client.ListContainersAsync(cancellationToken: Ct));
        var netnsDirectory = Path.Combine(_env.Supervisor.Options.StateDirectory, "io.containerd.grpc.v1.cri", "netns");
        Assert.Empty(Directory.Exists(netnsDirectory) ? Directory.GetFileSystemEntries(netnsDirectory) : []);
        Assert.Empty(ManagedRuntimeEnvironment.MountsUnder(_env.DataDirectory));
        Assert.DoesNotContain(Process.GetProcesses(), p => SafeCommandLine(p.Id).Contains(containerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopContainer_ProcessIgnoresSigterm_IsKilledAfterTheGracePeriod()
    {
        var (sandboxConfig, sandboxId) = await RunSandboxAsync("stopper");
        // sleep as PID 1 has no SIGTERM handler, so only SIGKILL ends it.
        var id = await CreateAndStartAsync(sandboxId, sandboxConfig, "sleeper", ["sleep", "1000"]);

        var watch = Stopwatch.StartNew();
        await _env.Client.StopContainerAsync(id, TimeSpan.FromSeconds(1), Ct);

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"stopped after {watch.Elapsed}");
        var status = (await _env.Client.ContainerStatusAsync(id, cancellationToken: Ct)).Status;
        Assert.Equal(137, status.ExitCode);
        Assert.Equal("Error", status.Reason);
        await RemoveSandboxAsync(sandboxId);
    }

    [Fact]
    public async Task ContainerExits_NonZeroCode_IsReportedWithReasonError()
    {
        var (sandboxConfig, sandboxId) = await RunSandboxAsync("exiter");
        var failing = await CreateAndStartAsync(sandboxId, sandboxConfig, "failing", ["sh", "-c", "exit 3"]);
        var done = await CreateAndStartAsync(sandboxId, sandboxConfig, "done", ["true"]);

        var failed = await PollAsync(async () => (await _env.Client.ContainerStatusAsync(failing, cancellationToken: Ct)).Status is { State: ContainerState.ContainerExited } s ? s : null);
        var completed = await PollAsync(async () => (await _env.Client.ContainerStatusAsync(done, cancellationToken: Ct)).Status is { State: ContainerState.ContainerExited } s ? s : null);

        Assert.Equal((3, "Error"), (failed.ExitCode, failed.Reason));
        Assert.Equal((0, "Completed"), (completed.ExitCode, completed.Reason));
        // No ordering check of started_at and finished_at: for a container that exits at once, containerd
        // stamps started_at when Start returns, after the shim already stamped the exit (seen here).
        Assert.True(failed.StartedAt > 0 && failed.FinishedAt > 0);
        await RemoveSandboxAsync(sandboxId);
    }

    [Fact]
    public async Task ContainerStatus_UnknownId_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<CriException>(() => _env.Client.ContainerStatusAsync("0123456789abcdef", cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("ContainerStatus", e.Method);
        await _env.Client.RemoveContainerAsync("0123456789abcdef", Ct); // idempotent
    }

    [Fact]
    public async Task Images_MirroredDockerHubName_PullListStatusRemove()
    {
        // A second name for the same image, pulled as a user would write it in a pod spec.
        await _env.Registry.PushAsync(Path.Combine(_env.DataDirectory, "oci") + ":busybox", "mycompany/myapp:v1.2.3", Ct);
        var spec = new ImageSpec { Image = "mycompany/myapp:v1.2.3" };

        var imageRef = await _env.Client.PullImageAsync(spec, cancellationToken: Ct);

        var image = await _env.Client.ImageStatusAsync(spec, Ct);
        Assert.NotNull(image);
        Assert.Equal(imageRef, image.Id);
        Assert.Contains("docker.io/mycompany/myapp:v1.2.3", image.RepoTags);
        Assert.Contains(await _env.Client.ListImagesAsync(cancellationToken: Ct), i => i.RepoTags.Contains("docker.io/mycompany/myapp:v1.2.3"));
        var fs = await _env.Client.ImageFsInfoAsync(Ct);
        Assert.StartsWith(_env.DataDirectory, fs.ImageFilesystems[0].FsId.Mountpoint, StringComparison.Ordinal);

        await _env.Client.RemoveImageAsync(new ImageSpec { Image = "docker.io/mycompany/myapp:v1.2.3" }, Ct);
        Assert.Null(await _env.Client.ImageStatusAsync(spec, Ct));
        // The busybox image shares the digest; re-pull what removal took with it.
        await _env.Client.PullImageAsync(new ImageSpec { Image = ManagedRuntimeEnvironment.BusyboxImage }, cancellationToken: Ct);
    }

    [Fact]
    public async Task PullImage_NotInTheMirror_IsNotFound()
    {
        var e = await Assert.ThrowsAsync<CriException>(() => _env.Client.PullImageAsync(new ImageSpec { Image = "mycompany/absent:v9" }, cancellationToken: Ct));

        // The mirror is the only server for docker.io: its 404 is the answer, no fallback is tried.
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("docker.io/mycompany/absent:v9", e.Detail, StringComparison.Ordinal);
    }

    private async Task<(PodSandboxConfig Config, string Id)> RunSandboxAsync(string name)
    {
        var config = _env.SandboxConfig(name, Guid.NewGuid().ToString());
        return (config, await _env.Client.RunPodSandboxAsync(config, cancellationToken: Ct));
    }

    private async Task<string> CreateAndStartAsync(string sandboxId, PodSandboxConfig sandboxConfig, string name, string[] command)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = ManagedRuntimeEnvironment.BusyboxImage },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig
            {
                SecurityContext = new LinuxContainerSecurityContext { NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container } },
            },
        };
        config.Command.AddRange(command);
        var id = await _env.Client.CreateContainerAsync(sandboxId, config, sandboxConfig, Ct);
        await _env.Client.StartContainerAsync(id, Ct);
        return id;
    }

    private async Task RemoveSandboxAsync(string sandboxId)
    {
        await _env.Client.StopPodSandboxAsync(sandboxId, Ct);
        await _env.Client.RemovePodSandboxAsync(sandboxId, Ct);
    }

    private bool IsInPodCidr(string ip)
    {
        var prefix = _env.PodCidr[..(_env.PodCidr.LastIndexOf('.') + 1)];
        return ip.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static string SafeCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static Task<T> PollAsync<T>(Func<T?> probe) where T : class => PollAsync(() => Task.FromResult(probe()));

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(20, Ct);
        }
    }
}
