using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;

namespace Berth.ApiServer.Patch;

/// <summary>
/// JSON merge patch (RFC 7386, <c>application/merge-patch+json</c>): objects merge member by member,
/// <c>null</c> deletes, anything else (arrays included) replaces.
/// </summary>
/// <remarks>
/// Errors as kube-apiserver reports them: malformed JSON, a <c>null</c> or scalar patch is 400
/// "Invalid JSON Patch"; an array patch would replace the whole object with an array, which kube rejects
/// when decoding the result (422 Invalid on field <c>patch</c>).
/// </remarks>
public static class MergePatch
{
    private const string BadPatch = "Invalid JSON Patch";

    /// <summary>Applies the patch to a copy of <paramref name="original"/>; the inputs are not modified.</summary>
    /// <exception cref="StatusException">Always, for any failure; no other exception escapes.</exception>
    public static JsonObject Apply(JsonObject original, ReadOnlySpan<byte> patchJson)
    {
        ArgumentNullException.ThrowIfNull(original);
        try
        {
            JsonNode? patch;
            try
            {
                patch = PatchJson.Parse(patchJson);
            }
            catch (JsonException)
            {
                throw PatchErrors.BadRequest(BadPatch);
            }
            return patch switch
            {
                JsonObject o => Merge(original.DeepClone().AsObject(), o),
                JsonArray a => throw PatchErrors.InvalidPatch(a.ToJsonString(),
                    "json: cannot unmarshal array into Go value of type map[string]interface {}"),
                _ => throw PatchErrors.BadRequest(BadPatch),
            };
        }
        catch (StatusException)
        {
            throw;
        }
        catch (InsufficientExecutionStackException)
        {
            throw PatchErrors.TooDeep();
        }
        catch (Exception e)
        {
            throw PatchErrors.Internal(e);
        }
    }

    // RFC 7386 MergePatch(Target, Patch) for an object patch; target is owned and modified in place.
    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var (name, value) in patch)
        {
            switch (value)
            {
                case null:
                    target.Remove(name);
                    break;
                case JsonObject o:
                    if (target.TryGetPropertyValue(name, out var current) && current is JsonObject co)
                    {
                        Merge(co, o);
                    }
                    else
                    {
                        // A non-object target is replaced by {} first, which also drops the patch's nulls.
                        target[name] = Merge(new JsonObject(), o);
                    }
                    break;
                default:
                    target[name] = value.DeepClone();
                    break;
            }
        }
        return target;
    }

    /// <summary>
    /// The merge patch that turns <paramref name="original"/> into <paramref name="modified"/> (evanphx
    /// <c>CreateMergePatch</c>): changed and added members, <c>null</c> for removed ones, nested objects
    /// diffed recursively, arrays replaced whole. Applying it to <paramref name="original"/> yields
    /// <paramref name="modified"/> except where <paramref name="modified"/> holds explicit nulls, which
    /// RFC 7386 cannot express.
    /// </summary>
    /// <exception cref="ArgumentException">Either document is not a JSON object.</exception>
    public static JsonObject CreateMergePatch(JsonNode original, JsonNode modified)
    {
        if (original is not JsonObject a)
        {
            throw new ArgumentException("Invalid JSON Document: expected an object", nameof(original));
        }
        if (modified is not JsonObject b)
        {
            throw new ArgumentException("Invalid JSON Document: expected an object", nameof(modified));
        }
        return Diff(a, b);
    }

    private static JsonObject Diff(JsonObject a, JsonObject b)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var patch = new JsonObject();
        foreach (var (name, bv) in b)
        {
            if (!a.TryGetPropertyValue(name, out var av))
            {
                patch[name] = bv?.DeepClone();
            }
            else if (av is JsonObject ao && bv is JsonObject bo)
            {
                var inner = Diff(ao, bo);
                if (inner.Count > 0)
                {
                    patch[name] = inner;
                }
            }
            else if (!JsonNode.DeepEquals(av, bv))
            {
                patch[name] = bv?.DeepClone();
            }
        }
        foreach (var (name, _) in a)
        {
            if (!b.ContainsKey(name))
            {
                patch[name] = null;
            }
        }
        return patch;
    }
}
