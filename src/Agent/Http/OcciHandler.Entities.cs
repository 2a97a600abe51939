using OcciAgent.Occi.Rendering;
using Microsoft.AspNetCore.Http;
using OcciAgent.Occi.Model;

namespace OcciAgent.Http;

public sealed partial class OcciHandler
{
    /// <summary>An entity URL (GFD.223 §10): GET, POST (partial update or ?action=), PUT (create
    /// at a client-chosen id, or replace), DELETE.</summary>
    private async Task EntityAsync(Call call)
    {
        var existing = service.FindAt(call.Path);
        if (existing is null)
        {
            if (HttpMethods.IsPut(call.Method) && PutCreateTarget(call.Path) is var (kind, id))
            {
                AcceptQuery(call);
                Renderable(call, ResponseShape.Created);
                var doc = await ReadAsync(call);
                await CreatedAsync(call, await service.CreateAsync(kind, doc, id, call.Ct));
                return;
            }
            throw AgentException.NotFound($"no entity at {call.Path}");
        }
        switch (call.Method)
        {
            case "GET" or "HEAD":
                AcceptQuery(call);
                Renderable(call, ResponseShape.Entity);
                await WriteAsync(call.Http, 200, call.Renderer.Entity(await service.ViewAsync(existing, call.Ct), call.BaseUrl));
                return;
            case "POST":
            {
                AcceptQuery(call, "action");
                // An action answers with the entity, or (save) with the new template's category.
                Renderable(call, ResponseShape.Entity, ResponseShape.Categories);
                var doc = await ReadAsync(call);
                if (call.Query.TryGetValue("action", out var term))
                {
                    var outcome = await service.ActionAsync(call.Path, term, doc, call.Ct);
                    // GFD.224 §3.1: a save answers with the new OS template mixin.
                    await WriteAsync(call.Http, 200, outcome.CreatedTemplate is { } created
                        ? call.Renderer.Categories(new CategoryCollection([], [created], []))
                        : call.Renderer.Entity(await service.ViewAsync(outcome.Entity, call.Ct), call.BaseUrl));
                    return;
                }
                var updated = await service.UpdateAsync(call.Path, doc, call.Ct);
                await WriteAsync(call.Http, 200, call.Renderer.Entity(await service.ViewAsync(updated, call.Ct), call.BaseUrl));
                return;
            }
            case "PUT":
            {
                AcceptQuery(call);
                Renderable(call, ResponseShape.Entity);
                var doc = await ReadAsync(call);
                var replaced = await service.ReplaceAsync(call.Path, doc, call.Ct);
                await WriteAsync(call.Http, 200, call.Renderer.Entity(await service.ViewAsync(replaced, call.Ct), call.BaseUrl));
                return;
            }
            case "DELETE":
                AcceptQuery(call);
                await service.DeleteAsync(call.Path, call.Ct);
                await WriteAsync(call.Http, 200, call.Renderer.Ok());
                return;
            default:
                throw NotAllowed(call.Method, call.Path, "GET, HEAD, POST, PUT, DELETE");
        }
    }

    /// <summary>PUT create is allowed only at <c>&lt;kind location&gt;&lt;new id&gt;</c> (GFD.223 §10.2.1; docs/conformance.md).</summary>
    private (Kind, string)? PutCreateTarget(string path)
    {
        var slash = path.LastIndexOf('/');
        if (service.Catalog.Current.AtLocation(path[..(slash + 1)]) is not Kind kind) return null;
        var id = path[(slash + 1)..];
        if (!Services.EntityService.IsValidId(id))
            throw AgentException.Invalid($"'{id}' is not a valid entity id (letters, digits, '-' and '_', at most 64)");
        return (kind, id);
    }
}
