using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Berth.Node.Tests.Support;

/// <summary>
/// The distribution's <c>docker-registry</c> on 127.0.0.1 at a free port, storing under a directory
/// the caller owns; images are pushed into it with skopeo. Stopped by its PID on dispose.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly Process _process;

    private LocalRegistry(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1 only).</summary>
    public int Port { get; }

    /// <summary>Its base URL, plain HTTP.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Starts a registry storing in <paramref name="directory"/>; retries when a port is taken meanwhile.</summary>
    public static async Task<LocalRegistry> StartAsync(string directory, CancellationToken cancellationToken = default)
    {
        var binary = Tool.Require("docker-registry");
        Directory.CreateDirectory(directory);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var config = Path.Combine(directory, "config.yml");
            await File.WriteAllTextAsync(config, $"""
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(directory, "data")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                """, cancellationToken);
            var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var registry = new LocalRegistry(process, port);
            if (await registry.WaitReadyAsync(cancellationToken))
            {
                return registry;
            }
            await registry.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"docker-registry did not start on 127.0.0.1 (last port {port})");
            }
        }
    }

    /// <summary>Pushes <paramref name="ociImage"/> ("layout:tag") as <paramref name="repositoryAndTag"/> (e.g. "library/busybox:1").</summary>
    public Task PushAsync(string ociImage, string repositoryAndTag, CancellationToken cancellationToken = default) =>
        Tool.RunAsync("skopeo", ["copy", "--quiet", "--insecure-policy", "--dest-tls-verify=false", "oci:" + ociImage, $"docker://127.0.0.1:{Port}/{repositoryAndTag}"], cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task<bool> WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(Url + "/v2/", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(20, cancellationToken);
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
