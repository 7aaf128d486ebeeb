using System.Collections.Concurrent;
using Berth.Api.Kinds;

namespace Berth.Api.Strategies;

/// <summary>Maps each resource to its strategy; resources without one get <see cref="DefaultStrategy"/>.</summary>
public sealed class KindStrategies
{
    private readonly ConcurrentDictionary<(string Group, string Resource), IKindStrategy> _byResource = new();

    /// <summary>The registry with every built-in strategy registered.</summary>
    public static KindStrategies CreateDefault()
    {
        var s = new KindStrategies();
        BuiltinStrategies.Register(s);
        return s;
    }

    public void Register(string group, string resource, IKindStrategy strategy) => _byResource[(group, resource)] = strategy;

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ResourceInfo, IKindStrategy> _custom = new();

    public IKindStrategy For(ResourceInfo info)
    {
        if (info.ModelType is null)
        {
            // Custom resources: one strategy per served version, built from that version's schema.
            return _custom.GetValue(info, i => new CustomResources.CustomResourceStrategy(i.CustomSchema));
        }
        return _byResource.TryGetValue((info.Group, info.Resource), out var s) ? s : DefaultStrategy.Instance;
    }
}
