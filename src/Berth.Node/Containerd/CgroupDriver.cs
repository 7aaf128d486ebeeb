namespace Berth.Node.Containerd;

/// <summary>How runc creates container cgroups; the agent must build cgroup parents to match.</summary>
public enum CgroupDriver
{
    /// <summary>Plain cgroupfs paths (e.g. "/kubepods/burstable/pod…"); works on cgroup v1 and v2 without systemd.</summary>
    Cgroupfs,

    /// <summary>systemd slices (e.g. "kubepods-burstable.slice"); needs systemd as PID 1.</summary>
    Systemd,
}
