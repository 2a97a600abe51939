using Microsoft.AspNetCore.Http;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Occi.Rendering;
using OcciAgent.Services;

namespace OcciAgent.Http;

public sealed partial class OcciHandler
{
    /// <summary>The unbound root: GET lists every entity; POST with one kind creates an entity of
    /// that kind (docs/conformance.md); DELETE is refused (GFD.223 §11.4).</summary>
    private async Task RootAsync(Call call)
    {
        if (HttpMethods.IsGet(call.Method) || HttpMethods.IsHead(call.Method))
        {
            AcceptQuery(call, "page", "number", "category");
            await ListAsync(call, service.Store.All(), CollectionShape.Mixed);
            return;
        }
        if (HttpMethods.IsPost(call.Method) && !call.Query.ContainsKey("action"))
        {
            AcceptQuery(call);
            Renderable(call, ResponseShape.Created);
            var doc = await ReadAsync(call);
            await CreatedAsync(call, await service.CreateAsync(null, doc, null, call.Ct));
            return;
        }
        throw NotAllowed(call.Method + (call.Query.ContainsKey("action") ? " ?action" : ""), "/", "GET, HEAD, POST");
    }

    private async Task CollectionAsync(Call call)
    {
        var owner = service.Catalog.Current.AtLocation(call.Path)
            ?? throw AgentException.NotFound($"no collection at {call.Path}");
        var members = owner switch
        {
            Kind k => service.Store.All().Where(e => service.Catalog.Current.FindKind(e.KindId)?.IsA(k) == true).ToList(),
            Mixin m => service.MembersOf(m),
            _ => [],
        };
        var shape = owner is Kind kk ? (kk.IsLinkKind ? CollectionShape.Links : kk == CoreKinds.Entity ? CollectionShape.Mixed : CollectionShape.Resources)
            : CollectionShape.Mixed;
        if (HttpMethods.IsGet(call.Method) || HttpMethods.IsHead(call.Method))
        {
            AcceptQuery(call, "page", "number", "category");
            await ListAsync(call, members, shape);
            return;
        }
        if (HttpMethods.IsPost(call.Method) && call.Query.TryGetValue("action", out var term))
        {
            AcceptQuery(call, "action");
            Renderable(call, ResponseShape.Collection);
            var doc = await ReadAsync(call);
            var done = await service.CollectionActionAsync(owner, members, term, doc, call.Ct);
            await WriteCollectionAsync(call, done, shape);
            return;
        }
        if (owner is Kind kind)
        {
            if (HttpMethods.IsPost(call.Method))
            {
                AcceptQuery(call);
                Renderable(call, ResponseShape.Created);
                var doc = await ReadAsync(call);
                if (doc.Categories.Count == 0 && doc.Attributes.Count == 0 && (doc.Locations.Count > 0 || doc.EntityRefs.Count > 0))
                    throw AgentException.Invalid($"{call.Path} is a kind collection: a list of locations does not create entities (GFD.223 §11.3.2 is for mixin collections)");
                await CreatedAsync(call, await service.CreateAsync(kind, doc, null, call.Ct));
                return;
            }
            if (HttpMethods.IsDelete(call.Method))
            {
                // GFD.223 §11.4 defines no selection for DELETE on a kind collection: it deletes
                // every member. A filter meant for GET (query or headers, §7) or any body is refused,
                // so a mistyped selection can never widen into "delete all".
                AcceptQuery(call);
                if (RequestReader.HasOcciHeaders(call.Request))
                    throw AgentException.Invalid($"DELETE on {call.Path} deletes every member and takes no filter; delete entities one by one at their own URLs");
                if (!(await ReadAsync(call)).IsEmpty)
                    throw AgentException.Invalid($"DELETE on {call.Path} deletes every member and takes no rendering; delete entities one by one at their own URLs");
                await service.DeleteAllAsync(kind, call.Ct);
                await WriteAsync(call.Http, 200, call.Renderer.Ok());
                return;
            }
            throw NotAllowed(call.Method, call.Path, "GET, HEAD, POST, DELETE");
        }
        var mixin = (Mixin)owner;
        var change = call.Method switch
        {
            "POST" => MembershipChange.Associate,
            "PUT" => MembershipChange.Replace,
            "DELETE" => MembershipChange.Disassociate,
            _ => throw NotAllowed(call.Method, call.Path, "GET, HEAD, POST, PUT, DELETE"),
        };
        AcceptQuery(call);
        Renderable(call, ResponseShape.Collection);
        var body = await ReadAsync(call);
        if (body.Categories.Count > 0 || body.Attributes.Count > 0)
            throw AgentException.Invalid($"{call.Path} is a mixin collection: send the locations of entities (X-OCCI-Location), not an entity rendering");
        var paths = body.Locations.Concat(body.EntityRefs.Select(r => ResolveRef(r))).ToList();
        if (change != MembershipChange.Disassociate && paths.Count == 0 && change == MembershipChange.Associate)
            throw AgentException.Invalid($"POST {call.Path} needs the locations of the entities to associate");
        var result = await service.ChangeMembershipAsync(mixin, paths, change, call.Ct);
        await WriteCollectionAsync(call, result, shape);
    }

    private string ResolveRef(EntityRef r)
    {
        var e = service.Store.Get(r.Id) ?? throw AgentException.Invalid($"no entity with id {r.Id}");
        if (r.KindId is not null && r.KindId != e.KindId)
            throw AgentException.Invalid($"entity {r.Id} is a {e.KindId}, not a {r.KindId}");
        return service.LocationOf(e);
    }

    private async Task ListAsync(Call call, IReadOnlyList<Entity> members, CollectionShape shape)
    {
        var filtered = FilterEntities(call, members.OrderBy(e => e.KindId, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).ToList());
        var page = Paging.Apply(filtered, call.Query, info.MaxPageSize);
        await WriteCollectionAsync(call, page, shape);
    }

    private async Task WriteCollectionAsync(Call call, IReadOnlyList<Entity> entities, CollectionShape shape)
    {
        var views = new List<EntityView>(entities.Count);
        // Text renderings list locations only: no links, no look at the host for them.
        var full = call.Renderer.CollectionsCarryEntities;
        foreach (var e in entities) views.Add(await service.ViewAsync(e, call.Ct, withLinks: full, observe: full));
        await WriteAsync(call.Http, 200, call.Renderer.Collection(views, shape, call.BaseUrl));
    }

    /// <summary>201 Created with an absolute Location and the location rendering (GFD.223 §11.3.1).</summary>
    private async Task CreatedAsync(Call call, Entity created)
    {
        var view = await service.ViewAsync(created, call.Ct);
        await WriteAsync(call.Http, 201, call.Renderer.Created(view, call.BaseUrl), call.BaseUrl + view.Location);
    }
}
