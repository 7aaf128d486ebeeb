using System.Globalization;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>Resolves an int-or-percent field against a total, as intstr.GetScaledValueFromIntOrPercent does.</summary>
public static class IntOrPercent
{
    /// <summary>
    /// The value: the number itself, or the percentage of <paramref name="total"/> rounded up
    /// (<paramref name="roundUp"/>) or down. A null value gives <paramref name="fallback"/>.
    /// </summary>
    /// <exception cref="FormatException">A string that is not a whole percentage.</exception>
    public static int Scaled(IntOrString? value, int total, bool roundUp, int fallback = 0)
    {
        if (value?.Value is not { Length: > 0 } text)
        {
            return fallback;
        }
        if (!text.EndsWith('%'))
        {
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new FormatException($"invalid value for IntOrString: invalid type: string is not a percentage");
        }
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value \"{text}\": strconv.Atoi: parsing \"{text[..^1]}\": invalid syntax");
        }
        var product = (long)percent * total;
        return roundUp ? (int)((product + 99) / 100) : (int)(product / 100);
    }
}
