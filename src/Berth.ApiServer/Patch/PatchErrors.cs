using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.ApiServer.Patch;

/// <summary>
/// The failures kube-apiserver reports for patches (k8s.io/apiserver handlers/patch.go), with its codes and
/// wording. Where kube hides the cause behind a generic message, the cause is kept in
/// <see cref="Exception.Data"/> under <see cref="DetailKey"/> for server logs.
/// </summary>
internal static class PatchErrors
{
    public const string DetailKey = "detail";

    private const string GenericInvalid = "the server rejected our request due to an error in our request";

    /// <summary>400: the patch document is malformed.</summary>
    public static StatusException BadRequest(string message) => StatusException.BadRequest(message);

    /// <summary>
    /// 422 with kube's generic text: a JSON patch that does not apply (failed <c>test</c>, missing path, bad
    /// index) or a strategic merge patch that kube maps through <c>NewGenericServerResponse(422, …)</c>.
    /// </summary>
    public static StatusException Unprocessable(string detail)
    {
        var e = StatusException.Create(422, "Invalid", GenericInvalid, new V1StatusDetails());
        e.Data[DetailKey] = detail;
        return e;
    }

    /// <summary>
    /// 500 without a reason: kube returns the strategic-merge errors it does not classify (missing merge key,
    /// unknown <c>$patch</c>, mismatched <c>$setElementOrder</c>) as plain errors, which the API turns into a
    /// Status with code 500, no reason and the error text as message; kubectl prints "Error from server: …".
    /// </summary>
    public static StatusException Untyped(string message) => new(new V1Status
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Failure",
        Code = 500,
        Message = message,
    });

    /// <summary>
    /// 422 Invalid on field <c>patch</c>, as kube reports a patched object that does not decode into the kind:
    /// <c> "" is invalid: patch: Invalid value: "…": cannot restore struct from: string</c>.
    /// </summary>
    public static StatusException InvalidPatch(string patchText, string detail)
    {
        var e = StatusException.Invalid("", "", "", [FieldError.Invalid("patch", new Quoted(patchText), detail)]);
        if (e.Status.Details is { } d)
        {
            d.Kind = null;
            d.Name = null;
        }
        return e;
    }

    public static StatusException InvalidPatch(JsonNode? patch, string detail) => InvalidPatch(GoFormat.Value(patch), detail);

    /// <summary>413 for JSON patches with more than <see cref="PatchLimits.MaxJsonPatchOperations"/> operations.</summary>
    public static StatusException TooManyOperations(int count) => StatusException.TooLarge(
        $"Request entity too large: The allowed maximum operations in a JSON patch is {PatchLimits.MaxJsonPatchOperations}, got {count}");

    /// <summary>400 for input nested deeper than <see cref="PatchLimits.MaxDepth"/>.</summary>
    public static StatusException TooDeep() =>
        BadRequest($"the patch exceeds the maximum nesting depth of {PatchLimits.MaxDepth}");

    /// <summary>Last resort: a bug here must still reach the client as a Status, never as a crash.</summary>
    public static StatusException Internal(Exception e)
    {
        var ex = StatusException.Internal("Internal error occurred: " + e.Message);
        ex.Data[DetailKey] = e.ToString();
        return ex;
    }

    /// <summary>Wraps a value so that <see cref="FieldError"/> prints it with Go's quoting (kube uses %q).</summary>
    private sealed record Quoted(string Text)
    {
        public override string ToString() => GoFormat.Quote(Text);
    }
}
