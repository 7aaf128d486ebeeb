using System.Text;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Who owns a set of fields: kube's manager identifier, the JSON of a <c>ManagedFieldsEntry</c> without
/// fields and time — and, for appliers, without apiVersion, so one applier keeps one entry across versions.
/// Its <see cref="Identifier"/> is what kube sorts and compares (capping, conflict messages).
/// </summary>
internal sealed class ManagerId : IEquatable<ManagerId>
{
    public const string OperationApply = "Apply";
    public const string OperationUpdate = "Update";

    /// <summary>The placeholder an update's fields are gathered under before they join the manager's entry.</summary>
    public static readonly ManagerId CurrentOperation = new("current-operation", "", null, null, "current-operation");

    private ManagerId(string manager, string operation, string? apiVersion, string? subresource, string identifier)
    {
        Manager = manager;
        Operation = operation;
        ApiVersion = apiVersion;
        Subresource = subresource;
        Identifier = identifier;
    }

    public string Manager { get; }
    public string Operation { get; }

    /// <summary>Part of the identity of Update entries only.</summary>
    public string? ApiVersion { get; }
    public string? Subresource { get; }
    public string Identifier { get; }

    public static ManagerId Create(string manager, string operation, string? apiVersion, string? subresource)
    {
        if (operation == OperationApply)
        {
            apiVersion = null;
        }
        apiVersion = string.IsNullOrEmpty(apiVersion) ? null : apiVersion;
        subresource = string.IsNullOrEmpty(subresource) ? null : subresource;
        // Go's json.Marshal of ManagedFieldsEntry: field order manager, operation, apiVersion, subresource; omitempty.
        var sb = new StringBuilder("{");
        var first = true;
        void Field(string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            GoJson.WriteString(sb, name);
            sb.Append(':');
            GoJson.WriteString(sb, value);
        }
        Field("manager", manager);
        Field("operation", operation);
        Field("apiVersion", apiVersion);
        Field("subresource", subresource);
        sb.Append('}');
        return new ManagerId(manager, operation, apiVersion, subresource, sb.ToString());
    }

    /// <summary>kube's <c>printManager</c>: <c>"kubectl" using apps/v1</c>, <c>"x" with subresource "status"</c>.</summary>
    public string Describe()
    {
        var s = GoJson.Quote(Manager);
        if (Subresource is not null)
        {
            s += " with subresource " + GoJson.Quote(Subresource);
        }
        if (Operation == OperationUpdate)
        {
            s += " using " + ApiVersion;
        }
        return s;
    }

    public bool Equals(ManagerId? other) => other is not null && string.Equals(Identifier, other.Identifier, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ManagerId m && Equals(m);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Identifier);

    public override string ToString() => Identifier;
}
