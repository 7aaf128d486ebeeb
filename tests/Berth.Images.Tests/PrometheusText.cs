using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Images.Tests;

/// <summary>One sample line: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A metric family: its HELP, TYPE and samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, List<PrometheusSample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written for these tests: it fails on
/// anything a Prometheus server would reject or that breaks the format's rules (TYPE before samples and at
/// most once, families contiguous, no duplicate series, valid names and escapes, histogram buckets sorted,
/// cumulative and ending in le="+Inf" equal to _count).
/// </summary>
public static partial class PrometheusText
{
    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static List<PrometheusFamily> Parse(string text)
    {
        var families = new List<PrometheusFamily>();
        var byName = new Dictionary<string, PrometheusFamily>();
        var seriesSeen = new HashSet<string>();
        var closed = new HashSet<string>();
        var typed = new HashSet<string>();
        PrometheusFamily? current = null;
        var lines = text.Split('\n');
        Assert.True(text.EndsWith('\n'), "the exposition must end with a newline");
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1}: {line}";
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3 || parts[0] != "#" || (parts[1] != "HELP" && parts[1] != "TYPE"))
                {
                    continue; // a comment
                }
                var name = parts[2];
                Assert.True(MetricName().IsMatch(name), "bad metric name, " + where);
                var family = Family(name, where);
                if (parts[1] == "TYPE")
                {
                    Assert.True(parts.Length == 4, "TYPE without a type, " + where);
                    Assert.True(typed.Add(name) && family.Samples.Count == 0, "TYPE after samples or twice, " + where);
                    Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    byName[name] = families[families.IndexOf(family)] = family with { Type = parts[3] };
                    current = byName[name];
                }
                else
                {
                    Assert.True(family.Help is null, "HELP twice, " + where);
                    var help = parts.Length == 4 ? parts[3] : "";
                    CheckEscapes(help, quoteAllowed: false, where);
                    byName[name] = families[families.IndexOf(family)] = family with { Help = help };
                    current = byName[name];
                }
                continue;
            }
            var sample = ParseSample(line, where);
            var owner = OwnerFamily(sample.Name, byName);
            var fam = Family(owner, where);
            if (!ReferenceEquals(fam, current))
            {
                Assert.False(closed.Contains(owner), "samples of a family are not contiguous, " + where);
                if (current is not null)
                {
                    closed.Add(current.Name);
                }
                current = fam;
            }
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            Assert.True(seriesSeen.Add(key), "duplicate series, " + where);
            if (fam.Type == "counter")
            {
                Assert.True(sample.Value >= 0, "negative counter, " + where);
            }
            fam.Samples.Add(sample);
        }
        foreach (var f in families.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(f);
        }
        return families;

        PrometheusFamily Family(string name, string where)
        {
            if (!byName.TryGetValue(name, out var f))
            {
                Assert.False(closed.Contains(name), "family reopened, " + where);
                f = new PrometheusFamily(name, "untyped", null, []);
                byName[name] = f;
                families.Add(f);
            }
            return f;
        }
    }

    private static string OwnerFamily(string sampleName, Dictionary<string, PrometheusFamily> byName)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) &&
                byName.TryGetValue(sampleName[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
            {
                return f.Name;
            }
        }
        return sampleName;
    }

    private static void CheckHistogram(PrometheusFamily f)
    {
        foreach (var s in f.Samples)
        {
            Assert.True(s.Name == f.Name + "_bucket" || s.Name == f.Name + "_sum" || s.Name == f.Name + "_count",
                $"{s.Name} does not belong to histogram {f.Name}");
        }
        var groups = f.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)));
        foreach (var g in groups)
        {
            var buckets = g.Where(s => s.Name == f.Name + "_bucket").ToList();
            Assert.NotEmpty(buckets);
            var bounds = buckets.Select(b => ParseValue(b.Labels["le"], "le of " + f.Name)).ToList();
            Assert.True(bounds.SequenceEqual(bounds.Order()), $"{f.Name}{{{g.Key}}}: buckets not sorted by le");
            Assert.True(double.IsPositiveInfinity(bounds[^1]), $"{f.Name}{{{g.Key}}}: no le=\"+Inf\" bucket");
            for (var k = 1; k < buckets.Count; k++)
            {
                Assert.True(buckets[k].Value >= buckets[k - 1].Value, $"{f.Name}{{{g.Key}}}: buckets not cumulative");
            }
            var count = Assert.Single(g, s => s.Name == f.Name + "_count");
            Assert.Single(g, s => s.Name == f.Name + "_sum");
            Assert.Equal(count.Value, buckets[^1].Value);
        }
    }

    private static PrometheusSample ParseSample(string line, string where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }
        var name = line[..i];
        Assert.True(MetricName().IsMatch(name), "bad metric name, " + where);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                Assert.True(eq > i, "bad label, " + where);
                var labelName = line[i..eq];
                Assert.True(LabelName().IsMatch(labelName) && !labelName.StartsWith("__", StringComparison.Ordinal), "bad label name, " + where);
                Assert.True(line[eq + 1] == '"', "label value not quoted, " + where);
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        Assert.True(line[j] is '\\' or '"' or 'n', "bad escape in label value, " + where);
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }
                Assert.True(labels.TryAdd(labelName, value.ToString()), "label twice, " + where);
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
                else
                {
                    Assert.True(line[i] == '}', "expected , or }, " + where);
                }
            }
            i++;
        }
        Assert.True(i < line.Length && line[i] == ' ', "no value, " + where);
        var rest = line[(i + 1)..].Split(' ');
        Assert.True(rest.Length is 1 or 2, "extra fields, " + where);
        var v = ParseValue(rest[0], where);
        if (rest.Length == 2)
        {
            Assert.True(long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), "bad timestamp, " + where);
        }
        return new PrometheusSample(name, labels, v);
    }

    private static double ParseValue(string s, string where) => s switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new Xunit.Sdk.XunitException("bad value " + s + ", " + where),
    };

    private static void CheckEscapes(string s, bool quoteAllowed, string where)
    {
        for (var j = 0; j < s.Length; j++)
        {
            if (s[j] == '\\')
            {
                j++;
                Assert.True(j < s.Length && (s[j] == '\\' || s[j] == 'n' || (quoteAllowed && s[j] == '"')), "bad escape, " + where);
            }
        }
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static double Value(IEnumerable<PrometheusFamily> families, string name, params (string Key, string Value)[] labels)
    {
        var matches = families.SelectMany(f => f.Samples)
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} samples match {name}{{{string.Join(",", labels.Select(l => l.Key + "=" + l.Value))}}}");
        return matches[0].Value;
    }
}
