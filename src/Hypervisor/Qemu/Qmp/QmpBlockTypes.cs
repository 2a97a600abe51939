namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>Arguments of <c>blockdev-add</c> for a format driver over a file (the same object, flattened
/// into dotted keys, is the value of <c>-blockdev</c>: <see cref="QemuOpt.Join{T}"/>).</summary>
public sealed record BlockdevOptions(string Driver, string NodeName, bool ReadOnly, BlockdevFile File);

/// <summary>The protocol node under a format node: <c>{"driver":"file","filename":PATH}</c>.</summary>
public sealed record BlockdevFile(string Driver, string Filename);

/// <summary>Arguments of <c>blockdev-del</c>.</summary>
internal sealed record BlockdevDel(string NodeName);

/// <summary>Arguments of <c>block_resize</c>: the node's new size in bytes.</summary>
public sealed record BlockResize(string NodeName, long Size);

/// <summary>Arguments of <c>blockdev-snapshot-internal-sync</c>: a qcow2-internal snapshot named
/// <paramref name="Name"/> of the node <paramref name="Device"/>.</summary>
public sealed record BlockdevSnapshotInternal(string Device, string Name);
