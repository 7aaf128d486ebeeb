using System.Globalization;
using k8s.Models;

namespace Berth.Api.Quantities;

/// <summary>
/// Arithmetic on KubernetesClient's <see cref="ResourceQuantity"/> with the semantics of
/// k8s.io/apimachinery's <c>resource.Quantity</c>: exact decimal values, the left operand's format
/// unless it is zero (as <c>Quantity.Add</c>), and <c>Value</c>/<c>MilliValue</c> rounding up away from zero.
/// </summary>
/// <remarks>
/// <see cref="ResourceQuantity"/> itself has no arithmetic and prints negative values wrongly, so results
/// are built from decimals here and printed through <see cref="Format"/>. Quantities are treated as
/// immutable: every operation returns a new instance.
/// </remarks>
public static class QuantityMath
{
    /// <summary>The largest value whose milli-value fits in an int64 (resource.MaxMilliValue).</summary>
    public const decimal MaxMilliValue = long.MaxValue / 1000;

    /// <summary>A zero in DecimalSI, as <c>resource.Quantity{Format: DecimalSI}</c>.</summary>
    public static ResourceQuantity Zero => new(0m, 0, ResourceQuantity.SuffixFormat.DecimalSI);

    /// <summary>An integer count in DecimalSI (resource.NewQuantity(n, DecimalSI)).</summary>
    public static ResourceQuantity Count(long n) => new(n, 0, ResourceQuantity.SuffixFormat.DecimalSI);

    /// <summary>Parses a quantity; false (never an exception) for text that is not one.</summary>
    public static bool TryParse(string? text, out ResourceQuantity quantity)
    {
        quantity = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        try
        {
            quantity = new ResourceQuantity(text.Trim());
            _ = quantity.ToDecimal();
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Builds a quantity of <paramref name="value"/> in <paramref name="format"/>.</summary>
    public static ResourceQuantity From(decimal value, ResourceQuantity.SuffixFormat format) => new(value, 0, format);

    public static decimal Value(this ResourceQuantity q) => RoundAway(q.ToDecimal());

    /// <summary>The value in thousandths, rounded up away from zero (Quantity.MilliValue).</summary>
    public static decimal MilliValue(this ResourceQuantity q) => RoundAway(q.ToDecimal() * 1000m);

    private static decimal RoundAway(decimal v) => v >= 0 ? decimal.Ceiling(v) : decimal.Floor(v);

    public static int Sign(this ResourceQuantity q) => Math.Sign(q.ToDecimal());

    public static bool IsZero(this ResourceQuantity q) => q.ToDecimal() == 0m;

    /// <summary>Compares the exact values (Quantity.Cmp).</summary>
    public static int Compare(ResourceQuantity a, ResourceQuantity b) => a.ToDecimal().CompareTo(b.ToDecimal());

    /// <summary>a + b in a's format, or b's when a is zero (Quantity.Add).</summary>
    public static ResourceQuantity Add(ResourceQuantity a, ResourceQuantity b)
    {
        var av = a.ToDecimal();
        return From(av + b.ToDecimal(), av == 0m ? b.Format : a.Format);
    }

    /// <summary>a - b in a's format, or b's when a is zero (Quantity.Sub).</summary>
    public static ResourceQuantity Subtract(ResourceQuantity a, ResourceQuantity b)
    {
        var av = a.ToDecimal();
        return From(av - b.ToDecimal(), av == 0m ? b.Format : a.Format);
    }

    /// <summary>Rounds up to a whole number (Quantity.RoundUp(0)), keeping the format.</summary>
    public static ResourceQuantity RoundUpToInteger(ResourceQuantity q)
    {
        var v = q.ToDecimal();
        var r = RoundAway(v);
        return r == v ? q : From(r, q.Format);
    }

    /// <summary>
    /// The canonical text, as <c>Quantity.String()</c> prints it ("1536Mi", "250m", "2"), including for
    /// negative values, which <see cref="ResourceQuantity.ToString"/> gets wrong.
    /// </summary>
    public static string Format(ResourceQuantity q)
    {
        var v = q.ToDecimal();
        if (v >= 0)
        {
            return q.ToString();
        }
        return "-" + From(-v, q.Format).ToString();
    }

    /// <summary>A Go <c>%f</c> rendering (six decimals).</summary>
    public static string FormatFloat(double value) => value.ToString("F6", CultureInfo.InvariantCulture);
}
