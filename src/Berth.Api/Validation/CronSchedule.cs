using System.Globalization;

namespace Berth.Api.Validation;

/// <summary>
/// Validates a cron schedule as robfig/cron/v3's ParseStandard does for CronJobs (five fields or a
/// <c>@</c> descriptor, optional <c>TZ=</c>/<c>CRON_TZ=</c> prefix), returning the library's error
/// text, which kube-apiserver passes through verbatim.
/// </summary>
public static class CronSchedule
{
    private readonly record struct Bounds(int Min, int Max, Dictionary<string, int>? Names);

    private static readonly Bounds Minutes = new(0, 59, null);
    private static readonly Bounds Hours = new(0, 23, null);
    private static readonly Bounds Dom = new(1, 31, null);
    private static readonly Bounds Months = new(1, 12, new Dictionary<string, int>(StringComparer.Ordinal)
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
    });
    private static readonly Bounds Dow = new(0, 6, new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["sun"] = 0,
        ["mon"] = 1,
        ["tue"] = 2,
        ["wed"] = 3,
        ["thu"] = 4,
        ["fri"] = 5,
        ["sat"] = 6,
    });

    /// <summary>The parse error, or null when the schedule is valid.</summary>
    public static string? Validate(string spec)
    {
        if (spec.Length == 0)
        {
            return "empty spec string";
        }
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (space < 0)
            {
                return $"provided bad location {spec[(eq + 1)..]}: unknown time zone {spec[(eq + 1)..]}";
            }
            var zone = spec[(eq + 1)..space];
            if (!IsKnownZone(zone))
            {
                return $"provided bad location {zone}: unknown time zone {zone}";
            }
            spec = spec[space..].Trim();
        }
        if (spec.StartsWith('@'))
        {
            return Descriptor(spec);
        }
        var fields = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"expected exactly 5 fields, found {fields.Length}: [{string.Join(' ', fields)}]";
        }
        Bounds[] bounds = [Minutes, Hours, Dom, Months, Dow];
        for (var i = 0; i < 5; i++)
        {
            foreach (var expr in fields[i].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Range(expr, bounds[i]) is { } err)
                {
                    return err;
                }
            }
        }
        return null;
    }

    private static bool IsKnownZone(string zone)
    {
        if (zone is "UTC" or "Local")
        {
            return true;
        }
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(zone);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static string? Descriptor(string descriptor)
    {
        switch (descriptor)
        {
            case "@yearly" or "@annually" or "@monthly" or "@weekly" or "@daily" or "@midnight" or "@hourly":
                return null;
        }
        const string Every = "@every ";
        if (descriptor.StartsWith(Every, StringComparison.Ordinal))
        {
            var d = descriptor[Every.Length..];
            return IsGoDuration(d) ? null : $"failed to parse duration {descriptor}: time: invalid duration \"{d}\"";
        }
        return $"unrecognized descriptor: {descriptor}";
    }

    // time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with units ns us µs ms s m h.
    private static bool IsGoDuration(string s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }
        if (s[i..] == "0")
        {
            return true;
        }
        if (i >= s.Length)
        {
            return false;
        }
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            if (s[unitStart..i] is not ("ns" or "us" or "µs" or "μs" or "ms" or "s" or "m" or "h"))
            {
                return false;
            }
        }
        return true;
    }

    private static string? Range(string expr, Bounds r)
    {
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        var singleDigit = lowAndHigh.Length == 1;
        long start, end;
        if (lowAndHigh[0] is "*" or "?")
        {
            start = r.Min;
            end = r.Max;
        }
        else
        {
            if (IntOrName(lowAndHigh[0], r.Names, out start) is { } e1)
            {
                return e1;
            }
            switch (lowAndHigh.Length)
            {
                case 1:
                    end = start;
                    break;
                case 2:
                    if (IntOrName(lowAndHigh[1], r.Names, out end) is { } e2)
                    {
                        return e2;
                    }
                    break;
                default:
                    return $"too many hyphens: {expr}";
            }
        }
        long step;
        switch (rangeAndStep.Length)
        {
            case 1:
                step = 1;
                break;
            case 2:
                if (ParseInt(rangeAndStep[1], out step) is { } e3)
                {
                    return e3;
                }
                if (singleDigit)
                {
                    end = r.Max;
                }
                break;
            default:
                return $"too many slashes: {expr}";
        }
        if (start < r.Min)
        {
            return $"beginning of range ({start}) below minimum ({r.Min}): {expr}";
        }
        if (end > r.Max)
        {
            return $"end of range ({end}) above maximum ({r.Max}): {expr}";
        }
        if (start > end)
        {
            return $"beginning of range ({start}) beyond end of range ({end}): {expr}";
        }
        if (step == 0)
        {
            return $"step of range should be a positive number: {expr}";
        }
        return null;
    }

    private static string? IntOrName(string expr, Dictionary<string, int>? names, out long value)
    {
        if (names is not null && names.TryGetValue(expr.ToLowerInvariant(), out var named))
        {
            value = named;
            return null;
        }
        return ParseInt(expr, out value);
    }

    // mustParseInt: strconv.Atoi, then no negatives.
    private static string? ParseInt(string expr, out long value)
    {
        value = 0;
        var digits = expr.StartsWith('+') || expr.StartsWith('-') ? expr[1..] : expr;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return $"failed to parse int from {expr}: strconv.Atoi: parsing {GoValues.Quote(expr)}: invalid syntax";
        }
        if (!long.TryParse(expr, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return $"failed to parse int from {expr}: strconv.Atoi: parsing {GoValues.Quote(expr)}: value out of range";
        }
        if (value < 0)
        {
            return $"negative number ({value}) not allowed: {expr}";
        }
        return null;
    }
}
