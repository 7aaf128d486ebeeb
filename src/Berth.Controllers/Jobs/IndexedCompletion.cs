using System.Globalization;
using System.Text;
using k8s.Models;

namespace Berth.Controllers.Jobs;

/// <summary>
/// Indexed Jobs (kube's indexed_job_utils): the completion index annotation and label, the
/// JOB_COMPLETION_INDEX variable, and sets of indexes kept as ordered intervals written "1,3-5,7".
/// </summary>
public static class IndexedCompletion
{
    public const string IndexAnnotation = "batch.kubernetes.io/job-completion-index";
    public const string IndexLabel = "batch.kubernetes.io/job-completion-index";
    public const string IndexEnvName = "JOB_COMPLETION_INDEX";
    public const int Unknown = -1;

    public static bool IsIndexed(V1Job job) => job.Spec.CompletionMode == "Indexed";

    /// <summary>The pod's completion index, or <see cref="Unknown"/>.</summary>
    public static int Index(V1Pod pod)
    {
        if (pod.Metadata.Annotations?.TryGetValue(IndexAnnotation, out var v) != true
            || !int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var ix))
        {
            return Unknown;
        }
        return ix;
    }

    /// <summary>Parses "1,3-5" into sorted disjoint intervals, ignoring what is invalid or ≥ completions.</summary>
    public static List<(int First, int Last)> Parse(string? text, int completions)
    {
        var result = new List<(int, int)>();
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            int first, last;
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out first))
                {
                    continue;
                }
                last = first;
            }
            else if (!int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out first)
                || !int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out last))
            {
                continue;
            }
            if (first >= completions)
            {
                continue;
            }
            last = Math.Min(last, completions - 1);
            if (last >= first)
            {
                result.Add((first, last));
            }
        }
        return Normalize(result);
    }

    /// <summary>Adds indexes to the intervals (withOrderedIndexes).</summary>
    public static List<(int First, int Last)> With(List<(int First, int Last)> intervals, IEnumerable<int> indexes) =>
        Normalize([.. intervals, .. indexes.Select(i => (i, i))]);

    private static List<(int First, int Last)> Normalize(List<(int First, int Last)> items)
    {
        items.Sort();
        var merged = new List<(int First, int Last)>();
        foreach (var (f, l) in items)
        {
            if (merged.Count > 0 && f <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, l));
            }
            else
            {
                merged.Add((f, l));
            }
        }
        return merged;
    }

    public static bool Has(List<(int First, int Last)> intervals, int ix) => intervals.Any(i => ix >= i.First && ix <= i.Last);

    public static int Total(List<(int First, int Last)> intervals) => intervals.Sum(i => i.Last - i.First + 1);

    /// <summary>"1,3-5,7" (orderedIntervals.String).</summary>
    public static string Format(List<(int First, int Last)> intervals)
    {
        var sb = new StringBuilder();
        foreach (var (f, l) in intervals)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(f.ToString(CultureInfo.InvariantCulture));
            if (l > f)
            {
                sb.Append(l == f + 1 ? ',' : '-').Append(l.ToString(CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>The lowest indexes neither succeeded nor held by an active pod, up to <paramref name="count"/> (firstPendingIndexes).</summary>
    public static List<int> FirstPending(List<(int First, int Last)> succeeded, IEnumerable<V1Pod> activePods, int count, int completions)
    {
        var busy = activePods.Select(Index).Where(i => i != Unknown).ToHashSet();
        var result = new List<int>();
        for (var ix = 0; ix < completions && result.Count < count; ix++)
        {
            if (!Has(succeeded, ix) && !busy.Contains(ix))
            {
                result.Add(ix);
            }
        }
        return result;
    }

    /// <summary>Adds JOB_COMPLETION_INDEX (from the annotation) to every container and init container.</summary>
    public static void AddIndexEnv(V1PodTemplateSpec template)
    {
        foreach (var c in (template.Spec.Containers ?? []).Concat(template.Spec.InitContainers ?? []))
        {
            c.Env ??= [];
            if (c.Env.Any(e => e.Name == IndexEnvName))
            {
                continue;
            }
            c.Env.Add(new V1EnvVar
            {
                Name = IndexEnvName,
                ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = $"metadata.annotations['{IndexAnnotation}']" } },
            });
        }
    }

    /// <summary>"&lt;job&gt;-&lt;index&gt;-", shortened to fit a DNS label (podGenerateNameWithIndex).</summary>
    public static string GenerateName(string jobName, int index)
    {
        var append = "-" + index.ToString(CultureInfo.InvariantCulture) + "-";
        var prefix = jobName + append;
        return prefix.Length > 63 ? jobName[..(63 - append.Length)] + append : prefix;
    }

    /// <summary>
    /// Pods to remove for holding an index twice (all but the most advanced), an invalid index, or none
    /// (appendDuplicatedIndexPodsForRemoval); the rest are returned as kept.
    /// </summary>
    public static (List<V1Pod> Remove, List<V1Pod> Keep) Duplicates(List<V1Pod> pods, int completions)
    {
        var remove = new List<V1Pod>();
        var keep = new List<V1Pod>();
        foreach (var group in pods.GroupBy(Index))
        {
            var list = group.ToList();
            if (group.Key == Unknown || group.Key >= completions)
            {
                remove.AddRange(list);
                continue;
            }
            if (list.Count == 1)
            {
                keep.Add(list[0]);
                continue;
            }
            Framework.ActivePodsRanking.Sort(list);
            remove.AddRange(list.Take(list.Count - 1));
            keep.Add(list[^1]);
        }
        return (remove, keep);
    }

    /// <summary>Whether a success policy rule is met by the succeeded indexes; the message names the rule (matchSuccessPolicy).</summary>
    public static (bool Met, string Message) MatchSuccessPolicy(V1SuccessPolicy? policy, int completions, List<(int First, int Last)> succeeded)
    {
        if (policy?.Rules is null || succeeded.Count == 0)
        {
            return (false, "");
        }
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            if (rule.SucceededIndexes is { } text)
            {
                var required = Parse(text, completions);
                if (required.Count == 0)
                {
                    continue;
                }
                var have = 0;
                foreach (var (f, l) in required)
                {
                    for (var ix = f; ix <= l; ix++)
                    {
                        if (Has(succeeded, ix))
                        {
                            have++;
                        }
                    }
                }
                var met = rule.SucceededCount is int n ? have >= n : have == Total(required);
                if (met)
                {
                    return (true, $"Matched rules at index {i}");
                }
            }
            else if (rule.SucceededCount is int n && Total(succeeded) >= n)
            {
                return (true, $"Matched rules at index {i}");
            }
        }
        return (false, "");
    }
}
