using System.Globalization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Durations as kubectl prints ages: apimachinery's <c>duration.HumanDuration</c> (about 2–3 significant figures:
/// <c>45s</c>, <c>3m2s</c>, <c>10m</c>, <c>5h3m</c>, <c>20h</c>, <c>2d3h</c>, <c>30d</c>, <c>2y3d</c>, <c>9y</c>).
/// </summary>
public static class HumanDuration
{
    /// <summary>
    /// Formats <paramref name="d"/>. Up to 2 s in the future reads as <c>0s</c> (clock skew); further in the
    /// future reads <c>&lt;invalid&gt;</c>, as in Kubernetes.
    /// </summary>
    public static string Format(TimeSpan d)
    {
        // Go converts with truncation toward zero; so does C# integer division on ticks.
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return Str(seconds) + "s";
        }
        var minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Str(minutes) + "m" : Str(minutes) + "m" + Str(s) + "s";
        }
        if (minutes < 60 * 3)
        {
            return Str(minutes) + "m";
        }
        var hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Str(hours) + "h" : Str(hours) + "h" + Str(m) + "m";
        }
        if (hours < 48)
        {
            return Str(hours) + "h";
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Str(hours / 24) + "d" : Str(hours / 24) + "d" + Str(h) + "h";
        }
        if (hours < 24 * 365 * 2)
        {
            return Str(hours / 24) + "d";
        }
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Str(hours / 24 / 365) + "y" : Str(hours / 24 / 365) + "y" + Str(dy) + "d";
        }
        return Str(hours / 24 / 365) + "y";
    }

    private static string Str(long n) => n.ToString(CultureInfo.InvariantCulture);
}
