namespace Berth.Node.Containerd;

/// <summary>Facts about the host's cgroup setup.</summary>
public static class Cgroups
{
    /// <summary>
    /// 2 when <paramref name="root"/> is the cgroup v2 unified hierarchy, 1 otherwise (v1 or hybrid:
    /// v1 controllers with v2 mounted at <c>unified/</c>, where runc uses v1).
    /// </summary>
    public static int DetectVersion(string root = "/sys/fs/cgroup") =>
        File.Exists(Path.Combine(root, "cgroup.controllers")) ? 2 : 1;
}
