using System.Text.Json.Serialization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// A condition of one Table row. kube-apiserver sets <c>Completed</c> on pods that succeeded or failed, so
/// clients can tell finished rows apart.
/// </summary>
public sealed record TableRowCondition(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);
