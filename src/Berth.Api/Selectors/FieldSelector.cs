namespace Berth.Api.Selectors;

/// <summary>One term of a field selector: <c>field=value</c> or <c>field!=value</c>.</summary>
public sealed record FieldRequirement(string Field, string Value, bool Negated);

/// <summary>
/// A field selector (<c>fieldSelector=metadata.name=x,status.phase!=Running</c>). Which fields are
/// selectable is per resource; <see cref="Matches"/> takes a lookup that returns a field's value.
/// </summary>
public sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    public FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEverything => Requirements.Count == 0;

    /// <summary>Parses the string form; throws <see cref="FormatException"/> on a malformed term.</summary>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var reqs = new List<FieldRequirement>();
        foreach (var raw in SplitTerms(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }
            int idx;
            if ((idx = term.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                reqs.Add(new FieldRequirement(term[..idx].Trim(), Unescape(term[(idx + 2)..].Trim()), true));
            }
            else if ((idx = term.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                reqs.Add(new FieldRequirement(term[..idx].Trim(), Unescape(term[(idx + 2)..].Trim()), false));
            }
            else if ((idx = term.IndexOf('=')) > 0)
            {
                reqs.Add(new FieldRequirement(term[..idx].Trim(), Unescape(term[(idx + 1)..].Trim()), false));
            }
            else
            {
                throw new FormatException($"invalid selector: '{text}'; can't understand '{term}'");
            }
        }
        return new FieldSelector(reqs);
    }

    /// <summary>True when every term holds; a field the lookup does not know has the value "".</summary>
    public bool Matches(Func<string, string?> field)
    {
        foreach (var r in Requirements)
        {
            var v = field(r.Field) ?? "";
            if ((v == r.Value) == r.Negated)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The value a term requires with '=', if any: lets a list use an index (e.g. spec.nodeName).</summary>
    public string? RequiredValue(string field)
    {
        foreach (var r in Requirements)
        {
            if (!r.Negated && r.Field == field)
            {
                return r.Value;
            }
        }
        return null;
    }

    public override string ToString() =>
        string.Join(",", Requirements.Select(r => r.Field + (r.Negated ? "!=" : "=") + r.Value));

    // Values may escape ',' '=' and '\' with a backslash (fields.EscapeValue).
    private static IEnumerable<string> SplitTerms(string s)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
                continue;
            }
            if (s[i] == ',')
            {
                yield return s[start..i];
                start = i + 1;
            }
        }
        yield return s[start..];
    }

    private static string Unescape(string v)
    {
        if (!v.Contains('\\'))
        {
            return v;
        }
        var sb = new System.Text.StringBuilder(v.Length);
        for (var i = 0; i < v.Length; i++)
        {
            if (v[i] == '\\' && i + 1 < v.Length)
            {
                i++;
            }
            sb.Append(v[i]);
        }
        return sb.ToString();
    }
}
