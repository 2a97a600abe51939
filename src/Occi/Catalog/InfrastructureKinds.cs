using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Catalog;

/// <summary>The infrastructure kinds and actions of GFD.224 §3 with the [REC] definitions of
/// docs/conformance.md (defaults, patterns), plus its OCCI 1.1 client items.</summary>
public static class InfrastructureKinds
{
    private static OcciValue S(string s) => OcciValue.Str(s);
    private static AttributeSpec Enum(string name, string[] values, string? def, bool mutable, string description) =>
        new(name, AttrType.String, Mutable: mutable, Default: def is null ? null : S(def), Description: description) { Enum = values };
    private static AttributeSpec Message(string name) =>
        new(name, AttrType.String, Mutable: false, Description: "Human-readable explanation of the current state");
    private static AttributeSpec Method(string[] values, string def, string description) =>
        new("method", AttrType.String, Default: S(def), Description: description) { Enum = values };

    // --- compute (GFD.224 §3.1) ---
    public static readonly OcciAction Start = new(Schemes.ComputeAction, "start", "Start the compute instance", []);
    public static readonly OcciAction Stop = new(Schemes.ComputeAction, "stop", "Stop the compute instance",
        [Method(["graceful", "acpioff", "poweroff"], "poweroff", "How to stop the instance")]);
    public static readonly OcciAction Restart = new(Schemes.ComputeAction, "restart", "Restart the compute instance",
        [Method(["graceful", "warm", "cold"], "cold", "How to restart the instance")]);
    public static readonly OcciAction Suspend = new(Schemes.ComputeAction, "suspend", "Suspend the compute instance",
        [Method(["hibernate", "suspend"], "suspend", "How to suspend the instance")]);
    public static readonly OcciAction Save = new(Schemes.ComputeAction, "save", "Save the compute instance as a new OS template",
    [
        // 'deffered' is rOCCI-core 5's spelling; accepted as an alias by the action handler (GFD.224 §3.1).
        Method(["hot", "deferred", "deffered"], "deferred", "When to capture the disk"),
        new("name", AttrType.String, Description: "Name of the new OS template"),
    ]);

    public static readonly Kind Compute = new(Schemes.Infra, "compute", "Compute Resource", CoreKinds.Resource, "/compute/",
    [
        Enum("occi.compute.architecture", ["x86", "x64"], "x64", true, "CPU architecture of the instance") with { KeepOnReplace = true },
        new("occi.compute.cores", AttrType.Integer, Default: OcciValue.Int(1), Description: "Number of virtual CPU cores")
            { Minimum = 1, KeepOnReplace = true },
        new("occi.compute.hostname", AttrType.String, Description: "Fully qualified DNS hostname of the instance"),
        new("occi.compute.share", AttrType.Integer, Description: "Relative number of CPU shares") { Minimum = 0, KeepOnReplace = true },
        new("occi.compute.memory", AttrType.Float, Default: OcciValue.Float(1.0), Description: "Maximum RAM in GiB")
            { Minimum = 0, ExclusiveMinimum = true, KeepOnReplace = true },
        // Legacy 1.1 attribute (removed in 1.2), published for 1.1 clients (docs/conformance.md, OCCI 1.1 clients).
        new("occi.compute.speed", AttrType.Float, Description: "CPU clock frequency in GHz (OCCI 1.1, informational)")
            { Minimum = 0, KeepOnReplace = true },
        Enum("occi.compute.state", ["active", "inactive", "suspended", "error"], "inactive", false, "Current state of the instance"),
        Message("occi.compute.state.message"),
    ], [Start, Stop, Restart, Suspend, Save]);

    // --- storage (GFD.224 §3.3) ---
    public static readonly OcciAction Online = new(Schemes.StorageAction, "online", "Bring the storage online", []);
    public static readonly OcciAction Offline = new(Schemes.StorageAction, "offline", "Take the storage offline", []);
    // 1.1 storage actions kept for 1.1 clients (docs/conformance.md).
    public static readonly OcciAction Backup = new(Schemes.StorageAction, "backup", "Back up the storage (OCCI 1.1)", []);
    public static readonly OcciAction Snapshot = new(Schemes.StorageAction, "snapshot", "Take a snapshot of the storage (OCCI 1.1)", []);
    public static readonly OcciAction Resize = new(Schemes.StorageAction, "resize", "Resize the storage (OCCI 1.1)",
        [new("size", AttrType.Float, Required: true, Description: "New size in GiB") { Minimum = 0, ExclusiveMinimum = true }]);

    public static readonly Kind Storage = new(Schemes.Infra, "storage", "Storage Resource", CoreKinds.Resource, "/storage/",
    [
        new("occi.storage.size", AttrType.Float, Required: true, Description: "Storage size in GiB")
            { Minimum = 0, ExclusiveMinimum = true, KeepOnReplace = true },
        Enum("occi.storage.state", ["online", "offline", "error"], "offline", false, "Current state of the storage"),
        Message("occi.storage.state.message"),
    ], [Online, Offline, Backup, Snapshot, Resize]);

    // --- network (GFD.224 §3.2) ---
    public static readonly OcciAction Up = new(Schemes.NetworkAction, "up", "Activate the network", []);
    public static readonly OcciAction Down = new(Schemes.NetworkAction, "down", "Deactivate the network", []);

    public static readonly Kind Network = new(Schemes.Infra, "network", "Network Resource", CoreKinds.Resource, "/network/",
    [
        new("occi.network.vlan", AttrType.Integer, Description: "802.1q VLAN identifier") { Minimum = 0, Maximum = 4095, KeepOnReplace = true },
        new("occi.network.label", AttrType.String, Description: "Tag based VLAN label") { Regex = @"^\S+$" },
        Enum("occi.network.state", ["active", "inactive", "error"], "inactive", false, "Current state of the network"),
        Message("occi.network.state.message"),
    ], [Up, Down]);

    // --- links (GFD.224 §3.4) ---
    public static readonly Kind NetworkInterface = new(Schemes.Infra, "networkinterface", "NetworkInterface Link", CoreKinds.Link, "/networkinterface/",
    [
        new("occi.networkinterface.interface", AttrType.String, Mutable: false, Description: "Host device name of the interface"),
        new("occi.networkinterface.mac", AttrType.String, Description: "MAC address of the interface")
            { Regex = "^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$", KeepOnReplace = true },
        Enum("occi.networkinterface.state", ["active", "inactive", "error"], "inactive", false, "Current state of the interface"),
        Message("occi.networkinterface.state.message"),
    ], []);

    public static readonly Kind StorageLink = new(Schemes.Infra, "storagelink", "StorageLink Link", CoreKinds.Link, "/storagelink/",
    [
        new("occi.storagelink.deviceid", AttrType.String, Description: "Device identifier of the attached storage") { KeepOnReplace = true },
        new("occi.storagelink.mountpoint", AttrType.String, Description: "Mount point of the storage in the guest"),
        Enum("occi.storagelink.state", ["active", "inactive", "error"], "inactive", false, "Current state of the attachment"),
        Message("occi.storagelink.state.message"),
    ], []);

    public static readonly IReadOnlyList<Kind> All =
        [CoreKinds.Entity, CoreKinds.Resource, CoreKinds.Link, Compute, Storage, Network, NetworkInterface, StorageLink];
}
