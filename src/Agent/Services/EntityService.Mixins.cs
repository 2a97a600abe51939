using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Occi.Validation;
using OcciAgent.Store;

namespace OcciAgent.Services;

public sealed partial class EntityService
{
    /// <summary>Members of a mixin collection: entities with the mixin or with a mixin that
    /// depends on it (so /mixin/os_tpl/ lists everything made from an image).</summary>
    public IReadOnlyList<Entity> MembersOf(Mixin mixin)
    {
        var snap = catalog.Current;
        var ids = snap.Mixins.Where(m => m == mixin || m.DependsOn(mixin)).Select(m => m.Id).ToList();
        return ids.SelectMany(store.WithMixin).DistinctBy(e => e.Id).ToList();
    }

    /// <summary>POST (associate), PUT (replace membership) and DELETE (disassociate) on a mixin
    /// collection (GFD.223 §11.3.2, §11.2, §11.4). All-or-nothing (GFD.185 batch atomicity, S109).</summary>
    public Task<IReadOnlyList<Entity>> ChangeMembershipAsync(Mixin mixin, IReadOnlyList<string> paths, MembershipChange change,
        CancellationToken ct) =>
        Locked(() =>
        {
            var targets = paths.Select(p => FindAt(p) ?? throw AgentException.Invalid($"no entity at {p}")).DistinctBy(e => e.Id).ToList();
            var updates = new List<Entity>();
            if (change == MembershipChange.Associate || change == MembershipChange.Replace)
                foreach (var e in targets.Where(e => !e.Mixins.Contains(mixin.Id)))
                {
                    var kind = KindOf(e);
                    var merged = MergeMixins(e, [mixin], replaceAll: false);
                    updates.Add(ApplyAttributes(e, kind, merged, [], clearMissing: false));
                }
            IEnumerable<Entity> leaving = change switch
            {
                MembershipChange.Replace => store.WithMixin(mixin.Id).Where(e => targets.All(t => t.Id != e.Id)),
                MembershipChange.Disassociate when paths.Count == 0 => store.WithMixin(mixin.Id),
                MembershipChange.Disassociate => targets.Where(e => e.Mixins.Contains(mixin.Id)),
                _ => [],
            };
            foreach (var e in leaving)
            {
                if (mixin.DependsOn(InfrastructureMixins.OsTpl))
                    throw AgentException.Invalid($"the OS template {mixin.Id} is the disk image of {e.Id} and cannot be removed");
                var kind = KindOf(e);
                updates.Add(ApplyAttributes(e, kind, MixinsOf(e).Where(m => m != mixin).ToList(), [], clearMissing: false));
            }
            store.Transaction(tx => { foreach (var u in updates) tx.Upsert(u); });
            return Task.FromResult(MembersOf(mixin));
        }, ct);

    /// <summary>POST /-/: user-defined mixins (GFD.221 §5.5.3, GFD.223 §9.3; validation per
    /// digest §3.5 [REC]).</summary>
    public Task<IReadOnlyList<Mixin>> CreateUserMixinsAsync(IReadOnlyList<CategoryRendering> categories, CancellationToken ct) =>
        Locked(() =>
        {
            if (categories.Count == 0) throw AgentException.Invalid("POST /-/ needs at least one mixin Category rendering");
            var created = new List<Mixin>();
            var records = new List<UserMixinRecord>();
            foreach (var c in categories)
            {
                var snap = catalog.Current;
                if (c.Class is not null && c.Class != "mixin")
                    throw AgentException.Invalid($"only mixins can be defined by clients; {c.Id} is given as class {c.Class}");
                if (!c.Scheme.EndsWith('#') || !Uri.TryCreate(c.Scheme, UriKind.Absolute, out _))
                    throw AgentException.Invalid($"scheme '{c.Scheme}' of mixin {c.Term} must be an absolute URI ending in '#'");
                if (c.Scheme.StartsWith(Schemes.Reserved, StringComparison.OrdinalIgnoreCase))
                    throw AgentException.Invalid($"scheme '{c.Scheme}' is reserved for OCCI documents; use a scheme of your own");
                if (!IsValidTerm(c.Term))
                    throw AgentException.Invalid($"term '{c.Term}' is not valid: it must start with a letter or digit and contain only letters, digits, '-', '_' and '.'");
                if (c.Location is not { } loc || !loc.StartsWith('/') || !loc.EndsWith('/') || loc.Length < 3 || loc.Contains("//") || loc.Contains('?') || loc.Contains('#'))
                    throw AgentException.Invalid($"mixin {c.Id} needs a location: a path that starts and ends with '/', e.g. /tags/{c.Term}/");
                if (snap.Find(c.Id) is not null || created.Any(m => m.Id == c.Id))
                    throw AgentException.Conflict($"category {c.Id} exists already");
                if (snap.AtLocation(loc) is { } taken || created.Any(m => m.Location == loc))
                    throw AgentException.Conflict($"location {loc} is already used by {(snap.AtLocation(loc)?.Id ?? "another new mixin")}");
                if (loc is "/-/" or "/.well-known/" || loc.StartsWith("/.well-known/") || snap.Kinds.Any(k => k.Location is { } kl && loc.StartsWith(kl)))
                    throw AgentException.Conflict($"location {loc} is inside a path the server owns");
                var depends = new List<Mixin>();
                var applies = new List<Kind>();
                foreach (var rel in c.Rel)
                    switch (snap.Find(rel))
                    {
                        case Mixin m: depends.Add(m); break;
                        case Kind k: applies.Add(k); break;
                        default: throw AgentException.Invalid($"mixin {c.Id}: rel '{rel}' names no kind or mixin of this server");
                    }
                // Attributes and actions are not supported on user mixins (GFD.185); they are tags.
                if (c.Attributes.Count > 0 || c.Actions.Count > 0)
                    throw AgentException.Invalid($"mixin {c.Id}: user-defined mixins are tags and cannot define attributes or actions");
                var mixin = new Mixin(c.Scheme, c.Term, c.Title, loc, depends, applies, [], [], userDefined: true);
                created.Add(mixin);
                records.Add(new UserMixinRecord(c.Scheme, c.Term, c.Title, loc, [.. depends.Select(d => d.Id)], [.. applies.Select(a => a.Id)]));
            }
            store.Transaction(tx => { foreach (var r in records) tx.SaveUserMixin(r); });
            foreach (var m in created) catalog.AddUserMixin(m);
            return Task.FromResult<IReadOnlyList<Mixin>>(created);
        }, ct);

    /// <summary>DELETE /-/ (GFD.223 §9.4): removes user mixins and their associations; provider
    /// categories are refused with 403 (GFD.185, S64), unknown ones with 404.</summary>
    public Task DeleteUserMixinsAsync(IReadOnlyList<CategoryRendering> categories, CancellationToken ct) =>
        Locked(() =>
        {
            if (categories.Count == 0) throw AgentException.Invalid("DELETE /-/ needs the Category rendering of the mixin to remove");
            var snap = catalog.Current;
            var doomed = new List<Mixin>();
            foreach (var c in categories)
            {
                var found = snap.Find(c.Id) ?? throw AgentException.NotFound($"no category {c.Id}");
                if (found is not Mixin { UserDefined: true } m)
                    throw new AgentException(AgentError.Forbidden, $"{found.Id} is defined by the provider and cannot be deleted");
                doomed.Add(m);
            }
            store.Transaction(tx =>
            {
                foreach (var m in doomed)
                {
                    foreach (var e in tx.WithMixin(m.Id))
                        tx.Upsert(e with { Mixins = e.Mixins.Remove(m.Id) });
                    tx.DeleteUserMixin(m.Id);
                }
            });
            foreach (var m in doomed) catalog.RemoveUserMixin(m);
            return Task.FromResult(true);
        }, ct);

    /// <summary>Loads stored user mixins into the catalog at start.</summary>
    public void LoadUserMixins()
    {
        var snap = catalog.Current;
        var mixins = store.UserMixins().Select(r => new Mixin(r.Scheme, r.Term, r.Title, r.Location,
            r.Depends.Select(snap.FindMixin).OfType<Mixin>().ToList(),
            r.Applies.Select(snap.FindKind).OfType<Kind>().ToList(), [], [], userDefined: true));
        catalog.SetUserMixins(mixins);
    }

    /// <summary>GFD.229 §4.1 term (1.2 form).</summary>
    public static bool IsValidTerm(string term) =>
        term.Length is > 0 and <= 128 && char.IsAsciiLetterOrDigit(term[0])
        && term.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

public enum MembershipChange { Associate, Replace, Disassociate }
