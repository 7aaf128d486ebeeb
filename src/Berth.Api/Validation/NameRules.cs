using System.Net;
using System.Net.Sockets;

namespace Berth.Api.Validation;

/// <summary>
/// The string rules of k8s.io/apimachinery/pkg/util/validation and api/validation/path, returning
/// kube-apiserver's exact messages (an empty list when the value is valid). Hand-written checks,
/// no regular expressions, so they cost nothing per call beyond the returned list.
/// </summary>
public static class NameRules
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int Dns1035LabelMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int QualifiedNameMaxLength = 63;

    private static readonly List<string> None = [];

    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";

    private static readonly string Dns1123LabelMessage = RegexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        Dns1123LabelFmt, "my-name", "123-abc");
    private static readonly string Dns1123SubdomainMessage = RegexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        Dns1123SubdomainFmt, "example.com");
    private static readonly string Dns1035LabelMessage = RegexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        Dns1035LabelFmt, "my-name", "abc-123");
    private static readonly string QualifiedNameMessage = RegexError(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QualifiedNameFmt, "MyName", "my.name", "123-abc");
    private static readonly string LabelValueMessage = RegexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LabelValueFmt, "MyValue", "my_value", "12345");
    private static readonly string WildcardMessage = RegexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        "\\*\\." + Dns1123SubdomainFmt, "*.example.com");
    private static readonly string PercentMessage = RegexError(
        "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%");
    private static readonly string HttpHeaderMessage = RegexError(
        "a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+", "X-Header-Name");
    private static readonly string ConfigMapKeyMessage = RegexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name");
    private static readonly string EnvVarNameMessage = RegexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        "[-._a-zA-Z][-._a-zA-Z0-9]*", "my.env-name", "MY_ENV.NAME", "MyEnvName1");
    private const string RelaxedEnvVarNameMessage = "a valid environment variable name must consist only of printable ASCII characters other than '='";

    /// <summary>Go's validation.RegexError text.</summary>
    public static string RegexError(string msg, string fmt, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return msg + " (regex used for validation is '" + fmt + "')";
        }
        var s = msg + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                s += " or ";
            }
            s += "'" + examples[i] + "', ";
        }
        return s + "regex used for validation is '" + fmt + "')";
    }

    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    public static string InclusiveRangeError(long lo, long hi) => $"must be between {lo} and {hi}, inclusive";

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    private static bool IsLabelSyntax(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !IsLowerAlnum(s[0]) || !IsLowerAlnum(s[^1]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsSubdomainSyntax(ReadOnlySpan<char> s)
    {
        if (s.Length == 0)
        {
            return false;
        }
        while (true)
        {
            var dot = s.IndexOf('.');
            if (dot < 0)
            {
                return IsLabelSyntax(s);
            }
            if (!IsLabelSyntax(s[..dot]))
            {
                return false;
            }
            s = s[(dot + 1)..];
        }
    }

    /// <summary>IsDNS1123Label: names of containers, volumes, ports, namespaces.</summary>
    public static List<string> Dns1123Label(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1123LabelMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1123LabelMaxLength));
        }
        if (!IsLabelSyntax(value))
        {
            // A valid subdomain that is not a label can only be wrong because of its dots.
            (errs ??= []).Add(IsSubdomainSyntax(value) ? "must not contain dots" : Dns1123LabelMessage);
        }
        return errs ?? None;
    }

    /// <summary>IsDNS1123Subdomain: most object names, hostnames.</summary>
    public static List<string> Dns1123Subdomain(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1123SubdomainMaxLength));
        }
        if (!IsSubdomainSyntax(value))
        {
            (errs ??= []).Add(Dns1123SubdomainMessage);
        }
        return errs ?? None;
    }

    /// <summary>IsDNS1035Label: Service names, CRD names.</summary>
    public static List<string> Dns1035Label(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1035LabelMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1035LabelMaxLength));
        }
        if (value.Length == 0 || value[0] is < 'a' or > 'z' || !IsLabelSyntax(value))
        {
            (errs ??= []).Add(Dns1035LabelMessage);
        }
        return errs ?? None;
    }

    /// <summary>IsWildcardDNS1123Subdomain: Ingress hosts like <c>*.example.com</c>.</summary>
    public static List<string> WildcardDns1123Subdomain(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1123SubdomainMaxLength));
        }
        if (!value.StartsWith("*.", StringComparison.Ordinal) || !IsSubdomainSyntax(value.AsSpan(2)))
        {
            (errs ??= []).Add(WildcardMessage);
        }
        return errs ?? None;
    }

    private static bool IsQualifiedPart(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !IsAlnum(s[0]) || !IsAlnum(s[^1]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsAlnum(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>IsQualifiedName: label keys, annotation keys, finalizers, condition types.</summary>
    public static List<string> QualifiedName(string value)
    {
        List<string>? errs = null;
        var name = value;
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            if (value.IndexOf('/', slash + 1) >= 0)
            {
                return ["a qualified name " + QualifiedNameMessage + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
            }
            var prefix = value[..slash];
            name = value[(slash + 1)..];
            if (prefix.Length == 0)
            {
                (errs ??= []).Add("prefix part must be non-empty");
            }
            else
            {
                foreach (var e in Dns1123Subdomain(prefix))
                {
                    (errs ??= []).Add("prefix part " + e);
                }
            }
        }
        if (name.Length == 0)
        {
            (errs ??= []).Add("name part must be non-empty");
        }
        else if (name.Length > QualifiedNameMaxLength)
        {
            (errs ??= []).Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }
        if (name.Length > 0 && !IsQualifiedPart(name))
        {
            (errs ??= []).Add("name part " + QualifiedNameMessage);
        }
        return errs ?? None;
    }

    /// <summary>IsValidLabelValue.</summary>
    public static List<string> LabelValue(string value)
    {
        List<string>? errs = null;
        if (value.Length > LabelValueMaxLength)
        {
            (errs ??= []).Add(MaxLenError(LabelValueMaxLength));
        }
        if (value.Length > 0 && !IsQualifiedPart(value))
        {
            (errs ??= []).Add(LabelValueMessage);
        }
        return errs ?? None;
    }

    /// <summary>IsValidPathSegmentName: names of kinds without a stricter rule (RBAC, events).</summary>
    public static List<string> PathSegmentName(string name)
    {
        if (name is "." or "..")
        {
            return [$"may not be '{name}'"];
        }
        List<string>? errs = null;
        if (name.Contains('/', StringComparison.Ordinal))
        {
            (errs ??= []).Add("may not contain '/'");
        }
        if (name.Contains('%', StringComparison.Ordinal))
        {
            (errs ??= []).Add("may not contain '%'");
        }
        return errs ?? None;
    }

    /// <summary>
    /// Name rules in generateName mode: a trailing dash is allowed because random characters follow
    /// (apimachinery maskTrailingDash).
    /// </summary>
    public static string MaskTrailingDash(string name) =>
        name.Length > 1 && name[^1] == '-' ? name[..^1] + "a" : name;

    /// <summary>IsValidPortNum.</summary>
    public static bool IsValidPortNum(long port) => port is >= 1 and <= 65535;

    public static readonly string PortRangeError = InclusiveRangeError(1, 65535);

    /// <summary>IsValidPortName (IANA_SVC_NAME).</summary>
    public static List<string> PortName(string port)
    {
        List<string>? errs = null;
        if (port.Length > 15)
        {
            (errs ??= []).Add(MaxLenError(15));
        }
        var charsetOk = port.Length > 0;
        var hasLetter = false;
        foreach (var c in port)
        {
            if (c is >= 'a' and <= 'z')
            {
                hasLetter = true;
            }
            else if (c is not ((>= '0' and <= '9') or '-'))
            {
                charsetOk = false;
            }
        }
        if (!charsetOk)
        {
            (errs ??= []).Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!hasLetter)
        {
            (errs ??= []).Add("must contain at least one letter (a-z)");
        }
        if (port.Contains("--", StringComparison.Ordinal))
        {
            (errs ??= []).Add("must not contain consecutive hyphens");
        }
        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            (errs ??= []).Add("must not begin or end with a hyphen");
        }
        return errs ?? None;
    }

    /// <summary>IsValidPercent: <c>25%</c>.</summary>
    public static List<string> Percent(string value)
    {
        var ok = value.Length >= 2 && value[^1] == '%';
        for (var i = 0; ok && i < value.Length - 1; i++)
        {
            ok = value[i] is >= '0' and <= '9';
        }
        return ok ? None : [PercentMessage];
    }

    /// <summary>IsHTTPHeaderName.</summary>
    public static List<string> HttpHeaderName(string value)
    {
        var ok = value.Length > 0;
        foreach (var c in value)
        {
            ok &= IsAlnum(c) || c == '-';
        }
        return ok ? None : [HttpHeaderMessage];
    }

    /// <summary>IsConfigMapKey: keys of ConfigMap and Secret data.</summary>
    public static List<string> ConfigMapKey(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1123SubdomainMaxLength));
        }
        var ok = value.Length > 0;
        foreach (var c in value)
        {
            ok &= IsAlnum(c) || c is '-' or '.' or '_';
        }
        if (!ok)
        {
            (errs ??= []).Add(ConfigMapKeyMessage);
        }
        AddChDirPrefix(value, ref errs);
        return errs ?? None;
    }

    /// <summary>IsEnvVarName, the strict rule (prefix of envFrom before relaxed validation).</summary>
    public static List<string> EnvVarName(string value)
    {
        List<string>? errs = null;
        var ok = value.Length > 0 && value[0] is not (>= '0' and <= '9');
        foreach (var c in value)
        {
            ok &= IsAlnum(c) || c is '-' or '.' or '_';
        }
        if (!ok)
        {
            (errs ??= []).Add(EnvVarNameMessage);
        }
        AddChDirPrefix(value, ref errs);
        return errs ?? None;
    }

    /// <summary>
    /// IsRelaxedEnvVarName: Kubernetes 1.33 enables RelaxedEnvironmentVariableValidation by default, so
    /// any printable ASCII but '=' is accepted.
    /// </summary>
    public static List<string> RelaxedEnvVarName(string value)
    {
        if (value.Length == 0)
        {
            return ["environment variable name must be non-empty"];
        }
        foreach (var c in value)
        {
            if (c > 0x7e || c < 0x20 || c == '=')
            {
                return [RelaxedEnvVarNameMessage];
            }
        }
        return None;
    }

    private static void AddChDirPrefix(string value, ref List<string>? errs)
    {
        if (value == ".")
        {
            (errs ??= []).Add("must not be '.'");
        }
        else if (value == "..")
        {
            (errs ??= []).Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            (errs ??= []).Add("must not start with '..'");
        }
    }

    /// <summary>IsValidUserID / IsValidGroupID: 0 ≤ id ≤ 2^31-1.</summary>
    public static bool IsValidId(long id) => id is >= 0 and <= int.MaxValue;

    public static readonly string IdRangeError = InclusiveRangeError(0, int.MaxValue);

    /// <summary>Parses an IP as Go's netutils.ParseIPSloppy does (IPv4 dotted quad with leading zeros allowed, or IPv6).</summary>
    public static IPAddress? ParseIp(string value)
    {
        if (value.Length == 0 || value.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }
        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || !int.TryParse(p, out var b) || b > 255)
            {
                return null;
            }
            bytes[i] = (byte)b;
        }
        return new IPAddress(bytes);
    }

    public const string IpMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    public const string CidrMessage = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

    /// <summary>Parses <c>ip/prefix</c>; returns false when malformed.</summary>
    public static bool TryParseCidr(string value, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        var slash = value.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }
        var ip = ParseIp(value[..slash]);
        var bits = value[(slash + 1)..];
        if (ip is null || bits.Length == 0 || !bits.All(char.IsAsciiDigit) || !int.TryParse(bits, out prefix))
        {
            return false;
        }
        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > max)
        {
            return false;
        }
        network = ip;
        return true;
    }
}
