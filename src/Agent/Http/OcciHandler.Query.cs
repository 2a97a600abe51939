using Microsoft.AspNetCore.Http;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;

namespace OcciAgent.Http;

public sealed partial class OcciHandler
{
    /// <summary>/-/ and /.well-known/org/ogf/occi/-/ (GFD.223 §9): GET lists categories, POST
    /// defines user mixins, DELETE removes them.</summary>
    private async Task QueryInterfaceAsync(Call call)
    {
        const string allow = "GET, HEAD, POST, DELETE";
        if (HttpMethods.IsGet(call.Method) || HttpMethods.IsHead(call.Method))
        {
            AcceptQuery(call, "category");
            Renderable(call, ResponseShape.Categories);
            await WriteAsync(call.Http, 200, call.Renderer.Categories(FilterCategories(call)));
            return;
        }
        if (call.Query.ContainsKey("action")) throw NotAllowed($"{call.Method} ?action", call.Path, allow);
        if (HttpMethods.IsPost(call.Method))
        {
            AcceptQuery(call);
            Renderable(call, ResponseShape.Categories);
            var doc = await ReadAsync(call);
            var created = await service.CreateUserMixinsAsync(doc.Categories, call.Ct);
            await WriteAsync(call.Http, 200, call.Renderer.Categories(new CategoryCollection([], created, [])));
            return;
        }
        if (HttpMethods.IsDelete(call.Method))
        {
            AcceptQuery(call);
            var doc = await ReadAsync(call);
            await service.DeleteUserMixinsAsync(doc.Categories, call.Ct);
            await WriteAsync(call.Http, 200, call.Renderer.Ok());
            return;
        }
        throw NotAllowed(call.Method, call.Path, allow);
    }

    /// <summary>GFD.223 §7.1 with docs/conformance.md: exactly the named categories; several
    /// filters are a union; an unknown category is a 400. <c>?category=</c> takes a type identifier
    /// or a bare term.</summary>
    private CategoryCollection FilterCategories(Call call)
    {
        var snap = service.Catalog.Current;
        var wanted = new List<Category>();
        foreach (var c in RequestReader.ReadFilter(call.Request, media).Categories)
            wanted.Add(snap.Find(c.Id) ?? throw AgentException.Invalid($"filter names unknown category {c.Id}"));
        if (call.Query.TryGetValue("category", out var q))
        {
            var byParam = snap.ById.Values.Where(c => c.Id == q || c.Term == q).ToList();
            if (byParam.Count == 0) throw AgentException.Invalid($"filter names unknown category {q}");
            wanted.AddRange(byParam);
        }
        if (wanted.Count == 0) return new CategoryCollection(snap.Kinds, snap.Mixins, snap.Actions);
        return new CategoryCollection(
            snap.Kinds.Where(wanted.Contains).ToList(),
            snap.Mixins.Where(wanted.Contains).ToList(),
            snap.Actions.Where(wanted.Contains).ToList());
    }

    /// <summary>GFD.223 §7.2 with docs/conformance.md: all criteria must hold. A category matches an
    /// entity whose kind is or descends from it, or which has the mixin (or one depending on it);
    /// attributes compare typed (numbers numerically).</summary>
    private IReadOnlyList<Entity> FilterEntities(Call call, IReadOnlyList<Entity> entities)
    {
        var snap = service.Catalog.Current;
        var filter = RequestReader.ReadFilter(call.Request, media);
        var categories = filter.Categories.Select(c => snap.Find(c.Id) ?? throw AgentException.Invalid($"filter names unknown category {c.Id}")).ToList();
        if (call.Query.TryGetValue("category", out var q))
        {
            var found = snap.ById.Values.Where(c => c.Id == q || c.Term == q).ToList();
            if (found.Count == 0) throw AgentException.Invalid($"filter names unknown category {q}");
            categories.Add(found[0]);
        }
        if (categories.Count == 0 && filter.Attributes.Count == 0) return entities;
        bool Matches(Entity e)
        {
            var kind = snap.FindKind(e.KindId);
            foreach (var c in categories)
            {
                var ok = c switch
                {
                    Kind k => kind?.IsA(k) == true,
                    Mixin m => e.Mixins.Any(id => id == m.Id || snap.FindMixin(id)?.DependsOn(m) == true),
                    OcciAction a => kind?.Actions.Contains(a) == true,
                    _ => false,
                };
                if (!ok) return false;
            }
            foreach (var (name, value) in filter.Attributes)
            {
                var actual = name == AttributeNames.Id ? OcciValue.Str(e.Id) : e.Get(name);
                if (actual is not { } a) return false;
                if (!a.SameAs(value) && a.ToInvariantString() != value.ToInvariantString()) return false;
            }
            return true;
        }
        return entities.Where(Matches).ToList();
    }
}
