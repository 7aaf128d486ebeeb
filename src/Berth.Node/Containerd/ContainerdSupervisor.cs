using System.Diagnostics;
using System.Globalization;
using Berth.Node.Cri;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Node.Containerd;

/// <summary>
/// Runs Berth's own containerd: writes its config, starts the distribution's <c>containerd</c> binary,
/// waits until its CRI answers, restarts it with backoff when it dies, and stops it by PID.
/// </summary>
/// <remarks>
/// <code>
///  StartAsync ─► write config.toml + certs.d ─► stop a containerd this data dir left behind (PID file + cmdline)
///      │
///      ▼
///  launch: sh -c 'exec containerd --config …' (same PID; output appended to containerd.log)
///      │
///      ▼
///  poll CRI Version on the socket ──► ready (LastStartDuration)
///      │
///  supervise: process exits unexpectedly ─► wait backoff (1 s doubling to 30 s) ─► launch again
///  StopAsync: SIGTERM ─► wait StopTimeout ─► SIGKILL
/// </code>
/// Containers survive a containerd restart or stop: their shims are separate processes, and a new
/// containerd on the same root and state reconnects to them. Only the process this supervisor started
/// (or one started earlier with this very config file) is ever signalled.
/// </remarks>
public sealed class ContainerdSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(1);
    private readonly ContainerdOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private CancellationTokenSource? _supervision;
    private Task? _supervisor;
    private volatile bool _stopping;
    private int _restarts;

    /// <summary>Creates a supervisor; nothing runs until <see cref="StartAsync"/>.</summary>
    public ContainerdSupervisor(ContainerdOptions options, ILogger<ContainerdSupervisor>? logger = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        CgroupVersion = Cgroups.DetectVersion();
    }

    /// <summary>The options this instance runs with (paths included).</summary>
    public ContainerdOptions Options => _options;

    /// <summary>containerd's gRPC/CRI socket.</summary>
    public string SocketPath => _options.SocketPath;

    /// <summary>The CRI endpoint in <c>--container-runtime-endpoint</c> form.</summary>
    public string Endpoint => "unix://" + _options.SocketPath;

    /// <summary>The host's cgroup version (1 or 2), detected at construction.</summary>
    public int CgroupVersion { get; }

    /// <summary>PID of the running containerd, or null.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Time from launching containerd to its first successful CRI Version call, for the last (re)start.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    /// <summary>containerd's version as its CRI reports it, after start.</summary>
    public string RuntimeVersion { get; private set; } = "";

    /// <summary>How many times containerd died and was started again.</summary>
    public int RestartCount => Volatile.Read(ref _restarts);

    /// <summary>
    /// Writes the config, starts containerd and returns once its CRI answers. Throws
    /// <see cref="ContainerdStartException"/> (with containerd's log tail) when it cannot start.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_process is not null)
            {
                throw new InvalidOperationException("containerd is already started");
            }
            _stopping = false;
            ResolveBinary(_options.ContainerdPath);
            ContainerdConfig.Write(_options, CgroupVersion);
            await StopLeftoverAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await LaunchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Never leave a half-started containerd behind.
                if (_process is { } failed)
                {
                    await TerminateAsync(failed).ConfigureAwait(false);
                    failed.Dispose();
                    _process = null;
                    File.Delete(_options.PidPath);
                }
                throw;
            }
            _supervision = new CancellationTokenSource();
            var token = _supervision.Token;
            _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops supervising and stops containerd: SIGTERM, then SIGKILL after <see cref="ContainerdOptions.StopTimeout"/>. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopping = true;
            if (_supervision is not null)
            {
                await _supervision.CancelAsync().ConfigureAwait(false);
                await (_supervisor ?? Task.CompletedTask).ConfigureAwait(false);
                _supervision.Dispose();
                _supervision = null;
                _supervisor = null;
            }
            if (_process is { } process)
            {
                await TerminateAsync(process).ConfigureAwait(false);
                process.Dispose();
                _process = null;
                File.Delete(_options.PidPath);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var logOffset = File.Exists(_options.LogPath) ? new FileInfo(_options.LogPath).Length : 0;
        // A socket file left by a dead instance would make containerd fail to listen.
        File.Delete(_options.SocketPath);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // exec keeps the PID, so the Process we hold is containerd itself; its output goes to a file so
        // it never blocks on (or dies with) a pipe to this process.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" --config \"$1\" </dev/null >>\"$2\" 2>&1");
        start.ArgumentList.Add(_options.ContainerdPath);
        start.ArgumentList.Add(_options.ConfigPath);
        start.ArgumentList.Add(_options.LogPath);
        var started = _time.GetTimestamp();
        var process = Process.Start(start) ?? throw new ContainerdStartException("could not start " + _options.ContainerdPath);
        _process = process;
        await File.WriteAllTextAsync(_options.PidPath, process.Id.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);

        using var client = new CriClient(_options.SocketPath, new CriClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        var deadline = started + (long)(_options.StartTimeout.TotalSeconds * _time.TimestampFrequency);
        Exception? last = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new ContainerdStartException(
                    $"containerd exited with code {process.ExitCode} while starting (config {_options.ConfigPath}); log:\n{LogTail(logOffset)}");
            }
            if (File.Exists(_options.SocketPath))
            {
                try
                {
                    var version = await client.VersionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    LastStartDuration = _time.GetElapsedTime(started);
                    RuntimeVersion = version.RuntimeVersion;
                    _logger.LogInformation("containerd {Version} (pid {Pid}) ready in {Ms} ms at {Socket}",
                        version.RuntimeVersion, process.Id, (int)LastStartDuration.TotalMilliseconds, _options.SocketPath);
                    return;
                }
                catch (CriException e)
                {
                    last = e;
                }
            }
            if (_time.GetTimestamp() > deadline)
            {
                await TerminateAsync(process).ConfigureAwait(false);
                throw new ContainerdStartException(
                    $"containerd did not answer CRI Version within {_options.StartTimeout.TotalSeconds:0} s ({last?.Message ?? "socket never appeared"}); log:\n{LogTail(logOffset)}", last);
            }
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var backoff = _options.InitialRestartBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            var process = _process;
            if (process is null)
            {
                return;
            }
            var startedAt = _time.GetTimestamp();
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_stopping)
            {
                return;
            }
            if (_time.GetElapsedTime(startedAt) > StableRun)
            {
                backoff = _options.InitialRestartBackoff;
            }
            _logger.LogError("containerd (pid {Pid}) exited unexpectedly with code {Code}; restarting in {Backoff}",
                process.Id, process.ExitCode, backoff);
            try
            {
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxRestartBackoff.Ticks));
                await LaunchAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _restarts);
                process.Dispose();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                // The failed process is _process now; its exit ends the next wait at once and we back off again.
                _logger.LogError(e, "restarting containerd failed");
            }
        }
    }

    // Stops a containerd that an earlier agent started with this same config and left running.
    private async Task StopLeftoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_options.PidPath)
            || !int.TryParse(await File.ReadAllTextAsync(_options.PidPath, cancellationToken).ConfigureAwait(false), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || pid <= 1)
        {
            return;
        }
        if (!IsOurContainerd(ProcessSignals.CommandLine(pid)))
        {
            File.Delete(_options.PidPath);
            return;
        }
        _logger.LogWarning("stopping containerd (pid {Pid}) left running by an earlier agent on {Config}", pid, _options.ConfigPath);
        ProcessSignals.Send(pid, ProcessSignals.SigTerm);
        var deadline = _time.GetTimestamp() + (long)(_options.StopTimeout.TotalSeconds * _time.TimestampFrequency);
        while (IsOurContainerd(ProcessSignals.CommandLine(pid)))
        {
            if (_time.GetTimestamp() > deadline)
            {
                ProcessSignals.Send(pid, ProcessSignals.SigKill);
                deadline = long.MaxValue;
            }
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
        File.Delete(_options.PidPath);
    }

    private bool IsOurContainerd(string[]? commandLine)
    {
        if (commandLine is null || commandLine.Length < 3 || !Path.GetFileName(commandLine[0]).StartsWith("containerd", StringComparison.Ordinal))
        {
            return false;
        }
        var config = Array.IndexOf(commandLine, "--config");
        return config >= 0 && config + 1 < commandLine.Length && commandLine[config + 1] == _options.ConfigPath;
    }

    private async Task TerminateAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }
        ProcessSignals.Send(process.Id, ProcessSignals.SigTerm);
        using var timeout = new CancellationTokenSource(_options.StopTimeout, _time);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("containerd (pid {Pid}) did not exit within {Timeout} of SIGTERM; sending SIGKILL", process.Id, _options.StopTimeout);
        }
        if (!process.HasExited)
        {
            ProcessSignals.Send(process.Id, ProcessSignals.SigKill);
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private string LogTail(long offset, int lines = 25)
    {
        try
        {
            using var stream = new FileStream(_options.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return "(log unreadable: " + e.Message + ")";
        }
    }

    private static void ResolveBinary(string path)
    {
        if (Path.IsPathRooted(path) ? File.Exists(path) : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, path))))
        {
            return;
        }
        throw new ContainerdStartException($"{path} not found (install containerd, runc and containernetworking-plugins: scripts/install-deps.sh)");
    }
}
