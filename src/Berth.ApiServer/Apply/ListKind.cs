namespace Berth.ApiServer.Apply;

/// <summary>How server-side apply merges and owns a list (<c>x-kubernetes-list-type</c>).</summary>
public enum ListKind
{
    /// <summary>Replaced and owned as a whole.</summary>
    Atomic,

    /// <summary>A set of scalars: each value is merged and owned on its own (<c>v:</c> in fieldsV1).</summary>
    Set,

    /// <summary>Items are objects identified by key fields, merged and owned per item (<c>k:</c> in fieldsV1).</summary>
    Map,
}
