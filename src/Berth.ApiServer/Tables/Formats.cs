using System.Globalization;
using System.Text;
using k8s.Models;

namespace Berth.ApiServer.Tables;

/// <summary>String forms kube's printers share: label maps, label selectors, container lists, quantities.</summary>
internal static class Formats
{
    public const string None = "<none>";

    /// <summary><c>labels.FormatLabels</c>: <c>a=1,b=2</c> sorted by key, <c>&lt;none&gt;</c> when empty.</summary>
    public static string Labels(JsonView map)
    {
        if (!map.IsObject || map.Length == 0)
        {
            return None;
        }
        var pairs = map.Properties();
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var sb = new StringBuilder();
        foreach (var (k, v) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(k).Append('=').Append(v.S);
        }
        return sb.ToString();
    }

    /// <summary>
    /// <c>metav1.LabelSelectorAsSelector(s).String()</c>: null and empty selectors print "", requirements are
    /// sorted by key and <c>in</c>/<c>notin</c> values sorted. Null when the selector is invalid.
    /// </summary>
    public static string? Selector(JsonView selector)
    {
        if (!selector.IsObject)
        {
            return "";
        }
        var reqs = new List<(string Key, string Text)>();
        foreach (var (k, v) in selector["matchLabels"].Properties())
        {
            reqs.Add((k, k + "=" + v.S));
        }
        var exprs = selector["matchExpressions"];
        for (var i = 0; i < exprs.Length && exprs.IsArray; i++)
        {
            var expr = exprs[i];
            var key = expr["key"].S;
            var values = new List<string>();
            var vs = expr["values"];
            for (var j = 0; j < vs.Length && vs.IsArray; j++)
            {
                values.Add(vs[j].S);
            }
            values.Sort(StringComparer.Ordinal);
            switch (expr["operator"].S)
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
        // Go sorts requirements by key when it builds the selector; a stable sort keeps expressions on the same
        // key in their written order.
        return string.Join(",", reqs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary><c>metav1.FormatLabelSelector</c>: <c>&lt;none&gt;</c> when it selects everything, <c>&lt;error&gt;</c> when invalid.</summary>
    public static string FormatLabelSelector(JsonView selector) => Selector(selector) switch
    {
        null => "<error>",
        "" => None,
        var s => s,
    };

    /// <summary>kube's <c>layoutContainerCells</c>: names and images, each comma-separated.</summary>
    public static (string Names, string Images) Containers(JsonView containers)
    {
        var count = containers.IsArray ? containers.Length : 0;
        if (count == 0)
        {
            return ("", "");
        }
        if (count == 1)
        {
            var c = containers[0];
            return (c["name"].S, c["image"].S);
        }
        var names = new StringBuilder();
        var images = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var c = containers[i];
            if (i > 0)
            {
                names.Append(',');
                images.Append(',');
            }
            names.Append(c["name"].S);
            images.Append(c["image"].S);
        }
        return (names.ToString(), images.ToString());
    }

    /// <summary>
    /// A quantity as Go's <c>Quantity.String()</c> prints it: canonical form (<c>1000m</c> reads <c>1</c>), <c>0</c> when
    /// absent; an unparsable value is shown as stored.
    /// </summary>
    public static string Quantity(JsonView value)
    {
        var s = value.Str ?? value.Long?.ToString(CultureInfo.InvariantCulture);
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
    public static string AccessModes(JsonView modes)
    {
        bool rwo = false, rox = false, rwx = false, rwop = false;
        for (var i = 0; i < modes.Length && modes.IsArray; i++)
        {
            switch (modes[i].Str)
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

    /// <summary>Iterates an array view (nothing for non-arrays).</summary>
    public static IEnumerable<JsonView> Items(JsonView array)
    {
        var n = array.IsArray ? array.Length : 0;
        for (var i = 0; i < n; i++)
        {
            yield return array[i];
        }
    }
}
