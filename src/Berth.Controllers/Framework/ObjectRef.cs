using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.Controllers.Framework;

/// <summary>One owner reference: what the garbage collector needs of it.</summary>
public sealed record OwnerRef(string ApiVersion, string Kind, string Name, string Uid, bool BlockOwnerDeletion, bool Controller);

/// <summary>The metadata of an object as the garbage collector and namespace controller keep it (not the whole object).</summary>
public sealed record ObjectRef(ResourceInfo Resource, string Namespace, string Name, string Uid, IReadOnlyList<OwnerRef> Owners,
    bool Terminating, IReadOnlyList<string> Finalizers)
{
    public static ObjectRef From(ResourceInfo resource, JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        var owners = new List<OwnerRef>();
        if (meta["ownerReferences"] is JsonArray refs)
        {
            foreach (var r in refs)
            {
                if (r is JsonObject o && o["uid"]?.GetValue<string>() is { } uid)
                {
                    owners.Add(new OwnerRef(o["apiVersion"]?.GetValue<string>() ?? "", o["kind"]?.GetValue<string>() ?? "",
                        o["name"]?.GetValue<string>() ?? "", uid, o["blockOwnerDeletion"]?.GetValue<bool>() ?? false,
                        o["controller"]?.GetValue<bool>() ?? false));
                }
            }
        }
        var finalizers = new List<string>();
        if (meta["finalizers"] is JsonArray f)
        {
            foreach (var x in f)
            {
                if (x?.GetValue<string>() is { } s)
                {
                    finalizers.Add(s);
                }
            }
        }
        return new ObjectRef(resource, meta["namespace"]?.GetValue<string>() ?? "", meta["name"]?.GetValue<string>() ?? "",
            meta["uid"]?.GetValue<string>() ?? "", owners, meta["deletionTimestamp"] is not null, finalizers);
    }
}
