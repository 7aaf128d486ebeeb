using System.Globalization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// The part of kubectl's JSONPath that CRD <c>additionalPrinterColumns</c> use: <c>.a.b</c>, <c>['a.b']</c>,
/// <c>[0]</c>, <c>[-1]</c>, <c>[*]</c>, <c>.*</c> and filters <c>[?(@.type=="Ready")]</c> (<c>==</c>, <c>!=</c>,
/// <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, or bare <c>@.field</c> for existence). Missing keys yield no
/// result rather than an error, as kube-apiserver evaluates these paths with <c>AllowMissingKeys</c>.
/// </summary>
internal sealed class JsonPathExpression
{
    private abstract record Step;

    private sealed record FieldStep(string Name) : Step;

    private sealed record IndexStep(int Index) : Step;

    private sealed record WildcardStep : Step;

    private sealed record FilterStep(JsonPathExpression Left, string? Op, object? Literal) : Step;

    private readonly List<Step> _steps;

    private JsonPathExpression(List<Step> steps) => _steps = steps;

    /// <summary>Parses <paramref name="path"/>, with or without the surrounding <c>{}</c>; false when it is outside the subset.</summary>
    public static bool TryParse(string path, out JsonPathExpression expression)
    {
        expression = new JsonPathExpression([]);
        var s = path.Trim();
        if (s.StartsWith('{') && s.EndsWith('}'))
        {
            s = s[1..^1].Trim();
        }
        var pos = 0;
        if (pos < s.Length && s[pos] == '$')
        {
            pos++;
        }
        if (!TryParseSteps(s, ref pos, stopAtFilterEnd: false, expression._steps) || pos != s.Length)
        {
            return false;
        }
        return true;
    }

    private static bool TryParseSteps(string s, ref int pos, bool stopAtFilterEnd, List<Step> steps)
    {
        while (pos < s.Length)
        {
            var c = s[pos];
            if (c == '.')
            {
                pos++;
                if (pos < s.Length && s[pos] == '*')
                {
                    pos++;
                    steps.Add(new WildcardStep());
                    continue;
                }
                var start = pos;
                while (pos < s.Length && IsNameChar(s[pos]))
                {
                    pos++;
                }
                if (pos == start)
                {
                    // "." alone, or a trailing dot, means the current node.
                    if (pos == s.Length || s[pos] == '[' || (stopAtFilterEnd && IsFilterDelimiter(s[pos])))
                    {
                        continue;
                    }
                    return false;
                }
                steps.Add(new FieldStep(s[start..pos]));
            }
            else if (c == '[')
            {
                pos++;
                if (!TryParseBracket(s, ref pos, steps))
                {
                    return false;
                }
            }
            else if (stopAtFilterEnd && IsFilterDelimiter(c))
            {
                return true;
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsFilterDelimiter(char c) => c is ' ' or '=' or '!' or '<' or '>' or ')';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '/' or '$';

    private static bool TryParseBracket(string s, ref int pos, List<Step> steps)
    {
        if (pos >= s.Length)
        {
            return false;
        }
        var c = s[pos];
        if (c == '*')
        {
            pos++;
            steps.Add(new WildcardStep());
            return Expect(s, ref pos, ']');
        }
        if (c is '\'' or '"')
        {
            if (!TryParseQuoted(s, ref pos, out var name))
            {
                return false;
            }
            steps.Add(new FieldStep(name));
            return Expect(s, ref pos, ']');
        }
        if (c == '?')
        {
            pos++;
            if (!Expect(s, ref pos, '(') || !Expect(s, ref pos, '@'))
            {
                return false;
            }
            var left = new List<Step>();
            if (!TryParseSteps(s, ref pos, stopAtFilterEnd: true, left))
            {
                return false;
            }
            SkipSpaces(s, ref pos);
            string? op = null;
            object? literal = null;
            if (pos < s.Length && s[pos] != ')')
            {
                var opStart = pos;
                while (pos < s.Length && s[pos] is '=' or '!' or '<' or '>')
                {
                    pos++;
                }
                op = s[opStart..pos];
                if (op is not ("==" or "!=" or "<" or "<=" or ">" or ">="))
                {
                    return false;
                }
                SkipSpaces(s, ref pos);
                if (!TryParseLiteral(s, ref pos, out literal))
                {
                    return false;
                }
                SkipSpaces(s, ref pos);
            }
            if (!Expect(s, ref pos, ')') || !Expect(s, ref pos, ']'))
            {
                return false;
            }
            steps.Add(new FilterStep(new JsonPathExpression(left), op, literal));
            return true;
        }
        var start = pos;
        if (pos < s.Length && s[pos] == '-')
        {
            pos++;
        }
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }
        if (!int.TryParse(s.AsSpan(start, pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }
        steps.Add(new IndexStep(index));
        return Expect(s, ref pos, ']');
    }

    private static bool TryParseQuoted(string s, ref int pos, out string value)
    {
        value = "";
        var quote = s[pos++];
        var end = s.IndexOf(quote, pos);
        if (end < 0)
        {
            return false;
        }
        value = s[pos..end];
        pos = end + 1;
        return true;
    }

    private static bool TryParseLiteral(string s, ref int pos, out object? literal)
    {
        literal = null;
        if (pos >= s.Length)
        {
            return false;
        }
        if (s[pos] is '\'' or '"')
        {
            if (!TryParseQuoted(s, ref pos, out var text))
            {
                return false;
            }
            literal = text;
            return true;
        }
        var start = pos;
        while (pos < s.Length && s[pos] is not (' ' or ')'))
        {
            pos++;
        }
        var token = s[start..pos];
        if (token is "true" or "false")
        {
            literal = token == "true";
            return true;
        }
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            literal = number;
            return true;
        }
        return false;
    }

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }
    }

    private static bool Expect(string s, ref int pos, char c)
    {
        SkipSpaces(s, ref pos);
        if (pos < s.Length && s[pos] == c)
        {
            pos++;
            return true;
        }
        return false;
    }

    /// <summary>
    /// The first value the path selects (kube's table convertor shows only the first match); missing when it
    /// selects nothing.
    /// </summary>
    public JsonView First(JsonView root)
    {
        JsonView result = default;
        Walk(root, 0, node =>
        {
            result = node;
            return true;
        });
        return result;
    }

    /// <summary>Depth-first walk; <paramref name="emit"/> returns true to stop.</summary>
    private bool Walk(JsonView node, int step, Func<JsonView, bool> emit)
    {
        if (!node.Exists)
        {
            return false;
        }
        if (step == _steps.Count)
        {
            return emit(node);
        }
        switch (_steps[step])
        {
            case FieldStep f:
                return Walk(node[f.Name], step + 1, emit);
            case IndexStep i:
                if (!node.IsArray)
                {
                    return false;
                }
                var index = i.Index < 0 ? node.Length + i.Index : i.Index;
                return Walk(node[index], step + 1, emit);
            case WildcardStep:
                if (node.IsArray)
                {
                    for (var k = 0; k < node.Length; k++)
                    {
                        if (Walk(node[k], step + 1, emit))
                        {
                            return true;
                        }
                    }
                }
                else if (node.IsObject)
                {
                    foreach (var (_, value) in node.Properties())
                    {
                        if (Walk(value, step + 1, emit))
                        {
                            return true;
                        }
                    }
                }
                return false;
            case FilterStep filter:
                if (!node.IsArray)
                {
                    return false;
                }
                for (var k = 0; k < node.Length; k++)
                {
                    var item = node[k];
                    var value = filter.Left.First(item);
                    if (value.Exists && Matches(filter, value) && Walk(item, step + 1, emit))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    private static bool Matches(FilterStep filter, JsonView value)
    {
        if (filter.Op is null)
        {
            return true;
        }
        int? cmp = filter.Literal switch
        {
            string ls when value.Str is { } vs => string.CompareOrdinal(vs, ls),
            bool lb when value.Bool is { } b => b == lb ? 0 : 1,
            double ln when value.Double is { } n => n.CompareTo(ln),
            _ => null,
        };
        return filter.Op switch
        {
            "==" => cmp == 0,
            "!=" => cmp != 0,
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            ">=" => cmp >= 0,
            _ => false,
        };
    }
}
