using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Maps <c>k8s.Models</c> CLR types back to the OpenAPI definition names kube-apiserver uses
/// (<c>io.k8s.api.apps.v1.DeploymentSpec</c>, <c>io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta</c>…).
/// </summary>
/// <remarks>
/// The KubernetesClient generator drops the Go package from class names (<c>V1DeploymentSpec</c>) unless two
/// packages collide (<c>Corev1Event</c>, <c>Eventsv1Event</c>). The package is recovered, in order, from:
/// <list type="number">
/// <item>a small table of apimachinery types (meta/v1, version) and the few core/v1 types only other groups use;</item>
/// <item>the group prefix of a colliding class name;</item>
/// <item>the <see cref="KubernetesEntityAttribute"/> of a top-level kind;</item>
/// <item>otherwise the groups of the kinds that (transitively) reference the type: a type that any core/v1 kind
///   reaches lives in core/v1 (PodSpec, Container…); a type only one group reaches lives in that group.</item>
/// </list>
/// The version comes from the class name prefix (<c>V1</c>, <c>V2beta1</c>). Computed once for the whole
/// assembly (a few ms) so names do not depend on which documents were built first.
/// </remarks>
internal static partial class DefinitionNames
{
    public const string Time = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    public const string MicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    public const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    public const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    public const string RawExtension = "io.k8s.apimachinery.pkg.runtime.RawExtension";
    public const string FieldsV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
    public const string Patch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    public const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    public const string ListMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
    public const string Json = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON";
    public const string JsonSchemaPropsOrArray = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray";
    public const string JsonSchemaPropsOrBool = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool";
    public const string JsonSchemaPropsOrStringArray = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray";
    public const string CustomResourceSubresourceStatus = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus";

    private const string MetaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    private static readonly Lazy<FrozenDictionary<Type, string>> Names = new(Build);

    /// <summary>The definition name of a model type.</summary>
    public static string For(Type modelType) =>
        Names.Value.TryGetValue(modelType, out var name) ? name : "io.k8s.unknown." + modelType.Name;

    /// <summary>The definition name of a custom resource kind: the reversed group, version and kind
    /// (<c>stable.example.com</c>/v1 CronTab → <c>com.example.stable.v1.CronTab</c>), as kube-apiserver names them.</summary>
    public static string ForCustom(string group, string version, string kind)
    {
        var parts = group.Split('.');
        Array.Reverse(parts);
        return string.Join('.', parts) + "." + version + "." + kind;
    }

    /// <summary>The Go package name of a built-in API group, as used in definition names and tags.</summary>
    public static string PackageOfGroup(string group) => group switch
    {
        "" => "core",
        "rbac.authorization.k8s.io" => "rbac",
        "internal.apiserver.k8s.io" => "apiserverinternal",
        "flowcontrol.apiserver.k8s.io" => "flowcontrol",
        _ when group.EndsWith(".k8s.io", StringComparison.Ordinal) => group[..^".k8s.io".Length],
        _ => group,
    };

    private static string PackagePrefix(string package) => package switch
    {
        "apiextensions" => "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
        "apiregistration" => "io.k8s.kube-aggregator.pkg.apis.apiregistration",
        _ => "io.k8s.api." + package,
    };

    // Types whose package neither their name nor the reference graph reveals.
    private static readonly Dictionary<Type, string> Fixed = new()
    {
        [typeof(V1ObjectMeta)] = MetaV1 + "ObjectMeta",
        [typeof(V1ListMeta)] = MetaV1 + "ListMeta",
        [typeof(V1LabelSelector)] = MetaV1 + "LabelSelector",
        [typeof(V1LabelSelectorRequirement)] = MetaV1 + "LabelSelectorRequirement",
        [typeof(V1OwnerReference)] = MetaV1 + "OwnerReference",
        [typeof(V1ManagedFieldsEntry)] = MetaV1 + "ManagedFieldsEntry",
        [typeof(V1Condition)] = MetaV1 + "Condition",
        [typeof(V1Status)] = MetaV1 + "Status",
        [typeof(V1StatusDetails)] = MetaV1 + "StatusDetails",
        [typeof(V1StatusCause)] = MetaV1 + "StatusCause",
        [typeof(V1DeleteOptions)] = MetaV1 + "DeleteOptions",
        [typeof(V1Preconditions)] = MetaV1 + "Preconditions",
        [typeof(V1APIResource)] = MetaV1 + "APIResource",
        [typeof(V1APIResourceList)] = MetaV1 + "APIResourceList",
        [typeof(V1APIGroup)] = MetaV1 + "APIGroup",
        [typeof(V1APIGroupList)] = MetaV1 + "APIGroupList",
        [typeof(V1APIVersions)] = MetaV1 + "APIVersions",
        [typeof(V1GroupVersionForDiscovery)] = MetaV1 + "GroupVersionForDiscovery",
        [typeof(V1ServerAddressByClientCIDR)] = MetaV1 + "ServerAddressByClientCIDR",
        [typeof(V1WatchEvent)] = MetaV1 + "WatchEvent",
        [typeof(V1Patch)] = Patch,
        [typeof(V1FieldSelectorRequirement)] = MetaV1 + "FieldSelectorRequirement",
        [typeof(V1ShardInfo)] = MetaV1 + "ShardInfo",
        [typeof(VersionInfo)] = "io.k8s.apimachinery.pkg.version.Info",
        // core/v1 types that only storage.k8s.io (StorageClass.allowedTopologies) references.
        [typeof(V1TopologySelectorTerm)] = "io.k8s.api.core.v1.TopologySelectorTerm",
        [typeof(V1TopologySelectorLabelRequirement)] = "io.k8s.api.core.v1.TopologySelectorLabelRequirement",
    };

    [GeneratedRegex(@"^(?<group>[A-Z][a-z]+)?(?<version>[Vv][0-9]+(?:alpha[0-9]+|beta[0-9]+)?)(?<name>[A-Z].*)$")]
    private static partial Regex ClassName();

    private static FrozenDictionary<Type, string> Build()
    {
        var models = typeof(V1Pod).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "k8s.Models" && t.IsClass && !t.IsAbstract && !t.IsGenericType)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        // Attribute lookups are the expensive part of reflection here: read each once.
        var entities = new Dictionary<Type, KubernetesEntityAttribute>();
        foreach (var t in models)
        {
            if (t.GetCustomAttribute<KubernetesEntityAttribute>(inherit: false) is { } e)
            {
                entities[t] = e;
            }
        }
        var reach = ReachingGroups(models, entities);

        var names = new Dictionary<Type, string>(models.Count);
        foreach (var type in models)
        {
            if (Fixed.TryGetValue(type, out var fixedName))
            {
                names[type] = fixedName;
                continue;
            }
            var match = ClassName().Match(type.Name);
            var entity = entities.GetValueOrDefault(type);
            if (!match.Success)
            {
                if (entity is not null)
                {
                    names[type] = PackagePrefix(PackageOfGroup(entity.Group ?? "")) + "." + entity.ApiVersion + "." + entity.Kind;
                }
                continue;
            }
            var version = match.Groups["version"].Value.ToLowerInvariant();
            var bareName = match.Groups["name"].Value;
            string package;
            if (match.Groups["group"].Success)
            {
                package = match.Groups["group"].Value.ToLowerInvariant();
            }
            else if (entity is not null)
            {
                package = PackageOfGroup(entity.Group ?? "");
                version = entity.ApiVersion;
                bareName = entity.Kind;
            }
            else if (reach.TryGetValue(type, out var groups) && groups.Count > 0)
            {
                package = groups.Contains("") ? "core" : PackageOfGroup(groups.Min(StringComparer.Ordinal)!);
            }
            else
            {
                continue;
            }
            names[type] = PackagePrefix(package) + "." + version + "." + bareName;
        }
        return names.ToFrozenDictionary();
    }

    // For every non-entity model type: the API groups of the kinds that reach it through properties, without
    // passing through another kind (whose own walk attributes what it reaches).
    private static Dictionary<Type, HashSet<string>> ReachingGroups(List<Type> models, Dictionary<Type, KubernetesEntityAttribute> entities)
    {
        var modelSet = models.ToHashSet();
        var edges = new Dictionary<Type, List<Type>>(models.Count);
        foreach (var type in models)
        {
            var targets = new List<Type>();
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (ElementModel(p.PropertyType, modelSet) is { } target && p.IsDefined(typeof(JsonPropertyNameAttribute), inherit: false))
                {
                    targets.Add(target);
                }
            }
            edges[type] = targets;
        }
        var reach = new Dictionary<Type, HashSet<string>>();
        var stack = new Stack<Type>();
        var seen = new HashSet<Type>();
        foreach (var (root, entity) in entities)
        {
            var group = entity.Group ?? "";
            seen.Clear();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var t = stack.Pop();
                if (!seen.Add(t))
                {
                    continue;
                }
                if (t != root)
                {
                    if (entities.ContainsKey(t))
                    {
                        continue;
                    }
                    if (!reach.TryGetValue(t, out var set))
                    {
                        reach[t] = set = [];
                    }
                    set.Add(group);
                }
                foreach (var next in edges[t])
                {
                    stack.Push(next);
                }
            }
        }
        return reach;
    }

    private static Type? ElementModel(Type type, HashSet<Type> modelSet)
    {
        while (true)
        {
            if (modelSet.Contains(type))
            {
                return type;
            }
            if (type == typeof(string) || !type.IsGenericType)
            {
                return null;
            }
            // IList<T>, IDictionary<string, T> and friends: follow the last type argument.
            type = type.GetGenericArguments()[^1];
        }
    }
}
