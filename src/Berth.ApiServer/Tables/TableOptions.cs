using Berth.Api.Errors;

namespace Berth.ApiServer.Tables;

/// <summary>The query parameters of a Table request (<c>meta.k8s.io/v1 TableOptions</c>).</summary>
public static class TableOptions
{
    /// <summary>
    /// Parses the <c>includeObject</c> query parameter: <c>None</c>, <c>Metadata</c>, <c>Object</c>, or empty/absent for
    /// the default <see cref="IncludeObject.Metadata"/>. Anything else is a 400 with kube-apiserver's message.
    /// </summary>
    /// <exception cref="StatusException">BadRequest for an unknown value.</exception>
    public static IncludeObject ParseIncludeObject(string? value) => value switch
    {
        null or "" or "Metadata" => IncludeObject.Metadata,
        "None" => IncludeObject.None,
        "Object" => IncludeObject.Object,
        _ => throw StatusException.BadRequest(
            "Unable to convert to Table as requested: includeObject: Invalid value: \"" + value
            + "\": must be 'Metadata', 'Object', 'None', or empty"),
    };
}
