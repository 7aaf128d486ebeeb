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

    private static long CaughtSignals(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
