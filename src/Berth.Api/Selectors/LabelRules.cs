namespace Berth.Api.Selectors;

/// <summary>
/// Kubernetes' name and label syntax rules (k8s.io/apimachinery/pkg/util/validation), returning
/// kube-apiserver's exact messages, or null when the value is valid.
/// </summary>
public static class LabelRules
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int LabelValueMaxLength = 63;

    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string QualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    private static bool IsDns1123LabelSyntax(ReadOnlySpan<char> s)
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

    /// <summary>Errors of a DNS-1123 label (namespaces, most names that become host names).</summary>
    public static List<string> Dns1123Label(string s)
    {
        var errs = new List<string>();
        if (s.Length > Dns1123LabelMaxLength)
        {
            errs.Add($"must be no more than {Dns1123LabelMaxLength} characters");
        }
        if (!IsDns1123LabelSyntax(s))
        {
            errs.Add(Dns1123LabelMessage);
        }
        return errs;
    }

    /// <summary>Errors of a DNS-1123 subdomain (most object names).</summary>
    public static List<string> Dns1123Subdomain(string s)
    {
        var errs = new List<string>();
        if (s.Length > Dns1123SubdomainMaxLength)
        {
            errs.Add($"must be no more than {Dns1123SubdomainMaxLength} characters");
        }
        var ok = s.Length > 0;
        foreach (var part in s.Split('.'))
        {
            ok &= IsDns1123LabelSyntax(part);
        }
        if (!ok)
        {
            errs.Add(Dns1123SubdomainMessage);
        }
        return errs;
    }

    /// <summary>Errors of a DNS-1035 label (Service names).</summary>
    public static List<string> Dns1035Label(string s)
    {
        var errs = new List<string>();
        if (s.Length > Dns1123LabelMaxLength)
        {
            errs.Add($"must be no more than {Dns1123LabelMaxLength} characters");
        }
        if (s.Length == 0 || s[0] is < 'a' or > 'z' || !IsDns1123LabelSyntax(s))
        {
            errs.Add(Dns1035LabelMessage);
        }
        return errs;
    }

    /// <summary>Validates a qualified name (<c>prefix/name</c>) such as a label or annotation key; null when valid.</summary>
    public static string? ValidateQualifiedName(string key)
    {
        var errs = QualifiedName(key);
        return errs.Count == 0 ? null : string.Join(", ", errs);
    }

    public static List<string> QualifiedName(string key)
    {
        var errs = new List<string>();
        var name = key;
        var slash = key.IndexOf('/');
        if (slash >= 0)
        {
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0)
            {
                errs.Add("prefix part must be non-empty");
            }
            else
            {
                foreach (var e in Dns1123Subdomain(prefix))
                {
                    errs.Add("prefix part " + e);
                }
            }
            if (name.Contains('/'))
            {
                errs.Add("a qualified name " + QualifiedNameMessage + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
            }
        }
        if (name.Length == 0)
        {
            errs.Add("name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            errs.Add("name part must be no more than 63 characters");
        }
        if (name.Length > 0 && !IsQualifiedNamePart(name))
        {
            errs.Add("name part " + QualifiedNameMessage);
        }
        return errs;
    }

    private static bool IsQualifiedNamePart(string s)
    {
        if (!IsAlnum(s[0]) || !IsAlnum(s[^1]))
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

    public static bool IsValidLabelValue(string v) => LabelValue(v).Count == 0;

    public static List<string> LabelValue(string v)
    {
        var errs = new List<string>();
        if (v.Length > LabelValueMaxLength)
        {
            errs.Add($"must be no more than {LabelValueMaxLength} characters");
        }
        if (v.Length > 0 && !IsQualifiedNamePart(v))
        {
            errs.Add(LabelValueMessage);
        }
        return errs;
    }
}
