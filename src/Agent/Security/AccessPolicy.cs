using Microsoft.AspNetCore.Http;
using OcciAgent.Http;

namespace OcciAgent.Security;

/// <summary>The one place that says which role a request needs, decided from its method, path
/// and query before anything is read or changed.</summary>
public static class AccessPolicy
{
    public static Role RequiredRole(string method, string path, IQueryCollection query)
    {
        // Reading anything, a console's log included.
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return Role.Reader;
        // Typing into a VM's serial console is a root shell in the guest.
        if (HostEndpoints.IsConsolePath(path)) return Role.Admin;
        // POST/DELETE on the query interface define and remove user mixins (GFD.223 §9).
        if (OcciHandler.QueryPaths.Contains(path)) return Role.Admin;
        // save captures a disk as a new os_tpl image in the host's image library (GFD.224 §3.1).
        if (query.TryGetValue("action", out var action) && action.ToString() == "save") return Role.Admin;
        // Create, update (POST/PUT), delete, actions, mixin membership.
        return Role.Operator;
    }

    /// <summary>Requests worth an audit record: everything that may change state.</summary>
    public static bool IsMutating(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
}
