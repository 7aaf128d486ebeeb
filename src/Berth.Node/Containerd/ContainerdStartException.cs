namespace Berth.Node.Containerd;

/// <summary>containerd could not be started or did not become ready; the message carries its log tail.</summary>
public sealed class ContainerdStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerdStartException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
