using OcciAgent.Config;
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
    /// collection (GFD.223 §11.3.2, §11.2, §11.4). All-or-nothing (GFD.185 batch atomicity).</summary>
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
    /// docs/conformance.md). All are checked before any is stored, then stored in one transaction
    /// and published in one catalog rebuild: the cost is linear in the number of mixins.</summary>
    public Task<IReadOnlyList<Mixin>> CreateUserMixinsAsync(IReadOnlyList<CategoryRendering> categories, CancellationToken ct) =>
        Locked(() =>
        {
            if (categories.Count == 0) throw AgentException.Invalid("POST /-/ needs at least one mixin Category rendering");
            if (categories.Count > RequestLimits.MaxCategories)
                throw new AgentException(AgentError.TooLarge, $"the request defines {categories.Count} mixins; the limit is {RequestLimits.MaxCategories} per request");
            var snap = catalog.Current;
            var existing = snap.Mixins.Count(m => m.UserDefined);
            if (existing + categories.Count > limits.MaxUserMixins)
                throw AgentException.Conflict($"this server keeps at most {limits.MaxUserMixins} user mixins (maxUserMixins); {existing} exist and the request adds {categories.Count}");
            var created = new List<Mixin>(categories.Count);
            var records = new List<UserMixinRecord>(categories.Count);
            var newIds = new HashSet<string>(StringComparer.Ordinal);
            var newLocations = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in categories)
            {
                if (c.Class is not null && c.Class != "mixin")
                    throw AgentException.Invalid($"only mixins can be defined by clients; {c.Id} is given as class {c.Class}");
                if (!c.Scheme.EndsWith('#') || !IsPlainText(c.Scheme, allowSpace: false) || !Uri.TryCreate(c.Scheme, UriKind.Absolute, out _))
                    throw AgentException.Invalid($"scheme '{c.Scheme}' of mixin {c.Term} must be an absolute URI ending in '#'");
                if (c.Scheme.StartsWith(Schemes.Reserved, StringComparison.OrdinalIgnoreCase))
                    throw AgentException.Invalid($"scheme '{c.Scheme}' is reserved for OCCI documents; use a scheme of your own");
                if (!IsValidTerm(c.Term))
                    throw AgentException.Invalid($"term '{c.Term}' is not valid: it must start with a letter or digit and contain only letters, digits, '-', '_' and '.'");
                if (c.Location is not { } loc || !IsValidLocation(loc))
                    throw AgentException.Invalid($"mixin {c.Id} needs a location: a path that starts and ends with '/' made of letters, digits and -._~!$&'()*+,;=:@ (e.g. /tags/{c.Term}/)");
                if (c.Title is { } title && !IsPlainText(title, allowSpace: true))
                    throw AgentException.Invalid($"the title of mixin {c.Id} contains a control character");
                if (snap.Find(c.Id) is not null || !newIds.Add(c.Id))
                    throw AgentException.Conflict($"category {c.Id} exists already");
                if (snap.AtLocation(loc) is { } taken)
                    throw AgentException.Conflict($"location {loc} is already used by {taken.Id}");
                if (!newLocations.Add(loc))
                    throw AgentException.Conflict($"location {loc} is given to two mixins of this request");
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
            catalog.AddUserMixins(created);
            return Task.FromResult<IReadOnlyList<Mixin>>(created);
        }, ct);

    /// <summary>A collection path (GFD.223 §4): '/'-delimited segments of RFC 3986 pchar without
    /// percent-encoding, so it is the same in every rendering and can never smuggle a control
    /// character, space or quote into a header or a quoted-string.</summary>
    internal static bool IsValidLocation(string loc) =>
        loc.Length is >= 3 and <= 256 && loc[0] == '/' && loc[^1] == '/' && !loc.Contains("//")
        && loc.All(c => char.IsAsciiLetterOrDigit(c) || "/-._~!$&'()*+,;=:@".Contains(c));

    private static bool IsPlainText(string s, bool allowSpace) =>
        !s.Any(c => char.IsControl(c) || !allowSpace && char.IsWhiteSpace(c) || c == '"' && !allowSpace);

    /// <summary>DELETE /-/ (GFD.223 §9.4): removes user mixins and their associations; provider
    /// categories are refused with 403 (GFD.185), unknown ones with 404.</summary>
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
            catalog.RemoveUserMixins(doomed);
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
