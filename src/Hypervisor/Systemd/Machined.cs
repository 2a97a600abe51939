using Tmds.DBus.Protocol;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary><c>org.freedesktop.machine1.Manager</c>: registers a running VM so that
/// <c>machinectl list</c> shows it. machined attaches the machine to the unit that holds the
/// leader PID and drops it when that unit ends.</summary>
public static class Machined
{
    public const string Service = "org.freedesktop.machine1";
    private const string ManagerPath = "/org/freedesktop/machine1";
    private const string ManagerIface = "org.freedesktop.machine1.Manager";
    private const string MachineIface = "org.freedesktop.machine1.Machine";
    public const string MachineExists = "org.freedesktop.machine1.MachineExists";

    /// <summary>The 16-byte machine id for a compute id that is a UUID (as machinectl prints it:
    /// the UUID's hex digits in order), else empty (machined then has none).</summary>
    public static byte[] IdFor(string vmId) =>
        Guid.TryParseExact(vmId, "D", out var g) ? g.ToByteArray(bigEndian: true) : [];

    /// <summary><c>RegisterMachine(name, id, "occi-agent", "vm", leader, "")</c>; the leader is
    /// a PID in machined's (and systemd's) PID namespace, i.e. the unit's MainPID.</summary>
    public static Task RegisterAsync(SystemdManager m, string name, byte[] id, uint leader) =>
        DBusCalls.CallAsync(m.Bus, Service, ManagerPath, ManagerIface, "RegisterMachine", "sayssus", (ref MessageWriter w) =>
        {
            w.WriteString(name);
            w.WriteArray(id);
            w.WriteString("occi-agent");
            w.WriteString("vm");
            w.WriteUInt32(leader);
            w.WriteString("");
        });

    public static Task UnregisterAsync(SystemdManager m, string name) =>
        DBusCalls.CallAsync(m.Bus, Service, ManagerPath, ManagerIface, "UnregisterMachine", "s", (ref MessageWriter w) => w.WriteString(name));

    /// <summary>The machine's object path, or null when machined does not know it.</summary>
    public static async Task<string?> GetAsync(SystemdManager m, string name)
    {
        try
        {
            return await DBusCalls.CallAsync(m.Bus, Service, ManagerPath, ManagerIface, "GetMachine", "s",
                (ref MessageWriter w) => w.WriteString(name), static (msg, _) => msg.GetBodyReader().ReadObjectPathAsString()).ConfigureAwait(false);
        }
        catch (SystemdException e) when (e.ErrorName == SystemdException.NoSuchMachine)
        {
            return null;
        }
    }

    /// <summary>What machined records for a machine: its unit, leader PID and class.</summary>
    public static async Task<(string Unit, uint Leader, string Class, byte[] Id)> DescribeAsync(SystemdManager m, string path)
    {
        var unit = await DBusCalls.GetPropertyAsync(m.Bus, Service, path, MachineIface, "Unit", "s", static (ref Reader r) => r.ReadString()).ConfigureAwait(false);
        var leader = await DBusCalls.GetPropertyAsync(m.Bus, Service, path, MachineIface, "Leader", "u", static (ref Reader r) => r.ReadUInt32()).ConfigureAwait(false);
        var cls = await DBusCalls.GetPropertyAsync(m.Bus, Service, path, MachineIface, "Class", "s", static (ref Reader r) => r.ReadString()).ConfigureAwait(false);
        var id = await DBusCalls.GetPropertyAsync(m.Bus, Service, path, MachineIface, "Id", "ay", static (ref Reader r) => r.ReadArrayOfByte()).ConfigureAwait(false);
        return (unit, leader, cls, id);
    }
}
