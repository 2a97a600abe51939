namespace OcciAgent.Hypervisor.Vm;

/// <summary>Why a VM operation failed, so the agent can answer without parsing text.</summary>
public enum VmErrorKind
{
    /// <summary>Not possible in the VM's current state (e.g. hot-plug into a hibernated VM).</summary>
    Conflict,
    /// <summary>QEMU is missing or unusable on this host.</summary>
    Unavailable,
    /// <summary>The guest or QEMU did not do what was asked in time.</summary>
    Timeout,
    /// <summary>QEMU refused or failed; the message carries its words.</summary>
    Failed,
}

/// <summary>A VM operation failed; the message names the VM, the operation and the cause.</summary>
public sealed class VmException(VmErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public VmErrorKind Kind { get; } = kind;
}
