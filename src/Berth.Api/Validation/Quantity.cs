using System.Globalization;
using System.Numerics;
using System.Text;

namespace Berth.Api.Validation;

/// <summary>How a <see cref="Quantity"/> prints: the suffix family of resource.Quantity.</summary>
public enum QuantityFormat
{
    /// <summary>Decimal SI suffixes: n u m "" k M G T P E.</summary>
    DecimalSI,
    /// <summary>Binary SI suffixes: Ki Mi Gi Ti Pi Ei.</summary>
    BinarySI,
    /// <summary>e-notation: 1e3.</summary>
    DecimalExponent,
}

/// <summary>
/// An exact port of k8s.io/apimachinery resource.Quantity parsing, comparison and canonical printing
/// ("1000m" → "1", "1024Mi" → "1Gi", "0.5" → "500m"), which KubernetesClient's ResourceQuantity does not
/// reproduce for every input (negative values, rounding).
/// </summary>
/// <remarks>The value is <c>Unscaled × 10^-Scale</c>, rounded up to nano precision as Go does.</remarks>
public readonly struct Quantity : IComparable<Quantity>, IEquatable<Quantity>
{
    /// <summary>kube-apiserver's message for a malformed quantity.</summary>
    public const string FormatError =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public const string NumericError = "unable to parse numeric part of quantity";
    public const string SuffixError = "unable to parse quantity's suffix";

    private static readonly BigInteger MaxAllowed = long.MaxValue;

    private readonly BigInteger _unscaled;
    private readonly int _scale;
    private readonly string? _original;

    private Quantity(BigInteger unscaled, int scale, QuantityFormat format, string? original = null)
    {
        _unscaled = unscaled;
        _scale = scale;
        Format = format;
        _original = original;
    }

    public QuantityFormat Format { get; }

    public static Quantity Zero => new(BigInteger.Zero, 0, QuantityFormat.DecimalSI);

    public int Sign => _unscaled.Sign;

    public bool IsZero => _unscaled.IsZero;

    /// <summary>Parses like resource.ParseQuantity (after trimming spaces, as JSON decoding does).</summary>
    public static bool TryParse(string? text, out Quantity quantity, out string error)
    {
        quantity = Zero;
        error = FormatError;
        if (text is null)
        {
            return false;
        }
        var str = text.Trim();
        if (str.Length == 0)
        {
            return false;
        }
        if (str == "0")
        {
            quantity = new Quantity(BigInteger.Zero, 0, QuantityFormat.DecimalSI, "0");
            error = "";
            return true;
        }
        if (!Split(str, out _, out var value, out var num, out var denom, out var suffix))
        {
            return false;
        }
        if (!Interpret(suffix, out var binary, out var exponent, out var format))
        {
            error = SuffixError;
            return false;
        }
        // Fast-path reuse of the input text, as Go does, when it is already in canonical form.
        string? cache = null;
        if (!binary)
        {
            var scale0 = exponent - denom.Length;
            var shifted = num + denom;
            if (num.Length + denom.Length <= 18 && scale0 >= -9 && scale0 % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal)
                && shifted[0] != '0')
            {
                cache = str;
            }
        }
        else if (denom.Length == 0 && long.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && 15 - num.Length - (int)(exponent * 3f / 10) - 1 >= 0 && (n & 7) != 0)
        {
            cache = str;
        }
        if (!TryParseDecimal(value, out var unscaled, out var scale))
        {
            error = NumericError;
            return false;
        }
        if (!binary)
        {
            scale -= exponent;
        }
        else
        {
            unscaled *= BigInteger.Pow(2, exponent);
        }
        var negative = unscaled.Sign < 0;
        if (negative)
        {
            unscaled = -unscaled;
        }
        if (!unscaled.IsZero && scale > 9)
        {
            // Round up (away from zero) to nano precision: asking for a tiny amount yields a tiny amount.
            var div = BigInteger.Pow(10, scale - 9);
            var q = BigInteger.DivRem(unscaled, div, out var rem);
            unscaled = rem.IsZero ? q : q + 1;
            scale = 9;
            cache = null;
        }
        if (format == QuantityFormat.BinarySI)
        {
            if (CompareScaled(unscaled, scale, MaxAllowed, 0) > 0)
            {
                unscaled = MaxAllowed;
                scale = 0;
                cache = null;
            }
            if (!unscaled.IsZero && CompareScaled(unscaled, scale, BigInteger.One, 0) < 0)
            {
                format = QuantityFormat.DecimalSI;
            }
        }
        if (negative)
        {
            unscaled = -unscaled;
        }
        quantity = new Quantity(unscaled, scale, format, cache);
        error = "";
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with kube's message.</summary>
    public static Quantity Parse(string text) =>
        TryParse(text, out var q, out var error) ? q : throw new FormatException(error);

    private static bool Split(string str, out bool positive, out string value, out string num, out string denom, out string suffix)
    {
        positive = true;
        value = num = denom = suffix = "";
        var pos = 0;
        var end = str.Length;
        if (str[0] == '-')
        {
            positive = false;
            pos++;
        }
        else if (str[0] == '+')
        {
            pos++;
        }
        while (pos < end && str[pos] == '0')
        {
            pos++;
        }
        if (pos >= end)
        {
            num = "0";
            value = "0";
            return true;
        }
        var start = pos;
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }
        num = str[start..pos];
        if (pos >= end)
        {
            value = str;
            return true;
        }
        if (num.Length == 0)
        {
            num = "0";
        }
        if (str[pos] == '.')
        {
            pos++;
            start = pos;
            while (pos < end && char.IsAsciiDigit(str[pos]))
            {
                pos++;
            }
            denom = str[start..pos];
            if (pos >= end)
            {
                value = str;
                return true;
            }
        }
        value = str[..pos];
        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(str[pos], StringComparison.Ordinal))
        {
            pos++;
        }
        if (pos < end && str[pos] is '-' or '+')
        {
            pos++;
        }
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }
        if (pos < end)
        {
            return false;
        }
        suffix = str[suffixStart..];
        return true;
    }

    private static bool Interpret(string suffix, out bool binary, out int exponent, out QuantityFormat format)
    {
        binary = false;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0,
            "n" => -9,
            "u" => -6,
            "m" => -3,
            "k" => 3,
            "M" => 6,
            "G" => 9,
            "T" => 12,
            "P" => 15,
            "E" => 18,
            _ => int.MinValue,
        };
        if (exponent != int.MinValue)
        {
            return true;
        }
        exponent = suffix switch
        {
            "Ki" => 10,
            "Mi" => 20,
            "Gi" => 30,
            "Ti" => 40,
            "Pi" => 50,
            "Ei" => 60,
            _ => int.MinValue,
        };
        if (exponent != int.MinValue)
        {
            binary = true;
            format = QuantityFormat.BinarySI;
            return true;
        }
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            format = QuantityFormat.DecimalExponent;
            return true;
        }
        exponent = 0;
        return false;
    }

    private static bool TryParseDecimal(string value, out BigInteger unscaled, out int scale)
    {
        unscaled = BigInteger.Zero;
        scale = 0;
        var s = value.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var dot = s.IndexOf('.');
        var digits = new StringBuilder(s.Length);
        if (dot >= 0)
        {
            digits.Append(s[..dot]).Append(s[(dot + 1)..]);
            scale = s.Length - dot - 1;
        }
        else
        {
            digits.Append(s);
        }
        if (digits.Length == 0)
        {
            return false;
        }
        for (var i = 0; i < digits.Length; i++)
        {
            if (!char.IsAsciiDigit(digits[i]))
            {
                return false;
            }
        }
        unscaled = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            unscaled = -unscaled;
        }
        return true;
    }

    private static int CompareScaled(BigInteger a, int aScale, BigInteger b, int bScale)
    {
        if (aScale == bScale)
        {
            return a.CompareTo(b);
        }
        return aScale > bScale
            ? a.CompareTo(b * BigInteger.Pow(10, aScale - bScale))
            : (a * BigInteger.Pow(10, bScale - aScale)).CompareTo(b);
    }

    public int CompareTo(Quantity other) => CompareScaled(_unscaled, _scale, other._unscaled, other._scale);

    public bool Equals(Quantity other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode()
    {
        var (u, _) = Normalize(_unscaled, _scale);
        return u.GetHashCode();
    }

    public static bool operator ==(Quantity a, Quantity b) => a.Equals(b);
    public static bool operator !=(Quantity a, Quantity b) => !a.Equals(b);
    public static bool operator <(Quantity a, Quantity b) => a.CompareTo(b) < 0;
    public static bool operator >(Quantity a, Quantity b) => a.CompareTo(b) > 0;
    public static bool operator <=(Quantity a, Quantity b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Quantity a, Quantity b) => a.CompareTo(b) >= 0;

    /// <summary>The sum, in the left operand's format (resource.Quantity.Add).</summary>
    public Quantity Add(Quantity other)
    {
        var scale = Math.Max(_scale, other._scale);
        var a = _unscaled * BigInteger.Pow(10, scale - _scale);
        var b = other._unscaled * BigInteger.Pow(10, scale - other._scale);
        return new Quantity(a + b, scale, Format);
    }

    public static Quantity operator +(Quantity a, Quantity b) => a.Add(b);

    /// <summary>Value rounded up (away from zero) to the given power of ten, as resource.Quantity.RoundUp.</summary>
    public Quantity RoundUp(int scale)
    {
        if (_scale <= scale)
        {
            // Already coarse enough: Go keeps the cached text too.
            return this;
        }
        var div = BigInteger.Pow(10, _scale - scale);
        var q = BigInteger.DivRem(BigInteger.Abs(_unscaled), div, out var rem);
        if (!rem.IsZero)
        {
            q += 1;
        }
        return new Quantity(_unscaled.Sign < 0 ? -q : q, scale, Format);
    }

    /// <summary>SetDefaults_ResourceList: round up to milli precision.</summary>
    public Quantity RoundUpToMilli() => RoundUp(3);

    /// <summary>The value as an integer, rounded up (resource.Quantity.Value).</summary>
    public long Value() => ScaledValue(0);

    /// <summary>The value in thousandths, rounded up (resource.Quantity.MilliValue).</summary>
    public long MilliValue() => ScaledValue(3);

    private long ScaledValue(int decimals)
    {
        var r = RoundUp(decimals);
        var v = r._unscaled * BigInteger.Pow(10, decimals - r._scale);
        return v > long.MaxValue ? long.MaxValue : v < long.MinValue ? long.MinValue : (long)v;
    }

    public decimal ToDecimal()
    {
        var (u, s) = Normalize(_unscaled, _scale);
        return (decimal)u / (decimal)Math.Pow(10, s);
    }

    private static (BigInteger Unscaled, int Scale) Normalize(BigInteger u, int scale)
    {
        if (u.IsZero)
        {
            return (u, 0);
        }
        while (scale > int.MinValue + 1)
        {
            var q = BigInteger.DivRem(u, 10, out var rem);
            if (!rem.IsZero)
            {
                break;
            }
            u = q;
            scale--;
        }
        return (u, scale);
    }

    /// <summary>The canonical form (resource.Quantity.String).</summary>
    public override string ToString()
    {
        if (_original is not null)
        {
            return _original;
        }
        if (_unscaled.IsZero)
        {
            return "0";
        }
        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            if (CompareScaled(_unscaled, _scale, -1024, 0) > 0 && CompareScaled(_unscaled, _scale, 1024, 0) < 0)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                var (u, s) = Normalize(_unscaled, _scale);
                if (s > 0)
                {
                    format = QuantityFormat.DecimalSI;
                }
                else
                {
                    var value = u * BigInteger.Pow(10, -s);
                    var exp = 0;
                    while (exp < 6)
                    {
                        var q = BigInteger.DivRem(value, 1024, out var rem);
                        if (!rem.IsZero)
                        {
                            break;
                        }
                        value = q;
                        exp++;
                    }
                    return value.ToString(CultureInfo.InvariantCulture) + exp switch
                    {
                        0 => "",
                        1 => "Ki",
                        2 => "Mi",
                        3 => "Gi",
                        4 => "Ti",
                        5 => "Pi",
                        _ => "Ei",
                    };
                }
            }
        }
        // Decimal: strip factors of ten into the exponent, then move to a multiple of three.
        var (mantissa, scale) = Normalize(_unscaled, _scale);
        var exponent = -scale;
        while (exponent % 3 != 0)
        {
            mantissa *= 10;
            exponent--;
        }
        var number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (format == QuantityFormat.DecimalSI)
        {
            var suffix = exponent switch
            {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                0 => "",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => null,
            };
            if (suffix is not null)
            {
                return number + suffix;
            }
        }
        return exponent == 0 ? number : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
