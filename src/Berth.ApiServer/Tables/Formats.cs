using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary>String forms kube's printers share: label maps, label selectors, container lists, quantities.</summary>
internal static class Formats
{
    public const string None = "<none>";

    /// <summary><c>labels.FormatLabels</c>: <c>a=1,b=2</c> sorted by key, <c>&lt;none&gt;</c> when empty.</summary>
    public static string Labels(JsonObject? map)
    {
        if (map is null || map.Count == 0)
        {
            return None;
        }
        var keys = new string[map.Count];
        var i = 0;
        foreach (var (k, _) in map)
        {
            keys[i++] = k;
        }
        Array.Sort(keys, StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var k in keys)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(k).Append('=').Append(Fields.Str(map[k]));
        }
        return sb.ToString();
    }

    /// <summary>
    /// <c>metav1.LabelSelectorAsSelector(s).String()</c>: null and empty selectors print "", requirements are
    /// sorted by key and <c>in</c>/<c>notin</c> values sorted. Null when the selector is invalid.
    /// </summary>
    public static string? Selector(JsonObject? selector)
    {
        if (selector is null)
        {
            return "";
        }
        var reqs = new List<(string Key, string Text)>();
        if (Fields.Obj(selector, "matchLabels") is { } labels)
        {
            foreach (var (k, v) in labels)
            {
                reqs.Add((k, k + "=" + Fields.Str(v)));
            }
        }
        if (Fields.Arr(selector, "matchExpressions") is { } exprs)
        {
            foreach (var e in exprs)
            {
                var expr = e as JsonObject;
                var key = Fields.S(expr, "key");
                var values = new List<string>();
                if (Fields.Arr(expr, "values") is { } vs)
                {
                    foreach (var v in vs)
                    {
                        values.Add(Fields.Str(v) ?? "");
                    }
                }
                values.Sort(StringComparer.Ordinal);
                var op = Fields.S(expr, "operator");
                switch (op)
                {
                    case "In" or "NotIn" when values.Count == 0:
                        return null;
                    case "In":
                        reqs.Add((key, key + " in (" + string.Join(",", values) + ")"));
                        break;
                    case "NotIn":
                        reqs.Add((key, key + " notin (" + string.Join(",", values) + ")"));
                        break;
                    case "Exists" or "DoesNotExist" when values.Count > 0:
                        return null;
                    case "Exists":
                        reqs.Add((key, key));
                        break;
                    case "DoesNotExist":
                        reqs.Add((key, "!" + key));
                        break;
                    default:
                        return null;
                }
            }
        }
        // Go sorts requirements by key when it builds the selector; a stable sort keeps expressions on the
        // same key in their written order.
        var sorted = reqs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text);
        return string.Join(",", sorted);
    }

    /// <summary><c>metav1.FormatLabelSelector</c>: <c>&lt;none&gt;</c> when it selects everything, <c>&lt;error&gt;</c> when invalid.</summary>
    public static string FormatLabelSelector(JsonObject? selector) => Selector(selector) switch
    {
        null => "<error>",
        "" => None,
        var s => s,
    };

    /// <summary>kube's <c>layoutContainerCells</c>: names and images, each comma-separated.</summary>
    public static (string Names, string Images) Containers(JsonArray? containers)
    {
        if (containers is null || containers.Count == 0)
        {
            return ("", "");
        }
        if (containers.Count == 1)
        {
            var c = containers[0] as JsonObject;
            return (Fields.S(c, "name"), Fields.S(c, "image"));
        }
        var names = new StringBuilder();
        var images = new StringBuilder();
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject;
            if (i > 0)
            {
                names.Append(',');
                images.Append(',');
            }
            names.Append(Fields.S(c, "name"));
            images.Append(Fields.S(c, "image"));
        }
        return (names.ToString(), images.ToString());
    }

    /// <summary>
    /// A quantity as Go's <c>Quantity.String()</c> prints it: canonical form (<c>1000m</c> reads <c>1</c>), <c>0</c> when
    /// absent; an unparsable value is shown as stored.
    /// </summary>
    public static string Quantity(JsonNode? node)
    {
        var s = Fields.Str(node) ?? Fields.Long(node)?.ToString(CultureInfo.InvariantCulture);
        if (string.IsNullOrEmpty(s))
        {
            return "0";
        }
        try
        {
            return new ResourceQuantity(s).CanonicalizeString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return s;
        }
    }

    /// <summary><c>helper.GetAccessModesAsString</c>: RWO, ROX, RWX, RWOP in that order, without duplicates.</summary>
    public static string AccessModes(JsonArray? modes)
    {
        if (modes is null || modes.Count == 0)
        {
            return "";
        }
        bool rwo = false, rox = false, rwx = false, rwop = false;
        foreach (var m in modes)
        {
            switch (Fields.Str(m))
            {
                case "ReadWriteOnce": rwo = true; break;
                case "ReadOnlyMany": rox = true; break;
                case "ReadWriteMany": rwx = true; break;
                case "ReadWriteOncePod": rwop = true; break;
            }
        }
        var parts = new List<string>(4);
        if (rwo)
        {
            parts.Add("RWO");
        }
        if (rox)
        {
            parts.Add("ROX");
        }
        if (rwx)
        {
            parts.Add("RWX");
        }
        if (rwop)
        {
            parts.Add("RWOP");
        }
        return string.Join(",", parts);
    }

    /// <summary>kube's <c>listWithMoreString</c>: <c>a,b,c + 2 more...</c>, or <c>&lt;unset&gt;</c> when empty.</summary>
    public static string ListWithMore(List<string> list, bool more, int count, int max)
    {
        var ret = string.Join(",", list);
        if (more)
        {
            return ret + " + " + (count - max).ToString(CultureInfo.InvariantCulture) + " more...";
        }
        return ret.Length == 0 ? "<unset>" : ret;
    }

    /// <summary>Go's <c>printBool</c>: <c>True</c> / <c>False</c>.</summary>
    public static string Bool(bool b) => b ? "True" : "False";

    public static string Int(long n) => n.ToString(CultureInfo.InvariantCulture);
}
