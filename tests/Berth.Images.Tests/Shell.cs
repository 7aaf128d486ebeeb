using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Berth.Images.Tests;

/// <summary>The result of a finished command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public CommandResult Ok()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        return this;
    }
}

/// <summary>Runs the images/ scripts and other commands; finds free loopback ports.</summary>
public static class Shell
{
    public static string ImagesDirectory { get; } = Path.GetFullPath(typeof(Shell).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ImagesDirectory").Value!);

    public static bool IsRoot => Environment.UserName == "root";

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("n")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs a command to completion (killed after <paramref name="timeout"/>, default 5 minutes).</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish");
        }
        return new CommandResult(p.ExitCode, await stdout, await stderr);
    }

    public static Task<CommandResult> ScriptAsync(string script, params string[] args) =>
        RunAsync(Path.Combine(ImagesDirectory, script), args);

    /// <summary>Sends SIGTERM (or another signal) to a process by PID.</summary>
    public static async Task SignalAsync(int pid, string signal = "TERM") =>
        (await RunAsync("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])).Ok();

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + what);
            }
            await Task.Delay(20);
        }
    }

    public static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);
}
