using System.Globalization;
using System.Text.RegularExpressions;
using OcciAgent.Config;

namespace OcciAgent.Security;

/// <summary><c>occi-agent token create NAME [--role R] | list | revoke NAME</c> (parsed by
/// Config/CommandLine.cs), on the state dir of <c>--state-dir</c>/<c>--config</c> (as <c>check</c>). Works while the agent runs: it only
/// touches the token files, never occi.db (TokenFile).</summary>
public static partial class TokenCommand
{
    public static int Run(TokenRequest request, AgentOptions options, TextWriter output)
    {
        var file = new TokenFile(options.StateDir);
        var (sub, name, role) = (request.Operation, request.Name, request.Role);
        switch (sub)
        {
            case "create":
                var r = role is null ? Role.Operator : Roles.Parse(role) ?? throw new ConfigException($"--role '{role}' must be reader, operator or admin");
                output.WriteLine(Create(file, CheckName(name), r));
                return 0;
            case "list":
                List(file, output);
                return 0;
            default:
                var gone = CheckName(name);
                if (!file.Exists || !file.Update(list => list.Tokens.RemoveAll(t => t.Name == gone) > 0))
                {
                    Console.Error.WriteLine($"occi-agent: no token named '{gone}' in {file.Path}");
                    return 1;
                }
                output.WriteLine($"revoked {gone}");
                return 0;
        }
    }

    /// <summary>Stores a new token and returns it: the only time it is ever shown.
    /// <paramref name="keep"/> gets the token before it is stored, so a crash cannot leave a
    /// stored token nobody has (the first admin token goes to a file that way).</summary>
    public static string Create(TokenFile file, string name, Role role, Action<string>? keep = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file.Path))!);
        var (token, id, salt, hash) = ApiToken.Create();
        keep?.Invoke(token);
        file.Update(list =>
        {
            if (list.Tokens.Any(t => t.Name == name))
                throw new ConfigException($"a token named '{name}' exists; revoke it first or choose another name");
            list.Tokens.Add(new TokenRecord { Name = name, Id = id, Role = Roles.Name(role), Created = DateTimeOffset.UtcNow, Salt = salt, Hash = hash });
            return 0;
        });
        return token;
    }

    private static void List(TokenFile file, TextWriter output)
    {
        var used = file.ReadUse().LastUse;
        static string When(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
        output.WriteLine($"{"NAME",-24} {"ROLE",-8} {"CREATED",-20} LAST USE");
        foreach (var t in file.Read().Tokens.OrderBy(t => t.Name, StringComparer.Ordinal))
            output.WriteLine($"{t.Name,-24} {t.Role,-8} {When(t.Created),-20} {When(used.TryGetValue(t.Id, out var u) ? u : null)}");
    }

    private static string CheckName(string? name) =>
        name is not null && TokenName().IsMatch(name) ? name
            : throw new ConfigException($"token name '{name}' must be 1-64 of letters, digits, '.', '_' and '-', starting with a letter or digit");

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex TokenName();
}
