using System.Runtime.InteropServices;

namespace Berth.Node.Containerd;

/// <summary>Sends POSIX signals to one process by PID (.NET only offers SIGKILL).</summary>
internal static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>True when the signal was delivered; false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal)
    {
        if (pid <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "refusing to signal PID <= 1");
        }
        return Kill(pid, signal) == 0;
    }

    /// <summary>The command line of a live process (arguments split), or null when it is gone.</summary>
    public static string[]? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? null : raw.TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
