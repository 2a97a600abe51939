using Microsoft.Extensions.Logging;
using OcciAgent.Hypervisor.Qemu;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Store;
using OcciAgent.Vms;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;

namespace OcciAgent.Storage;

/// <summary>Storage entities are qcow2 volumes (GFD.224 §3.3): creation runs qemu-img create
/// (an overlay when an os_tpl image is given), a larger occi.storage.size grows the volume,
/// smaller is refused, DELETE removes the file; size and state are read from the real volume.
/// The 1.1 actions resize/snapshot/backup map onto qemu-img (GFD.224 §3.3; docs/conformance.md), or onto QMP when a
/// running VM has the volume open (qemu-img cannot write an image in use).</summary>
public sealed class StorageKindBackend(StorageBackend volumes, IEntityStore store, IComputeHost computes, ComputeSpecBuilder disks,
    ILogger<StorageKindBackend> log) : IKindBackend
{
    private const string Size = "occi.storage.size", State = "occi.storage.state", Message = "occi.storage.state.message";

    public Kind Kind => InfrastructureKinds.Storage;

    public async Task<Entity> CreateAsync(Entity e, IReadOnlyList<Mixin> mixins, CancellationToken ct)
    {
        var image = mixins.Select(m => m.Backing).OfType<ImageInfo>().FirstOrDefault();
        VolumeInfo info;
        try
        {
            info = await volumes.CreateAsync(e.Id, e.Get(Size)?.AsDouble, image, ct);
        }
        catch (VolumeException ve) when (ve.Kind is VolumeErrorKind.InvalidRequest)
        {
            throw AgentException.Invalid($"storage {e.Id}: {ve.Message}");
        }
        Log.VolumeCreated(log, e.Id, info.Path, info.VirtualSizeBytes, image is null ? "" : $", backing {image.Path}");
        // A fresh qcow2 volume is usable at once; report that truthfully (docs/conformance.md).
        return e.With(Size, OcciValue.Float(StorageBackend.ToGiB(info.VirtualSizeBytes))).With(State, OcciValue.Str("online"));
    }

    public Task UndoCreateAsync(Entity e) => volumes.DeleteAsync(e.Id, CancellationToken.None);

    public async Task<Entity> UpdateAsync(Entity current, Entity updated, CancellationToken ct)
    {
        if (updated.Get(Size) is { } newSize && current.Get(Size) is { } oldSize && !newSize.SameAs(oldSize))
            return await ResizeAsync(updated, newSize.AsDouble, ct);
        return updated;
    }

    public Task DeleteAsync(Entity e, CancellationToken ct) => volumes.DeleteAsync(e.Id, ct);

    public async Task<Entity> ObserveAsync(Entity e, CancellationToken ct)
    {
        var info = await volumes.InfoAsync(e.Id, ct);
        if (info is null)
            return e.With(State, OcciValue.Str("error")).With(Message, OcciValue.Str(MissingMessage(e)));
        return e.With(Size, OcciValue.Float(StorageBackend.ToGiB(info.VirtualSizeBytes)));
    }

    /// <summary>A missing volume becomes state error with a message; a volume
    /// that came back is offline again until someone brings it online.</summary>
    public async Task<IReadOnlyList<Entity>> ReconcileAsync(IReadOnlyList<Entity> stored, CancellationToken ct)
    {
        // A kill after qemu-img created a volume but before its entity was stored leaves a file
        // nothing names; volumes/<id>.qcow2 is the agent's own naming, so it is safe to remove.
        OrphanSweep.Files(volumes.VolumesDir, ".qcow2", stored.Select(e => e.Id).ToHashSet(StringComparer.Ordinal), "orphan volume", log);
        OrphanSweep.Partials(BackupsDir, log);
        var changed = new List<Entity>();
        foreach (var original in stored)
        {
            var e = original;
            var info = await volumes.InfoAsync(e.Id, ct);
            var state = e.GetString(State);
            // A kill between qemu-img resize and the store: the volume is the truth (it only grows).
            if (info is not null && e.Get(Size) is { } size && StorageBackend.ToBytes(size.AsDouble) != info.VirtualSizeBytes)
                e = e.With(Size, OcciValue.Float(StorageBackend.ToGiB(info.VirtualSizeBytes)));
            if (info is null && state != "error")
            {
                changed.Add(e.With(State, OcciValue.Str("error")).With(Message, OcciValue.Str(MissingMessage(e))));
                Log.VolumeMissing(log, e.Id, volumes.PathFor(e.Id));
            }
            else if (info is not null && state == "error" && e.GetString(Message) == MissingMessage(e))
            {
                changed.Add(e.With(State, OcciValue.Str("offline")).With(Message, null)
                    .With(Size, OcciValue.Float(StorageBackend.ToGiB(info.VirtualSizeBytes))));
                Log.VolumeBack(log, e.Id);
            }
            else if (!ReferenceEquals(e, original)) changed.Add(e);
        }
        return changed;
    }

    public async Task<ActionOutcome> ActAsync(Entity e, OcciAction action, IReadOnlyDictionary<string, OcciValue> p, CancellationToken ct)
    {
        if (await volumes.InfoAsync(e.Id, ct) is null)
            throw AgentException.Conflict($"storage {e.Id}: {MissingMessage(e)}; {action.Term} is impossible");
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff");
        switch (action.Term)
        {
            case "online" or "offline":
                return e.With(State, OcciValue.Str(action.Term)).With(Message, null);
            case "resize":
                return await ResizeAsync(e, p["size"].AsDouble, ct);
            case "snapshot":
                var name = "occi-" + stamp;
                if (InUse(e, "a snapshot") is { } live) await live.Vm.SnapshotDiskAsync(live.Disk, name, ct);
                else await volumes.Driver.SnapshotAsync(volumes.PathFor(e.Id), name, ct);
                return e.With(Message, OcciValue.Str($"internal snapshot {name} created"));
            case "backup":
                var dest = Path.Combine(BackupsDir, $"{e.Id}-{stamp}.qcow2");
                // Written under a hidden name and renamed when complete: a kill mid-copy leaves a
                // .partial that start-up removes, never a truncated file that looks like a backup.
                var partial = Path.Combine(BackupsDir, $".{e.Id}-{stamp}.partial");
                try
                {
                    if (InUse(e, "a backup") is { } running)
                    {
                        Directory.CreateDirectory(BackupsDir);
                        await running.Vm.CopyDiskAsync(running.Disk, partial, ct);
                    }
                    else await volumes.Driver.CopyAsync(volumes.PathFor(e.Id), partial, ct);
                    File.Move(partial, dest);
                }
                finally
                {
                    File.Delete(partial);
                }
                return e.With(Message, OcciValue.Str($"backup written to {dest}"));
            default:
                throw new AgentException(AgentError.NotImplemented, $"storage action {action.Term} is not implemented");
        }
    }

    /// <summary>GFD.224 §3.3: resizing is an update of occi.storage.size. Growing runs qemu-img
    /// resize; shrinking would destroy data and is refused (409).</summary>
    private async Task<Entity> ResizeAsync(Entity e, double newGiB, CancellationToken ct)
    {
        var live = InUse(e, "a resize");
        var info = await volumes.InfoAsync(e.Id, ct)
            ?? throw AgentException.Conflict($"storage {e.Id}: {MissingMessage(e)}; it cannot be resized");
        var newBytes = StorageBackend.ToBytes(newGiB);
        if (newBytes < info.VirtualSizeBytes)
            throw AgentException.Conflict(
                $"storage {e.Id}: shrinking from {OcciValue.FormatFloat(StorageBackend.ToGiB(info.VirtualSizeBytes))} GiB to {OcciValue.FormatFloat(newGiB)} GiB is refused because it would destroy data");
        try
        {
            if (live is { } l) await l.Vm.ResizeDiskAsync(l.Disk, newBytes, ct);
            else await volumes.ResizeAsync(e.Id, newGiB, ct);
        }
        catch (VolumeException ve) when (ve.Kind == VolumeErrorKind.InvalidRequest)
        {
            throw AgentException.Conflict($"storage {e.Id}: {ve.Message}");
        }
        var after = await volumes.InfoAsync(e.Id, ct);
        return e.With(Size, OcciValue.Float(StorageBackend.ToGiB(after?.VirtualSizeBytes ?? newBytes)));
    }

    /// <summary>The running VM that has the volume open, and as which disk. Such a volume is
    /// locked by QEMU, so changes go through QMP. A hibernated VM's disks must stay as its saved
    /// state expects them (409).</summary>
    private (IVirtualMachine Vm, VmDisk Disk)? InUse(Entity e, string what)
    {
        foreach (var link in store.LinksTo(InfrastructureKinds.Storage.Location + e.Id))
        {
            if (link.KindId != InfrastructureKinds.StorageLink.Id) continue;
            var computeId = Entity.IdIn(link.Source!);
            var status = computes.StatusOf(computeId);
            if (status.Hibernated)
                throw AgentException.Conflict(
                    $"storage {e.Id} belongs to the hibernated compute {computeId}; start it (or stop it) before {what}");
            if (status.Pid is not null && status.Phase is not VmPhase.Off)
                return (computes.Vm(computeId), disks.DiskFor(link));
        }
        return null;
    }

    private string BackupsDir => Path.Combine(volumes.VolumesDir, "backups");

    private string MissingMessage(Entity e) => $"volume file {volumes.PathFor(e.Id)} is missing";
}
