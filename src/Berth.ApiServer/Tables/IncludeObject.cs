namespace Berth.ApiServer.Tables;

/// <summary>
/// What each Table row carries in <c>object</c>: the <c>includeObject</c> parameter of
/// <c>meta.k8s.io/v1 TableOptions</c>. <see cref="Metadata"/> is the default, as in kube-apiserver.
/// </summary>
public enum IncludeObject
{
    /// <summary><c>includeObject=None</c>: <c>"object": null</c>.</summary>
    None,

    /// <summary><c>includeObject=Metadata</c> (the default): a <c>PartialObjectMetadata</c> holding the object's metadata.</summary>
    Metadata,

    /// <summary><c>includeObject=Object</c>: the whole object, in the version that was requested.</summary>
    Object,
}
