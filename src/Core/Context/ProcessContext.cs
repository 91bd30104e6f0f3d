using System;

namespace TpGen.Context;

/// <summary>What each record of a probe set carries about the process the event fired in, besides its pid.</summary>
[Flags]
public enum ProcessContext
{
    /// <summary>Nothing more.</summary>
    None = 0,

    /// <summary>The task's command name (<c>comm</c>, 16 bytes), as <c>bpf_get_current_comm</c> gives it when the event fires.</summary>
    Command = 1,

    /// <summary>The id of the task's cgroup (v2), as <c>bpf_get_current_cgroup_id</c> gives it: the inode number of its directory under /sys/fs/cgroup.</summary>
    CgroupId = 2,
}
