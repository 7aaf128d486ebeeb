using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Berth.ApiServer.Tests.Tables;

/// <summary>
/// CPU time consumed by the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), so a timing printed on a machine
/// shared with other builds reflects the work done rather than the wait for a core. Falls back to process CPU time
/// elsewhere.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which the test project
    // does not allow, and this signature needs no marshalling.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    public static TimeSpan Now()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
        {
            return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
        }
        return Process.GetCurrentProcess().TotalProcessorTime;
    }
}
