using Microsoft.AspNetCore.Http;

namespace OcciAgent.Http;

/// <summary>Pagination with the query parameters <c>page</c> (1-based, GFD.223 §6; docs/conformance.md) and
/// <c>number</c> (GFD.223 §6); both <c>;</c> and <c>&amp;</c> separate parameters.</summary>
public static class Paging
{
    public static Dictionary<string, string> Query(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        // Clients and proxies may percent-encode the ';' of "?page=1;number=100" (GFD.223 §6).
        var raw = (request.QueryString.Value ?? "").Replace("%3B", ";", StringComparison.OrdinalIgnoreCase);
        foreach (var pair in raw.TrimStart('?').Split(['&', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0].Replace('+', ' '));
            if (key.Length == 0) throw AgentException.Invalid($"query parameter '{pair}' has no name");
            if (!result.TryAdd(key, kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : ""))
                throw AgentException.Invalid($"query parameter '{key}' is given more than once");
        }
        return result;
    }

    public static IReadOnlyList<T> Apply<T>(IReadOnlyList<T> items, Dictionary<string, string> query, int maxNumber)
    {
        var hasPage = query.TryGetValue("page", out var pageText);
        var hasNumber = query.TryGetValue("number", out var numberText);
        if (!hasPage && !hasNumber) return items;
        var page = 1;
        if (hasPage && (!int.TryParse(pageText, out page) || page < 1))
            throw AgentException.Invalid($"page '{pageText}' must be an integer of at least 1 (pages are counted from 1)");
        var number = maxNumber;
        if (hasNumber && (!int.TryParse(numberText, out number) || number < 1))
            throw AgentException.Invalid($"number '{numberText}' must be an integer of at least 1");
        if (number > maxNumber)
            throw new AgentException(AgentError.TooLarge, $"number {number} is larger than this server's page limit of {maxNumber}");
        var skip = (long)(page - 1) * number;
        return skip >= items.Count ? [] : items.Skip((int)skip).Take(number).ToList();
    }
}
