namespace Berth.ApiServer.Patch;

/// <summary>
/// Bounds on patch input. Patches are untrusted: these keep the recursive merge code inside a safe stack
/// depth and keep a small request from growing into a huge object.
/// </summary>
public static class PatchLimits
{
    /// <summary>
    /// The deepest JSON nesting (objects and arrays) a patch or a patched object may have. System.Text.Json
    /// defaults to 64 and Go's decoder allows 10000; real objects stay far below 100 even for deeply nested
    /// CRD schemas, and 256 keeps every recursion here well inside the default thread stack.
    /// </summary>
    public const int MaxDepth = 256;

    /// <summary>kube-apiserver's <c>maxJSONPatchOperations</c>.</summary>
    public const int MaxJsonPatchOperations = 10000;

    /// <summary>
    /// kube-apiserver's default <c>JSONPatchMaxCopyBytes</c> (3 MiB): the total size that <c>copy</c>
    /// operations of one JSON patch may add, so that copying a subtree into itself cannot double the object
    /// once per operation.
    /// </summary>
    public const long MaxCopyBytes = 3 * 1024 * 1024;
}
