using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Berth.Integration;

/// <summary>
/// A real <c>berth server</c> process on a free loopback port with its own data directory, stopped by
/// its PID when disposed. Tests talk to it with the real kubectl and the official C# client.
/// </summary>
public sealed class BerthServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private BerthServer(Process process, string dataDir, int port)
    {
        _process = process;
        DataDir = dataDir;
        Port = port;
    }

    public string DataDir { get; }
    public int Port { get; }
    public string Kubeconfig => Path.Combine(DataDir, "admin.kubeconfig");
    public string Url => $"https://127.0.0.1:{Port}";
    public int ProcessId => _process.Id;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static string Binary => typeof(BerthServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "BerthBinary").Value!;

    public static string SeedDirectory => Path.GetFullPath(typeof(BerthServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "SeedManifests").Value!);

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts a server (in <paramref name="dataDir"/> when given, to restart on existing data) and waits for /readyz.</summary>
    public static async Task<BerthServer> StartAsync(string? dataDir = null, int? port = null, params string[] extraArgs)
    {
        dataDir ??= Path.Combine(Path.GetTempPath(), "berth-it-" + Guid.NewGuid().ToString("n")[..12]);
        var p = port ?? FreePort();
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "server", "--data-dir", dataDir, "--secure-port", p.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1" }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start berth");
        var server = new BerthServer(process, dataDir, p);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("berth server exited: " + Log);
            }
            try
            {
                var r = await http.GetAsync(Url + "/readyz");
                if (r.IsSuccessStatusCode && File.Exists(Kubeconfig))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("berth server not ready: " + Log);
    }

    /// <summary>Kills the server with SIGKILL (for crash tests); the data directory stays.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Stops the server gracefully (SIGTERM) and waits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
