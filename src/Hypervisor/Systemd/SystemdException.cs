namespace OcciAgent.Hypervisor.Systemd;

/// <summary>A call to systemd or machined failed. <see cref="ErrorName"/> is the D-Bus error
/// (e.g. <c>org.freedesktop.systemd1.NoSuchUnit</c>) when the bus answered with one, so callers
/// can tell "gone" from "broken" without parsing text.</summary>
public sealed class SystemdException(string message, string? errorName = null, Exception? inner = null) : Exception(message, inner)
{
    public string? ErrorName { get; } = errorName;

    public const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
    public const string NoSuchMachine = "org.freedesktop.machine1.NoSuchMachine";
}
