using System.Text.Json.Nodes;
using Berth.Api.Json;
using k8s;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>Small helpers on <c>k8s.Models</c> objects that every workload controller needs.</summary>
public static class KubeObjects
{
    /// <summary>A deep copy (through Kubernetes JSON): cached objects are shared and must not be changed.</summary>
    public static T Clone<T>(T obj) where T : class => KubeJson.Deserialize<T>(KubeJson.SerializeToUtf8(obj));

    /// <summary>The object as a JSON object with <c>apiVersion</c> and <c>kind</c> set, ready to send.</summary>
    public static JsonObject ToJson<T>(T obj, string apiVersion, string kind) where T : class, IKubernetesObject
    {
        obj.ApiVersion = apiVersion;
        obj.Kind = kind;
        return KubeJson.ToNode(obj);
    }

    /// <summary>"namespace/name", the work queue key of a namespaced object.</summary>
    public static string Key(V1ObjectMeta meta) => string.IsNullOrEmpty(meta.NamespaceProperty) ? meta.Name : meta.NamespaceProperty + "/" + meta.Name;

    public static string Key(IMetadata<V1ObjectMeta> obj) => Key(obj.Metadata);

    public static (string Namespace, string Name) SplitKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The owner reference with controller=true, or null (metav1.GetControllerOf).</summary>
    public static V1OwnerReference? ControllerOf(V1ObjectMeta? meta)
    {
        if (meta?.OwnerReferences is not { } refs)
        {
            return null;
        }
        foreach (var r in refs)
        {
            if (r.Controller == true)
            {
                return r;
            }
        }
        return null;
    }

    /// <summary>A controller reference to <paramref name="owner"/> (metav1.NewControllerRef).</summary>
    public static V1OwnerReference NewControllerRef(V1ObjectMeta owner, string apiVersion, string kind) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        Name = owner.Name,
        Uid = owner.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>True when <paramref name="meta"/> is controlled by the object with uid <paramref name="ownerUid"/>.</summary>
    public static bool IsControlledBy(V1ObjectMeta? meta, string ownerUid) => ControllerOf(meta)?.Uid == ownerUid;

    /// <summary>
    /// The minimal JSON an <see cref="Berth.Client.Events.EventRecorder"/> needs to name an object in an
    /// Event's <c>involvedObject</c>.
    /// </summary>
    public static JsonObject EventTarget(string apiVersion, string kind, V1ObjectMeta meta) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = meta.Name,
            ["namespace"] = meta.NamespaceProperty,
            ["uid"] = meta.Uid,
            ["resourceVersion"] = meta.ResourceVersion,
        },
    };

    /// <summary>Now, truncated to whole seconds as metav1.Time serializes.</summary>
    public static DateTime Now(TimeProvider time)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    /// <summary>True when both objects serialize to the same Kubernetes JSON.</summary>
    public static bool JsonEquals<T>(T? a, T? b) where T : class
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        return KubeJson.SerializeToUtf8(a).AsSpan().SequenceEqual(KubeJson.SerializeToUtf8(b));
    }
}
