using k8s.Models;

namespace Berth.Api.Selectors;

/// <summary>Operators of a label requirement, as in k8s.io/apimachinery/pkg/selection.</summary>
public enum SelectorOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>One requirement of a label selector: <c>key op values</c>.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.Equals:
            case SelectorOperator.In:
                if (!has)
                {
                    return false;
                }
                foreach (var v in Values)
                {
                    if (v == value)
                    {
                        return true;
                    }
                }
                return false;
            case SelectorOperator.NotEquals:
            case SelectorOperator.NotIn:
                if (!has)
                {
                    return true;
                }
                foreach (var v in Values)
                {
                    if (v == value)
                    {
                        return false;
                    }
                }
                return true;
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (!has || !long.TryParse(value, out var n) || !long.TryParse(Values[0], out var bound))
                {
                    return false;
                }
                return Operator == SelectorOperator.GreaterThan ? n > bound : n < bound;
            default:
                return false;
        }
    }

    public override string ToString() => Operator switch
    {
        SelectorOperator.Equals => $"{Key}={Values[0]}",
        SelectorOperator.NotEquals => $"{Key}!={Values[0]}",
        SelectorOperator.In => $"{Key} in ({string.Join(",", Values)})",
        SelectorOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        SelectorOperator.Exists => Key,
        SelectorOperator.DoesNotExist => "!" + Key,
        SelectorOperator.GreaterThan => $"{Key}>{Values[0]}",
        _ => $"{Key}<{Values[0]}",
    };
}

/// <summary>
/// A label selector: all requirements must match. Parses the string form that <c>-l</c> and
/// <c>labelSelector=</c> use, and converts the <see cref="V1LabelSelector"/> object form.
/// </summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);
    /// <summary>Matches nothing (a null <see cref="V1LabelSelector"/> in most APIs).</summary>
    public static readonly LabelSelector Nothing = new([], matchesNothing: true);

    private readonly bool _nothing;

    public LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing = false)
    {
        Requirements = requirements;
        _nothing = matchesNothing;
    }

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEverything => !_nothing && Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (_nothing)
        {
            return false;
        }
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() => string.Join(",", Requirements);

    /// <summary>Converts the API form; an empty selector matches everything, a null one nothing.</summary>
    public static LabelSelector FromApi(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return Nothing;
        }
        var reqs = new List<LabelRequirement>();
        if (selector.MatchLabels is not null)
        {
            foreach (var (k, v) in selector.MatchLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                reqs.Add(new LabelRequirement(k, SelectorOperator.Equals, [v]));
            }
        }
        if (selector.MatchExpressions is not null)
        {
            foreach (var e in selector.MatchExpressions)
            {
                var op = e.OperatorProperty switch
                {
                    "In" => SelectorOperator.In,
                    "NotIn" => SelectorOperator.NotIn,
                    "Exists" => SelectorOperator.Exists,
                    "DoesNotExist" => SelectorOperator.DoesNotExist,
                    _ => throw new FormatException($"\"{e.OperatorProperty}\" is not a valid label selector operator"),
                };
                reqs.Add(new LabelRequirement(e.Key, op, e.Values?.ToList() ?? []));
            }
        }
        return new LabelSelector(reqs);
    }

    /// <summary>Builds an equality selector from a map (a Service's or ReplicationController's selector).</summary>
    public static LabelSelector FromMap(IDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            return Everything;
        }
        return new LabelSelector(map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value])).ToList());
    }

    /// <summary>Parses the string form; throws <see cref="FormatException"/> with Kubernetes' wording.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var p = new Parser(text);
        return new LabelSelector(p.ParseAll());
    }

    public static bool TryParse(string? text, out LabelSelector selector, out string error)
    {
        try
        {
            selector = Parse(text);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            selector = Nothing;
            error = e.Message;
            return false;
        }
    }

    private ref struct Parser
    {
        private readonly string _s;
        private int _i;

        public Parser(string s)
        {
            _s = s;
            _i = 0;
        }

        public List<LabelRequirement> ParseAll()
        {
            var list = new List<LabelRequirement>();
            while (true)
            {
                SkipSpace();
                if (_i >= _s.Length)
                {
                    break;
                }
                list.Add(ParseRequirement());
                SkipSpace();
                if (_i >= _s.Length)
                {
                    break;
                }
                if (_s[_i] != ',')
                {
                    throw new FormatException($"found '{_s[_i]}', expected: ',' or 'end of string'");
                }
                _i++;
            }
            return list;
        }

        private LabelRequirement ParseRequirement()
        {
            SkipSpace();
            var negate = false;
            if (Peek() == '!')
            {
                negate = true;
                _i++;
                SkipSpace();
            }
            var key = ReadWord();
            if (key.Length == 0)
            {
                throw new FormatException("found '" + (Peek() == '\0' ? "end of string" : Peek().ToString()) + "', expected: identifier");
            }
            ValidateKey(key);
            SkipSpace();
            if (negate)
            {
                return new LabelRequirement(key, SelectorOperator.DoesNotExist, []);
            }
            var c = Peek();
            if (c is ',' or '\0')
            {
                return new LabelRequirement(key, SelectorOperator.Exists, []);
            }
            if (c == '=')
            {
                _i++;
                if (Peek() == '=')
                {
                    _i++;
                }
                return new LabelRequirement(key, SelectorOperator.Equals, [ReadValue()]);
            }
            if (c == '!' && _i + 1 < _s.Length && _s[_i + 1] == '=')
            {
                _i += 2;
                return new LabelRequirement(key, SelectorOperator.NotEquals, [ReadValue()]);
            }
            if (c is '>' or '<')
            {
                _i++;
                var v = ReadValue();
                if (!long.TryParse(v, out _))
                {
                    throw new FormatException($"for 'Gt', 'Lt' operators, the value must be an integer");
                }
                return new LabelRequirement(key, c == '>' ? SelectorOperator.GreaterThan : SelectorOperator.LessThan, [v]);
            }
            var word = ReadWord();
            if (word is "in" or "notin")
            {
                SkipSpace();
                if (Peek() != '(')
                {
                    throw new FormatException("found '" + Peek() + "', expected: '('");
                }
                _i++;
                var values = new List<string>();
                while (true)
                {
                    SkipSpace();
                    if (Peek() == ')')
                    {
                        _i++;
                        break;
                    }
                    values.Add(ReadValue());
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _i++;
                        continue;
                    }
                    if (Peek() == ')')
                    {
                        _i++;
                        break;
                    }
                    throw new FormatException("found '" + (Peek() == '\0' ? "end of string" : Peek().ToString()) + "', expected: ',', or ')'");
                }
                if (values.Count == 0)
                {
                    values.Add("");
                }
                return new LabelRequirement(key, word == "in" ? SelectorOperator.In : SelectorOperator.NotIn, values);
            }
            throw new FormatException($"found '{word}', expected: in, notin, =, ==, !=, gt, lt");
        }

        private string ReadValue()
        {
            SkipSpace();
            var v = ReadWord();
            if (v.Length > 0 && !LabelRules.IsValidLabelValue(v))
            {
                throw new FormatException($"invalid label value: \"{v}\": at key: \"\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
            }
            return v;
        }

        private string ReadWord()
        {
            var start = _i;
            while (_i < _s.Length && !IsSpecial(_s[_i]))
            {
                _i++;
            }
            return _s[start.._i];
        }

        private static bool IsSpecial(char c) => c is ' ' or '\t' or ',' or '=' or '!' or '(' or ')' or '<' or '>';

        private readonly char Peek() => _i < _s.Length ? _s[_i] : '\0';

        private void SkipSpace()
        {
            while (_i < _s.Length && char.IsWhiteSpace(_s[_i]))
            {
                _i++;
            }
        }

        private static void ValidateKey(string key)
        {
            var err = LabelRules.ValidateQualifiedName(key);
            if (err is not null)
            {
                throw new FormatException($"key: Invalid value: \"{key}\": {err}");
            }
        }
    }
}
