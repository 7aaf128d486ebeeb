using System.Diagnostics;
using System.Globalization;

namespace Berth.Images.Tests;

/// <summary>
/// As PID 1 of a PID namespace (a pod sandbox, or a container of its own), pause and myapp reap the orphans that
/// are reparented to them, such as what <c>kubectl exec</c> leaves behind. Needs root for the namespace.
/// </summary>
public sealed class PidOneTests(AppBinaries binaries)
{
    [Fact]
    public Task Pause_OrphanInItsNamespace_IsReaped() => OrphanIsReapedAsync(binaries.Pause);

    [Fact]
    public Task MyApp_OrphanInItsNamespace_IsReaped() => OrphanIsReapedAsync("env", "PORT=" + Shell.FreePort().ToString(CultureInfo.InvariantCulture),
        "METRICS_PORT=0", "BIND_ADDRESS=127.0.0.1", "LOG_REQUESTS=0", binaries.MyApp);

    private static async Task OrphanIsReapedAsync(params string[] command)
    {
        if (!Shell.IsRoot)
        {
            Assert.Skip("needs root for a new PID namespace");
        }
        var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--pid", "--fork", "--kill-child" }.Concat(command))
        {
            psi.ArgumentList.Add(a);
        }
        using var ns = Process.Start(psi)!;
        var output = ns.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            var pid1 = 0;
            await Shell.WaitUntilAsync(() =>
            {
                pid1 = ChildOf(ns.Id);
                return Task.FromResult(pid1 != 0 && File.Exists($"/proc/{pid1}/exe") &&
                    new FileInfo($"/proc/{pid1}/exe").LinkTarget is { } exe && !exe.EndsWith("/env", StringComparison.Ordinal) &&
                    !exe.EndsWith("/unshare", StringComparison.Ordinal) && WaitsForSignals(pid1));
            }, TimeSpan.FromSeconds(5), "the program runs as PID 1 of its namespace");

            // sh starts a child and exits at once: the child is orphaned inside the namespace and exits later
            // (3 s: long enough to be seen even on a loaded machine).
            (await Shell.RunAsync("nsenter", ["-t", pid1.ToString(CultureInfo.InvariantCulture), "-p", "--",
                "sh", "-c", "sleep 3 >/dev/null 2>&1 &"])).Ok();
            var orphan = ChildOf(pid1);
            Assert.NotEqual(0, orphan);

            // Without reaping, the orphan would stay a zombie (state Z) under PID 1 for good.
            await Shell.WaitUntilAsync(() => Task.FromResult(!File.Exists($"/proc/{orphan}/stat")), TimeSpan.FromSeconds(20), "the orphan is reaped");
            Assert.True(File.Exists($"/proc/{pid1}/stat"), "PID 1 keeps running");
        }
        finally
        {
            ns.Kill(entireProcessTree: true);
            await ns.WaitForExitAsync();
            await output;
        }
    }

    // True once SIGCHLD is caught (pause) or blocked (myapp, which takes it with sigwait; the thread in sigwait
    // shows it unblocked, its other threads show it blocked).
    private static bool WaitsForSignals(int pid)
    {
        const long sigchld = 1L << 16;
        var mask = 0L;
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var status = File.ReadAllLines(Path.Combine(task, "status"));
            foreach (var key in new[] { "SigCgt:", "SigBlk:" })
            {
                mask |= long.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        return (mask & sigchld) != 0;
    }

    private static int ChildOf(int parent)
    {
        var children = $"/proc/{parent}/task/{parent}/children";
        if (!File.Exists(children))
        {
            return 0;
        }
        var first = File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is null ? 0 : int.Parse(first, CultureInfo.InvariantCulture);
    }
}
