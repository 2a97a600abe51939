namespace OcciAgent.Config.Settings;

/// <summary>Where the agent keeps its state and how it makes volumes.</summary>
public sealed class StorageSettings
{
    /// <summary>occi.db, images/, volumes/, vms/, net/, tls/ and the token files.</summary>
    public string StateDir { get; set; } = "./var";
    public string QemuImg { get; set; } = "qemu-img";
    /// <summary>Largest occi.storage.size in GiB accepted at create, update and resize.</summary>
    public double MaxStorageGiB { get; set; } = RequestLimits.DefaultMaxStorageGiB;

    internal static readonly SettingKey[] Keys =
        [new("stateDir", SettingShape.String), new("qemuImg", SettingShape.String), new("maxStorageGiB", SettingShape.Number)];
}
