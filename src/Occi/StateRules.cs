using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi;

/// <summary>Which actions apply in which state: the state machines of GFD.224 §3.1-§3.3 with the
/// recovery transitions of docs/conformance.md (start/stop from error). Only applicable actions are
/// rendered (GFD.185) and others answer 409 (docs/conformance.md).</summary>
public static class StateRules
{
    private static readonly Dictionary<string, OcciAction[]> Compute = new()
    {
        ["inactive"] = [InfrastructureKinds.Start, InfrastructureKinds.Save],
        ["active"] = [InfrastructureKinds.Stop, InfrastructureKinds.Restart, InfrastructureKinds.Suspend, InfrastructureKinds.Save],
        ["suspended"] = [InfrastructureKinds.Start, InfrastructureKinds.Stop],
        ["error"] = [InfrastructureKinds.Start, InfrastructureKinds.Stop],
    };

    private static readonly Dictionary<string, OcciAction[]> Storage = new()
    {
        ["offline"] = [InfrastructureKinds.Online, InfrastructureKinds.Backup, InfrastructureKinds.Snapshot, InfrastructureKinds.Resize],
        ["online"] = [InfrastructureKinds.Offline, InfrastructureKinds.Backup, InfrastructureKinds.Snapshot, InfrastructureKinds.Resize],
        ["error"] = [InfrastructureKinds.Online, InfrastructureKinds.Offline],
    };

    private static readonly Dictionary<string, OcciAction[]> Network = new()
    {
        ["inactive"] = [InfrastructureKinds.Up],
        ["active"] = [InfrastructureKinds.Down],
        ["error"] = [InfrastructureKinds.Up, InfrastructureKinds.Down],
    };

    public static string? StateAttribute(Kind kind) =>
        kind.IsA(InfrastructureKinds.Compute) ? "occi.compute.state"
        : kind.IsA(InfrastructureKinds.Storage) ? "occi.storage.state"
        : kind.IsA(InfrastructureKinds.Network) ? "occi.network.state"
        : kind.IsA(InfrastructureKinds.NetworkInterface) ? "occi.networkinterface.state"
        : kind.IsA(InfrastructureKinds.StorageLink) ? "occi.storagelink.state"
        : null;

    /// <summary>Actions of the kind and mixins that apply to the entity in its current state.
    /// Mixin actions have no state machine and always apply.</summary>
    public static IReadOnlyList<OcciAction> Applicable(Kind kind, IEnumerable<Mixin> mixins, Entity entity)
    {
        var table = kind.IsA(InfrastructureKinds.Compute) ? Compute
            : kind.IsA(InfrastructureKinds.Storage) ? Storage
            : kind.IsA(InfrastructureKinds.Network) ? Network
            : null;
        var state = StateAttribute(kind) is { } attr ? entity.GetString(attr) : null;
        IEnumerable<OcciAction> own = table is null ? kind.Actions
            : state is not null && table.TryGetValue(state, out var list) ? list : [];
        return own.Concat(mixins.SelectMany(m => m.Actions)).Distinct().ToList();
    }
}
