using System.Diagnostics;
using System.Globalization;
using System.Text;
using Berth.Node.Cri;
using Berth.Node.Tests.Support;

namespace Berth.Bench;

/// <summary>
/// The CRI floor: raw RunPodSandbox + CreateContainer + StartContainer through Berth's managed
/// containerd (runc, CNI bridge), with images already pulled. It is what the pod-startup benchmark
/// compares against: everything Berth adds on top (scheduling, the agent's pod worker, status) shows
/// as the difference. Needs root.
/// </summary>
internal static class CriBench
{
    public static async Task<string> RunAsync()
    {
        // The machine may be shared: the load average says how far the numbers are from an idle host.
        var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        await using var env = await ManagedRuntimeEnvironment.StartAsync();
        var client = env.Client;
        var version = await client.VersionAsync();

        // Warm up: the first sandbox also creates the bridge and loads the CNI plugins.
        await RunBatchAsync(env, "warm", 2, CancellationToken.None);
        await env.RemoveAllPodsAsync();

        var single = new List<PodTiming>();
        for (var i = 0; i < 10; i++)
        {
            single.AddRange((await RunBatchAsync(env, "one" + i, 1, CancellationToken.None)).Pods);
            await env.RemoveAllPodsAsync();
        }
        var ten = await RunBatchAsync(env, "ten", 10, CancellationToken.None);
        await env.RemoveAllPodsAsync();
        var thirty = await RunBatchAsync(env, "thirty", 30, CancellationToken.None);
        var removeWatch = Stopwatch.StartNew();
        await env.RemoveAllPodsAsync();
        var removeThirty = removeWatch.Elapsed;
        // The first start includes this process's first gRPC call (JIT, HTTP/2 setup); a restart shows containerd alone.
        var firstStart = env.Supervisor.LastStartDuration;
        await env.Supervisor.StopAsync();
        await env.Supervisor.StartAsync();
        var restart = env.Supervisor.LastStartDuration;

        var b = new StringBuilder();
        b.AppendLine("## CRI floor");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"`berth-bench cri` ({DateTime.UtcNow:yyyy-MM-dd}): RunPodSandbox + CreateContainer + StartContainer straight through CRI to Berth's managed containerd {version.RuntimeVersion} (runc, CNI bridge + portmap + firewall), {Environment.ProcessorCount} cores (1-minute load average {loadBefore} before the run), cgroup v{env.Supervisor.CgroupVersion}. Images are pulled beforehand; the container is busybox `sleep 1000`. A pod's time is from RunPodSandbox to StartContainer returning; pods of a batch start concurrently.");
        b.AppendLine();
        b.AppendLine("| pods | p50 per pod | p99 per pod | sandbox (mean) | create (mean) | start (mean) | batch wall time |");
        b.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        b.AppendLine(Row("1 (10 runs, one at a time)", single, TimeSpan.Zero));
        b.AppendLine(Row("10", ten.Pods, ten.Wall));
        b.AppendLine(Row("30", thirty.Pods, thirty.Wall));
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Managed containerd start, launch → first CRI Version answered: {Ms(restart)} (first start in the process, with the gRPC client's JIT: {Ms(firstStart)}). Stopping and removing the 30 pods one after another: {Ms(removeThirty)}.");
        return b.ToString();
    }

    private static async Task<(List<PodTiming> Pods, TimeSpan Wall)> RunBatchAsync(ManagedRuntimeEnvironment env, string prefix, int count, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var pods = await Task.WhenAll(Enumerable.Range(0, count).Select(i => RunPodAsync(env, $"{prefix}-{i}", cancellationToken)));
        return (pods.ToList(), wall.Elapsed);
    }

    private static async Task<PodTiming> RunPodAsync(ManagedRuntimeEnvironment env, string name, CancellationToken cancellationToken)
    {
        var sandboxConfig = env.SandboxConfig(name, Guid.NewGuid().ToString());
        var container = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "app" },
            Image = new ImageSpec { Image = ManagedRuntimeEnvironment.BusyboxImage },
            Command = { "sleep", "1000" },
            LogPath = "app/0.log",
            Linux = new LinuxContainerConfig
            {
                SecurityContext = new LinuxContainerSecurityContext { NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container } },
            },
        };
        var watch = Stopwatch.StartNew();
        var sandboxId = await env.Client.RunPodSandboxAsync(sandboxConfig, cancellationToken: cancellationToken);
        var sandbox = watch.Elapsed;
        var containerId = await env.Client.CreateContainerAsync(sandboxId, container, sandboxConfig, cancellationToken);
        var create = watch.Elapsed - sandbox;
        await env.Client.StartContainerAsync(containerId, cancellationToken);
        var total = watch.Elapsed;
        return new PodTiming(total, sandbox, create, total - sandbox - create);
    }

    private static string Row(string label, List<PodTiming> pods, TimeSpan wall)
    {
        var sorted = pods.Select(p => p.Total).Order().ToList();
        return $"| {label} | {Ms(Percentile(sorted, 0.50))} | {Ms(Percentile(sorted, 0.99))} | {Ms(Mean(pods, p => p.Sandbox))} | {Ms(Mean(pods, p => p.Create))} | {Ms(Mean(pods, p => p.Start))} | {(wall == TimeSpan.Zero ? "–" : Ms(wall))} |";
    }

    // Nearest-rank percentile.
    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static TimeSpan Mean(List<PodTiming> pods, Func<PodTiming, TimeSpan> part) => TimeSpan.FromTicks((long)pods.Average(p => part(p).Ticks));

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private sealed record PodTiming(TimeSpan Total, TimeSpan Sandbox, TimeSpan Create, TimeSpan Start);
}
