using System.Security.Cryptography;
using System.Text;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Validation;

namespace OcciAgent.Services;

public sealed partial class EntityService
{
    /// <summary>A link given inline in a resource rendering (GFD.185): the target is
    /// the &lt;URI&gt;, the kind comes from <c>category</c> or is inferred from the target.</summary>
    private Entity BuildInlineLink(LinkRendering lr, Entity source, Kind sourceKind, string sourceLocation,
        IReadOnlyList<Entity> siblings, CatalogSnapshot snap)
    {
        var cats = new List<CategoryRendering>();
        foreach (var typeId in lr.Categories)
        {
            if (!Schemes.TrySplit(typeId, out var scheme, out var term))
                throw AgentException.Invalid($"link category '{typeId}' is not a type identifier (scheme#term)");
            cats.Add(new CategoryRendering(term, scheme, null));
        }
        var res = CategoryResolver.Resolve(snap, cats);
        var kind = res.Kind ?? InferLinkKind(lr.Target, lr.Rel);
        if (!kind.IsLinkKind || kind == CoreKinds.Link)
            throw AgentException.Invalid($"inline link to {lr.Target}: {kind.Id} is not a link kind this provider creates");
        CategoryResolver.CheckMixinsFor(kind, res.Mixins);
        var attrs = lr.Attributes.ToList();
        var givenTarget = attrs.Where(a => a.Key == AttributeNames.Target).Select(a => a.Value.ToInvariantString()).FirstOrDefault();
        if (givenTarget is not null && givenTarget != lr.Target)
            throw AgentException.Invalid($"inline link: occi.core.target '{givenTarget}' differs from the link target <{lr.Target}>");
        var givenSource = attrs.Where(a => a.Key == AttributeNames.Source).Select(a => a.Value.ToInvariantString()).FirstOrDefault();
        if (givenSource is not null && givenSource != sourceLocation)
            throw AgentException.Invalid($"inline link: occi.core.source '{givenSource}' is not the resource being written ({sourceLocation})");
        attrs.RemoveAll(a => a.Key is AttributeNames.Source or AttributeNames.Target);
        attrs.Add(new(AttributeNames.Source, OcciValue.Str(sourceLocation)));
        attrs.Add(new(AttributeNames.Target, OcciValue.Str(lr.Target)));
        // Inline links get fresh ids (GFD.226 §3.1 leaves it open; docs/conformance.md); a client id is honoured when valid and unused.
        var id = attrs.Where(a => a.Key == AttributeNames.Id).Select(a => a.Value.ToInvariantString()).FirstOrDefault();
        attrs.RemoveAll(a => a.Key == AttributeNames.Id);
        if (id is null || !IsValidId(id) || store.Get(id) is not null || siblings.Any(s => s.Id == id)) id = NewId();
        var link = BuildNew(id, kind, res.Mixins, attrs, $"inline {kind.Term} to {lr.Target}");
        return CompleteLink(link, kind, snap, inlineSource: (source, sourceKind, siblings));
    }

    private Kind InferLinkKind(string target, IReadOnlyList<string> rel)
    {
        var targetKind = FindAt(target) is { } t ? KindOf(t) : null;
        bool Is(Kind k) => targetKind?.IsA(k) == true || rel.Contains(k.Id);
        if (Is(InfrastructureKinds.Storage)) return InfrastructureKinds.StorageLink;
        if (Is(InfrastructureKinds.Network)) return InfrastructureKinds.NetworkInterface;
        throw AgentException.Invalid($"link to {target}: give its kind in the category parameter (storagelink or networkinterface)");
    }

    /// <summary>Checks source and target of a link (GFD.221 §5.4.3; docs/conformance.md) and fills the
    /// server-assigned attributes of multiplicity 1 (GFD.224 §3.4): source/target kinds, MAC, interface
    /// name, device id, state.</summary>
    private Entity CompleteLink(Entity link, Kind kind, CatalogSnapshot snap, (Entity Entity, Kind Kind, IReadOnlyList<Entity> Siblings)? inlineSource)
    {
        var sourcePath = link.Source!;
        var targetPath = link.Target!;
        Kind sourceKind;
        IReadOnlyList<Entity> siblings;
        if (inlineSource is { } s)
        {
            sourceKind = s.Kind;
            siblings = s.Siblings;
        }
        else
        {
            var source = FindAt(sourcePath)
                ?? throw AgentException.Invalid($"occi.core.source '{sourcePath}' is not a resource of this provider");
            sourceKind = KindOf(source);
            siblings = [];
        }
        if (sourceKind.IsLinkKind)
            throw AgentException.Invalid($"occi.core.source '{sourcePath}' is a link; a link's source must be a resource");
        var (wantSource, wantTarget) = kind == InfrastructureKinds.StorageLink
            ? (InfrastructureKinds.Compute, InfrastructureKinds.Storage)
            : (InfrastructureKinds.Compute, InfrastructureKinds.Network);
        if (!sourceKind.IsA(wantSource))
            throw AgentException.Invalid($"a {kind.Term} must start at a compute, but {sourcePath} is a {sourceKind.Term}");
        var target = FindAt(targetPath)
            ?? throw AgentException.Invalid($"occi.core.target '{targetPath}' is not a {wantTarget.Term} of this provider");
        var targetKind = KindOf(target);
        if (!targetKind.IsA(wantTarget))
            throw AgentException.Invalid($"a {kind.Term} must point to a {wantTarget.Term}, but {targetPath} is a {targetKind.Term}");
        if (link.GetString(AttributeNames.TargetKind) is { } tk && tk != targetKind.Id)
            throw AgentException.Invalid($"occi.core.target.kind '{tk}' is not the kind of {targetPath} ({targetKind.Id})");

        link = link.With(AttributeNames.TargetKind, OcciValue.Str(targetKind.Id))
            .With(AttributeNames.SourceKind, OcciValue.Str(sourceKind.Id));
        if (kind == InfrastructureKinds.StorageLink)
        {
            if (target.GetString("occi.storage.state") is "offline" or "error")
                throw AgentException.Conflict($"storage {targetPath} is {target.GetString("occi.storage.state")}; bring it online before linking it");
            // One writer per qcow2 file: a volume attached twice read-write would be corrupted.
            var other = store.LinksTo(targetPath).Concat(siblings).FirstOrDefault(l => l.KindId == kind.Id && l.Id != link.Id);
            if (other is not null)
                throw AgentException.Conflict($"storage {targetPath} is already linked by {other.KindId.Split('#')[1]} {other.Id}");
            if (link.Get("occi.storagelink.deviceid") is null)
                link = link.With("occi.storagelink.deviceid", OcciValue.Str(NextDeviceId(sourcePath, siblings)));
        }
        else
        {
            if (link.Get("occi.networkinterface.mac") is null)
                link = link.With("occi.networkinterface.mac", OcciValue.Str(MacFor(link.Id)));
            link = link.With("occi.networkinterface.interface", OcciValue.Str(InterfaceFor(link.Id)));
        }
        return link;
    }

    /// <summary>virtio disks: vda is the os_tpl root disk, data disks take vdb, vdc, ...</summary>
    private string NextDeviceId(string computePath, IReadOnlyList<Entity> siblings)
    {
        var used = store.LinksFrom(computePath).Concat(siblings)
            .Select(l => l.GetString("occi.storagelink.deviceid")).OfType<string>().ToHashSet();
        for (var c = 'b'; c <= 'z'; c++)
            if (!used.Contains("vd" + c)) return "vd" + c;
        throw AgentException.Conflict($"compute {computePath} has no free virtio disk name left");
    }

    /// <summary>A stable, locally administered unicast MAC derived from the link id
    /// (0x52 has the locally-administered bit set; 52:54:00 is what QEMU uses).</summary>
    public static string MacFor(string linkId)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(linkId));
        return $"52:54:00:{h[0]:x2}:{h[1]:x2}:{h[2]:x2}";
    }

    /// <summary>Host tap name: the agent's fixed prefix and the link's stable
    /// short key, at most 15 characters (IFNAMSIZ - 1).</summary>
    public static string InterfaceFor(string linkId) => Net.Links.LinkNames.Tap(linkId);
}
