namespace Berth.Node.Cri;

/// <summary>Settings of <see cref="CriClient"/>.</summary>
public sealed record CriClientOptions
{
    /// <summary>
    /// Deadline of an ordinary call, like the kubelet's <c>--runtime-request-timeout</c> (default 2 min).
    /// StopContainer and ExecSync get their own timeout on top; PullImage has no deadline.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest response accepted, in bytes (the kubelet's 16 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>How long opening the unix socket may take before the call fails as Unavailable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
