using Grpc.Core;

namespace Berth.Node.Cri;

/// <summary>A CRI call that the runtime answered with a gRPC error (or that could not reach it).</summary>
public sealed class CriException : Exception
{
    /// <summary>Creates an exception for <paramref name="method"/> failing with <paramref name="statusCode"/>.</summary>
    public CriException(string method, StatusCode statusCode, string detail, Exception? innerException = null)
        : base($"CRI {method}: {statusCode}: {detail}", innerException)
    {
        Method = method;
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>The CRI method, e.g. "ContainerStatus".</summary>
    public string Method { get; }

    /// <summary>The gRPC status code: NotFound for unknown ids, Unavailable when the runtime cannot be reached.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The runtime's error text.</summary>
    public string Detail { get; }

    /// <summary>True for <see cref="StatusCode.NotFound"/>.</summary>
    public bool IsNotFound => StatusCode == StatusCode.NotFound;

    internal static CriException From(string method, RpcException e) => new(method, e.StatusCode, e.Status.Detail, e);
}
