using Tmds.DBus.Protocol;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>The properties of a transient service that runs one program in the foreground.
/// Every property here was checked against systemd 252 (docs/host-notes.md).</summary>
/// <param name="Argv">The full argument vector including argv[0].</param>
/// <param name="OutputFile">Standard output and error are appended to this file
/// (<c>append:</c>), so a program that refuses to start leaves its own words there.</param>
public sealed record TransientUnit(
    string Description,
    string Slice,
    string ExecPath,
    IReadOnlyList<string> Argv,
    string OutputFile,
    string? WorkingDirectory = null)
{
    /// <summary>How long systemd waits after SIGTERM before SIGKILL on <c>systemctl stop</c>:
    /// QEMU ends at once on SIGTERM, so this only bounds a hung process.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void WriteProperties(ref MessageWriter w)
    {
        var props = w.WriteArrayStart(DBusType.Struct);
        Str(ref w, "Description", Description);
        Str(ref w, "Slice", Slice);
        // exec: the start job fails when the binary cannot be executed (simple would say done).
        Str(ref w, "Type", "exec");
        // mixed: SIGTERM to QEMU only (it then exits cleanly), SIGKILL to anything left.
        Str(ref w, "KillMode", "mixed");
        w.WriteStructureStart(); w.WriteString("SendSIGKILL"); w.WriteVariantBool(true);
        w.WriteStructureStart(); w.WriteString("TimeoutStopUSec"); w.WriteVariantUInt64((ulong)(StopTimeout.Ticks / 10));
        // A VM that ended leaves no unit behind, so its name is free for the next start.
        Str(ref w, "CollectMode", "inactive-or-failed");
        Str(ref w, "StandardInput", "null");
        // What QEMU creates (QMP and monitor sockets, console log, pid file) is owner-only, as
        // under the agent's own umask; a transient unit would otherwise get systemd's 0022.
        w.WriteStructureStart(); w.WriteString("UMask"); w.WriteVariantUInt32(0b000_111_111);
        Str(ref w, "StandardOutputFileToAppend", OutputFile);
        Str(ref w, "StandardErrorFileToAppend", OutputFile);
        if (WorkingDirectory is not null) Str(ref w, "WorkingDirectory", WorkingDirectory);
        w.WriteStructureStart();
        w.WriteString("ExecStart");
        w.WriteSignature("a(sasb)");
        var cmds = w.WriteArrayStart(DBusType.Struct);
        w.WriteStructureStart();
        w.WriteString(ExecPath);
        w.WriteArray(Argv.ToArray());
        w.WriteBool(false);
        w.WriteArrayEnd(cmds);
        w.WriteArrayEnd(props);
    }

    private static void Str(ref MessageWriter w, string name, string value)
    {
        w.WriteStructureStart();
        w.WriteString(name);
        w.WriteVariantString(value);
    }
}
