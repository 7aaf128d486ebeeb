using System.Diagnostics;

namespace Berth.Node.Tests.Support;

/// <summary>Runs host tools the real-runtime tests need, failing loudly when one is missing.</summary>
public static class Tool
{
    /// <summary>Runs <paramref name="file"/> and returns its stdout; throws with stderr on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(Require(file)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {p.ExitCode}: {await stderr}{await stdout}");
        }
        return await stdout;
    }

    /// <summary>The absolute path of a tool on PATH; a clear failure (not a skip) when it is missing.</summary>
    public static string Require(string file)
    {
        if (Path.IsPathRooted(file))
        {
            return File.Exists(file) ? file : throw Missing(file);
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, file);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw Missing(file);
    }

    /// <summary>Fails unless the tests run as root (containerd, runc and CNI need it).</summary>
    public static void RequireRoot()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("the real-runtime tests need root (containerd, runc, CNI); run them as root");
        }
    }

    private static InvalidOperationException Missing(string file) =>
        new($"{file} is not installed; run scripts/install-deps.sh (containerd, runc, containernetworking-plugins, busybox-static, umoci, skopeo, docker-registry)");
}
