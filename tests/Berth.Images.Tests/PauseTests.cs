using System.Diagnostics;
using System.Globalization;

namespace Berth.Images.Tests;

/// <summary>The pod sandbox's pause program.</summary>
public sealed class PauseTests(AppBinaries binaries)
{
    [Fact]
    public async Task Version_Flag_PrintsVersion()
    {
        var r = (await Shell.RunAsync(binaries.Pause, ["-v"])).Ok();

        Assert.Equal("berth pause 3.9", r.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_Stop_ExitsZero(string signal)
    {
        using var p = Process.Start(new ProcessStartInfo(binaries.Pause) { RedirectStandardError = true, UseShellExecute = false })!;
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Shell.WaitUntilAsync(() => Task.FromResult(CaughtSignals(p.Id) != 0), TimeSpan.FromSeconds(5), "pause installs its handlers");

        await Shell.SignalAsync(p.Id, signal);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await p.WaitForExitAsync(cts.Token);
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("stopping", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PidOne_OrphanInItsNamespace_IsReaped()
    {
        if (!Shell.IsRoot)
        {
            Assert.Skip("needs root for a new PID namespace");
        }
        // pause as PID 1 of a new PID namespace; an orphan made inside it is reparented to pause.
        using var ns = Process.Start(new ProcessStartInfo("unshare", ["--pid", "--fork", "--kill-child", binaries.Pause]) { UseShellExecute = false })!;
        try
        {
            var pausePid = 0;
            await Shell.WaitUntilAsync(() =>
            {
                pausePid = ChildOf(ns.Id);
                return Task.FromResult(pausePid != 0 && CaughtSignals(pausePid) != 0);
            }, TimeSpan.FromSeconds(5), "pause runs in its namespace");

            // sh starts a child and exits at once: the child is orphaned inside the namespace and exits later.
            var r = (await Shell.RunAsync("nsenter", ["-t", pausePid.ToString(CultureInfo.InvariantCulture), "-p", "--",
                "sh", "-c", "sleep 1 >/dev/null 2>&1 & echo $!"])).Ok();
            var orphan = OrphanHostPid(pausePid);
            Assert.NotEqual(0, orphan);
            Assert.NotEqual("", r.StandardOutput.Trim());

            // Without reaping, the orphan would stay a zombie (state Z) under pause forever.
            await Shell.WaitUntilAsync(() => Task.FromResult(!File.Exists($"/proc/{orphan}/stat")), TimeSpan.FromSeconds(10), "the orphan is reaped");
            Assert.True(File.Exists($"/proc/{pausePid}/stat"), "pause keeps running");
        }
        finally
        {
            ns.Kill(entireProcessTree: true);
            await ns.WaitForExitAsync();
        }
    }

    private static long CaughtSignals(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
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

    private static int OrphanHostPid(int pausePid)
    {
        var children = File.ReadAllText($"/proc/{pausePid}/task/{pausePid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length == 0 ? 0 : int.Parse(children[0], CultureInfo.InvariantCulture);
    }
}
