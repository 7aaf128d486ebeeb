using System.Globalization;

namespace Berth.Controllers.CronJobs;

/// <summary>
/// A CronJob schedule as robfig/cron/v3's ParseStandard reads it: five fields (minute hour
/// day-of-month month day-of-week, with names, ranges, steps, <c>*</c> and <c>?</c>), the descriptors
/// <c>@yearly @annually @monthly @weekly @daily @midnight @hourly</c>, <c>@every &lt;duration&gt;</c>, and an
/// optional <c>TZ=</c>/<c>CRON_TZ=</c> prefix. <see cref="Next"/> gives the first activation strictly
/// after an instant.
/// </summary>
/// <remarks>
/// As in robfig: when both day-of-month and day-of-week are restricted a day matches either; a field
/// written <c>*</c> (or <c>?</c>, or <c>*/1</c>) is unrestricted. Wall-clock times that do not exist in
/// the zone (a spring-forward gap) are skipped; an ambiguous one (fall-back) runs at its first occurrence.
/// </remarks>
public sealed class CronExpression
{
    private const ulong StarBit = 1UL << 63;

    private readonly ulong _minute;
    private readonly ulong _hour;
    private readonly ulong _dom;
    private readonly ulong _month;
    private readonly ulong _dow;

    private CronExpression(ulong minute, ulong hour, ulong dom, ulong month, ulong dow, TimeZoneInfo? zone, TimeSpan? every)
    {
        _minute = minute;
        _hour = hour;
        _dom = dom;
        _month = month;
        _dow = dow;
        Zone = zone;
        Every = every;
    }

    /// <summary>The zone of a TZ= prefix, or null (the caller's zone applies).</summary>
    public TimeZoneInfo? Zone { get; }

    /// <summary>The interval of an <c>@every</c> schedule, or null.</summary>
    public TimeSpan? Every { get; }

    private static readonly Dictionary<string, int> MonthNames = new(StringComparer.Ordinal)
    {
        ["jan"] = 1,
        ["feb"] = 2,
        ["mar"] = 3,
        ["apr"] = 4,
        ["may"] = 5,
        ["jun"] = 6,
        ["jul"] = 7,
        ["aug"] = 8,
        ["sep"] = 9,
        ["oct"] = 10,
        ["nov"] = 11,
        ["dec"] = 12,
    };

    private static readonly Dictionary<string, int> DayNames = new(StringComparer.Ordinal)
    {
        ["sun"] = 0,
        ["mon"] = 1,
        ["tue"] = 2,
        ["wed"] = 3,
        ["thu"] = 4,
        ["fri"] = 5,
        ["sat"] = 6,
    };

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> with robfig's wording.</summary>
    public static CronExpression Parse(string spec)
    {
        if (Berth.Api.Validation.CronSchedule.Validate(spec) is { } error)
        {
            throw new FormatException(error);
        }
        TimeZoneInfo? zone = null;
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            zone = FindZone(spec[(eq + 1)..space]);
            spec = spec[space..].Trim();
        }
        if (spec.StartsWith('@'))
        {
            return spec switch
            {
                "@yearly" or "@annually" => Parse5("0 0 1 1 *", zone),
                "@monthly" => Parse5("0 0 1 * *", zone),
                "@weekly" => Parse5("0 0 * * 0", zone),
                "@daily" or "@midnight" => Parse5("0 0 * * *", zone),
                "@hourly" => Parse5("0 * * * *", zone),
                _ => EveryOf(spec["@every ".Length..], zone),
            };
        }
        return Parse5(spec, zone);
    }

    /// <summary>An IANA zone (or "UTC"/"Local").</summary>
    public static TimeZoneInfo FindZone(string id) => id switch
    {
        "UTC" or "" => TimeZoneInfo.Utc,
        "Local" => TimeZoneInfo.Local,
        _ => TimeZoneInfo.FindSystemTimeZoneById(id),
    };

    private static CronExpression EveryOf(string duration, TimeZoneInfo? zone)
    {
        var d = ParseGoDuration(duration);
        // robfig: at least a second, whole seconds only.
        if (d < TimeSpan.FromSeconds(1))
        {
            d = TimeSpan.FromSeconds(1);
        }
        d -= TimeSpan.FromTicks(d.Ticks % TimeSpan.TicksPerSecond);
        return new CronExpression(0, 0, 0, 0, 0, zone, d);
    }

    private static CronExpression Parse5(string spec, TimeZoneInfo? zone)
    {
        var f = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new CronExpression(Field(f[0], 0, 59, null), Field(f[1], 0, 23, null), Field(f[2], 1, 31, null), Field(f[3], 1, 12, MonthNames),
            Field(f[4], 0, 6, DayNames), zone, null);
    }

    private static ulong Field(string field, int min, int max, Dictionary<string, int>? names)
    {
        ulong bits = 0;
        foreach (var expr in field.Split(','))
        {
            bits |= Range(expr, min, max, names);
        }
        return bits;
    }

    private static ulong Range(string expr, int min, int max, Dictionary<string, int>? names)
    {
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        int start, end;
        ulong extra = 0;
        if (lowAndHigh[0] is "*" or "?")
        {
            start = min;
            end = max;
            extra = StarBit;
        }
        else
        {
            start = Number(lowAndHigh[0], names);
            end = lowAndHigh.Length == 2 ? Number(lowAndHigh[1], names) : start;
        }
        var step = 1;
        if (rangeAndStep.Length == 2)
        {
            step = Number(rangeAndStep[1], null);
            if (lowAndHigh.Length == 1 && extra == 0)
            {
                // "N/step" means N through the maximum.
                end = max;
            }
            if (step > 1)
            {
                extra = 0;
            }
        }
        ulong bits = 0;
        for (var i = start; i <= end; i += step)
        {
            bits |= 1UL << i;
        }
        return bits | extra;
    }

    private static int Number(string s, Dictionary<string, int>? names) =>
        names is not null && names.TryGetValue(s.ToLowerInvariant(), out var n) ? n : int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Go's time.ParseDuration for the units cron accepts (ns us µs ms s m h), e.g. "1h30m", "1.5s".</summary>
    public static TimeSpan ParseGoDuration(string s)
    {
        var negative = s.StartsWith('-');
        var i = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        if (s[i..] == "0")
        {
            return TimeSpan.Zero;
        }
        double ticks = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            var value = double.Parse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            ticks += value * s[unitStart..i] switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                var u => throw new FormatException($"time: unknown unit \"{u}\" in duration \"{s}\""),
            };
        }
        var result = TimeSpan.FromTicks((long)ticks);
        return negative ? -result : result;
    }

    /// <summary>
    /// The first activation strictly after <paramref name="after"/>, reading the fields in the schedule's
    /// TZ= zone or else <paramref name="zone"/>; null when none comes within five years (an impossible date).
    /// </summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        if (Every is { } every)
        {
            // ConstantDelaySchedule: whole seconds after the instant, dropping its fraction.
            var t = after.AddTicks(-(after.UtcTicks % TimeSpan.TicksPerSecond));
            return t + every;
        }
        var tz = Zone ?? zone;
        var local = TimeZoneInfo.ConvertTime(after, tz).DateTime;
        // Start at the next whole minute (seconds are always 0 in standard schedules).
        local = new DateTime(local.Ticks - (local.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified).AddMinutes(1);
        var yearLimit = local.Year + 5;
        while (local.Year <= yearLimit)
        {
            if ((_month & (1UL << local.Month)) == 0)
            {
                local = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }
            if (!DayMatches(local))
            {
                local = local.Date.AddDays(1);
                continue;
            }
            if ((_hour & (1UL << local.Hour)) == 0)
            {
                local = local.Date.AddHours(local.Hour + 1);
                continue;
            }
            if ((_minute & (1UL << local.Minute)) == 0)
            {
                local = local.AddMinutes(1);
                continue;
            }
            if (tz.IsInvalidTime(local))
            {
                local = local.AddMinutes(1);
                continue;
            }
            var offset = tz.IsAmbiguousTime(local) ? tz.GetAmbiguousTimeOffsets(local).Max() : tz.GetUtcOffset(local);
            var candidate = new DateTimeOffset(local, offset);
            if (candidate > after)
            {
                return candidate;
            }
            local = local.AddMinutes(1);
        }
        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var domMatch = (_dom & (1UL << t.Day)) != 0;
        var dowMatch = (_dow & (1UL << (int)t.DayOfWeek)) != 0;
        if ((_dom & StarBit) != 0 || (_dow & StarBit) != 0)
        {
            return domMatch && dowMatch;
        }
        return domMatch || dowMatch;
    }
}
