using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Berth.Images.Tests;

/// <summary>
/// A running myapp on a free loopback port, with its stdout lines captured. Killed by its PID when disposed if
/// it is still running.
/// </summary>
public sealed class MyAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MyAppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }
    public int ProcessId => _process.Id;
    public HttpClient Http { get; }

    /// <summary>The JSON lines written to stdout so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts myapp with PORT on a free port, METRICS_PORT=0 and <paramref name="env"/>; waits until it listens.</summary>
    public static async Task<MyAppProcess> StartAsync(AppBinaries binaries, params (string Name, string Value)[] env)
    {
        var port = Shell.FreePort();
        var psi = new ProcessStartInfo(binaries.MyApp)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        psi.Environment["METRICS_PORT"] = "0";
        psi.Environment["BIND_ADDRESS"] = "127.0.0.1";
        foreach (var (name, value) in env)
        {
            psi.Environment[name] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start myapp");
        var app = new MyAppProcess(process, port);
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Exited += (_, _) => app._exited.TrySetResult();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Shell.WaitUntilAsync(() => Task.FromResult(app.Lines.Any(l => l.Contains("\"listening\"", StringComparison.Ordinal)) || process.HasExited),
            TimeSpan.FromSeconds(10), "myapp listens");
        Assert.False(process.HasExited, "myapp exited at start:\n" + string.Join('\n', app.Lines));
        return app;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var r = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async Task<string> MetricsAsync() => (await GetAsync("/metrics")).Body;

    /// <summary>Waits for the process to exit and returns its exit code (after stdout is fully read).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_exited.Task, Task.Delay(timeout, TestContext.Current.CancellationToken));
        Assert.True(done == _exited.Task, "myapp did not exit in time:\n" + string.Join('\n', Lines.TakeLast(20)));
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>A raw TCP connection, for keep-alive, pipelining and shutdown tests.</summary>
    public async Task<RawConnection> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, TestContext.Current.CancellationToken);
        return new RawConnection(client);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
