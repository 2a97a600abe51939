using System.Text;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Storage;
using OcciAgent.Store;

namespace OcciAgent.Vms;

/// <summary>Turns a compute entity with its templates and links into the <see cref="VmSpec"/>
/// QEMU is started with: cores and memory (explicit attributes, which
/// resource_tpl filled in at creation), the os_tpl root overlay as vda (direct kernel boot when
/// the image's sidecar says so), every storagelink as a virtio disk, user data, SSH key and
/// hostname as fw_cfg files.</summary>
public sealed class ComputeSpecBuilder(IComputeHost host, StorageBackend volumes, IEntityStore store, OcciCatalog catalog)
{
    public const string Cores = "occi.compute.cores", Memory = "occi.compute.memory";
    public const string UserDataFwCfg = "opt/org.ogf.occi/user_data", SshKeyFwCfg = "opt/org.ogf.occi/ssh_key",
        HostnameFwCfg = "opt/org.ogf.occi/hostname";
    /// <summary>Below this QEMU cannot boot even the smallest guest (docs/host-notes.md: 80 MiB).</summary>
    public const int MinMemoryMiB = 64;

    public static int MemoryMiB(Entity e) => (int)Math.Round((e.Get(Memory)?.AsDouble ?? 1.0) * 1024);
    public static int CoreCount(Entity e) => (int)(e.Get(Cores)?.AsInteger ?? 1);

    /// <summary>Checks what QEMU would refuse, so creation and updates answer 400 instead of a
    /// failed start later.</summary>
    public static void CheckResources(Entity e)
    {
        var cores = CoreCount(e);
        if (cores is < 1 or > 255) throw AgentException.Invalid($"occi.compute.cores must be between 1 and 255, not {cores}");
        var mib = MemoryMiB(e);
        if (mib < MinMemoryMiB)
            throw AgentException.Invalid($"occi.compute.memory {OcciValue.FormatFloat(e.Get(Memory)!.Value.AsDouble)} GiB is below the {MinMemoryMiB} MiB a VM needs");
        if (e.GetString("occi.core.title") is { } t && t.IndexOfAny(['\0', '\n', '\r']) >= 0)
            throw AgentException.Invalid("occi.core.title cannot contain NUL or line breaks");
    }

    public ImageInfo? ImageOf(Entity e) =>
        e.Mixins.Select(id => catalog.Current.FindMixin(id)?.Backing).OfType<ImageInfo>().FirstOrDefault();

    public VmDisk? RootDisk(Entity e) =>
        File.Exists(host.Vm(e.Id).Directory.RootDisk) ? new VmDisk("vda", host.Vm(e.Id).Directory.RootDisk) : null;

    /// <summary>The data disks of the compute: its storagelinks, by device id.</summary>
    public IReadOnlyList<(Entity Link, VmDisk Disk)> DataDisks(Entity e, string location) =>
        store.LinksFrom(location)
            .Where(l => l.KindId == InfrastructureKinds.StorageLink.Id)
            .Select(l => (l, DiskFor(l)))
            .OrderBy(x => x.Item2.DeviceId, StringComparer.Ordinal)
            .ToList();

    /// <summary>The NICs of the compute: its networkinterfaces, each on its tap.</summary>
    public IReadOnlyList<VmNic> Nics(string location) =>
        NetworkLinks(location).Select(Networks.NetworkHost.NicFor).ToList();

    public IReadOnlyList<Entity> NetworkLinks(string location) =>
        store.LinksFrom(location)
            .Where(l => l.KindId == InfrastructureKinds.NetworkInterface.Id)
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ToList();

    public VmDisk DiskFor(Entity link)
    {
        var deviceId = link.GetString("occi.storagelink.deviceid") ?? throw new InvalidOperationException($"storagelink {link.Id} has no device id");
        return new VmDisk(deviceId, volumes.PathFor(Entity.IdIn(link.Target!)));
    }

    public VmSpec Build(Entity e, string location, bool paused)
    {
        var q = host.RequireQemu();
        var vm = host.Vm(e.Id);
        var disks = new List<VmDisk>();
        if (RootDisk(e) is { } root) disks.Add(root);
        disks.AddRange(DataDisks(e, location).Select(x => x.Disk));
        var image = ImageOf(e);
        DirectBoot? boot = image?.Kernel is { } kernel ? new DirectBoot(kernel, image.Initrd, image.Cmdline) : null;
        var fwcfg = new List<FwCfgFile>();
        if (UserData(e) is { } data) fwcfg.Add(new FwCfgFile(UserDataFwCfg, WriteFile(vm.Directory, "user_data", data)));
        if (SshKey(e) is { } key) fwcfg.Add(new FwCfgFile(SshKeyFwCfg, WriteFile(vm.Directory, "ssh_key", Encoding.UTF8.GetBytes(key))));
        if (e.GetString("occi.compute.hostname") is { Length: > 0 } hostname)
            fwcfg.Add(new FwCfgFile(HostnameFwCfg, WriteFile(vm.Directory, "hostname", Encoding.UTF8.GetBytes(hostname))));
        var spec = new VmSpec(e.Id, e.GetString("occi.core.title") is { Length: > 0 } title ? title : e.Id,
            CoreCount(e), MemoryMiB(e), q.Accelerator, vm.Directory.Paths, disks, Nics(location), boot, fwcfg, paused);
        try
        {
            QemuArgs.Build(spec);
        }
        catch (ArgumentException ae)
        {
            throw AgentException.Conflict($"compute {e.Id} cannot be passed to QEMU: {ae.Message}");
        }
        return spec;
    }

    /// <summary>user_data (GFD.224 §3.5.4) is Base64 by convention; text that is not Base64 is
    /// passed as it is.</summary>
    private static byte[]? UserData(Entity e)
    {
        var s = e.GetString("occi.compute.userdata") ?? e.GetString("org.openstack.compute.user_data");
        if (s is null) return null;
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var n) ? buffer[..n] : Encoding.UTF8.GetBytes(s);
    }

    private static string? SshKey(Entity e) =>
        e.GetString("occi.credentials.ssh.publickey") ?? e.GetString("org.openstack.credentials.publickey.data");

    private static string WriteFile(VmDirectory dir, string name, byte[] content)
    {
        dir.Create();
        var path = dir.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
