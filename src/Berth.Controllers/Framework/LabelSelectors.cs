using Berth.Api.Selectors;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>Converts API label selectors (metav1.LabelSelectorAsSelector).</summary>
public static class LabelSelectors
{
    /// <summary>The selector; null selects nothing, empty selects everything, an invalid one nothing.</summary>
    public static LabelSelector Of(V1LabelSelector? selector)
    {
        try
        {
            return LabelSelector.FromApi(selector);
        }
        catch (FormatException)
        {
            return LabelSelector.Nothing;
        }
    }

    /// <summary>True when the API selector is present and has no requirements (it would select every pod).</summary>
    public static bool SelectsEverything(V1LabelSelector? selector) =>
        selector is not null && (selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0;

    /// <summary>A copy of the selector with one more matchLabels entry (labelsutil.CloneSelectorAndAddLabel).</summary>
    public static V1LabelSelector WithLabel(V1LabelSelector? selector, string key, string value)
    {
        var copy = selector is null ? new V1LabelSelector() : KubeObjects.Clone(selector);
        copy.MatchLabels = copy.MatchLabels is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(copy.MatchLabels, StringComparer.Ordinal);
        copy.MatchLabels[key] = value;
        return copy;
    }
}
