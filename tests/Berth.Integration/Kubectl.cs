using System.Diagnostics;

namespace Berth.Integration;

/// <summary>The result of one kubectl run.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>Throws with the output when the command failed.</summary>
    public KubectlResult Ok()
    {
        if (ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl failed ({ExitCode}):\n{Stdout}\n{Stderr}");
        }
        return this;
    }
}

/// <summary>Runs the real kubectl binaries installed on the machine against a Berth server.</summary>
public sealed class Kubectl(string kubeconfig, string binary = Kubectl.Default)
{
    /// <summary>The machine's default kubectl: a dispatcher that follows the server's minor version.</summary>
    public const string Default = "/usr/bin/kubectl";

    public const string SdkDir = "/usr/lib/google-cloud-sdk/bin";

    public static string Version(string minor) => Path.Combine(SdkDir, "kubectl." + minor);

    /// <summary>Versions the compatibility matrix is tested with.</summary>
    public static readonly string[] MatrixVersions = ["1.27", "1.30", "1.33"];

    public string Binary { get; } = binary;

    public Kubectl WithVersion(string minor) => new(kubeconfig, Version(minor));

    public Task<KubectlResult> RunAsync(params string[] args) => RunAsync(args, null, TimeSpan.FromSeconds(60));

    public async Task<KubectlResult> RunAsync(string[] args, string? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HOME"] = Path.GetTempPath();
        psi.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "kubectl-cache-" + Path.GetFileName(Binary));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} timed out:\n{await stdout}\n{await stderr}");
        }
        return new KubectlResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) whose output a test reads as it comes.</summary>
    public KubectlProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HOME"] = Path.GetTempPath();
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return new KubectlProcess(Process.Start(psi)!);
    }

    /// <summary>Applies YAML given on stdin.</summary>
    public Task<KubectlResult> ApplyAsync(string yaml, params string[] extra) =>
        RunAsync(["apply", "-f", "-", .. extra], yaml, TimeSpan.FromSeconds(60));
}

/// <summary>A running kubectl whose output is collected line by line; killed when disposed.</summary>
public sealed class KubectlProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly SemaphoreSlim _changed = new(0);

    public KubectlProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        _changed.Release();
    }

    /// <summary>Waits until the output matches <paramref name="pattern"/>; throws with the output on timeout.</summary>
    public async Task WaitForAsync(string pattern, TimeSpan timeout)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (!regex.IsMatch(Output))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited && !regex.IsMatch(Output))
            {
                throw new TimeoutException($"kubectl output never matched /{pattern}/:\n{Output}");
            }
            await _changed.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _changed.Dispose();
    }
}
