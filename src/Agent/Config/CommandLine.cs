using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;

namespace OcciAgent.Config;

/// <summary>What the command line asked for.</summary>
public enum CommandKind { Run, Help, Version, Check, Token, Completion, Suggest }

/// <summary>A bad command line or config: the message goes to stderr, the exit code is 2.</summary>
public sealed class ConfigException(string message, bool showUsage = true) : Exception(message)
{
    /// <summary>False when the usage text would not help (a policy refusal, not a typo).</summary>
    public bool ShowUsage { get; } = showUsage;
    /// <summary>The command whose help fits the mistake ("occi-agent token create").</summary>
    public string HelpCommand { get; init; } = "occi-agent";
}

/// <summary>One parsed command line: what to do, with which settings (null for help, version,
/// completion), and for <c>token</c> which token operation.</summary>
public sealed record Invocation(CommandKind Kind, AgentOptions? Options, ParseResult Parsed, TokenRequest? Token = null);

/// <summary><c>token create NAME [--role R]</c>, <c>token list</c>, <c>token revoke NAME</c>.</summary>
public sealed record TokenRequest(string Operation, string? Name, string? Role);

/// <summary><c>occi-agent [run] [--listen URL]... [--state-dir DIR] [--config FILE]</c>, <c>check</c>,
/// <c>token create|list|revoke</c>, <c>version</c>, <c>completion bash</c>, parsed by
/// System.CommandLine (help per command, typo suggestions, the <c>[suggest]</c> directive that
/// shell completion calls). Settings: <see cref="AgentConfiguration"/>.</summary>
public static class CommandLine
{
    /// <summary>The settings text under the root command's help.</summary>
    public const string SettingsHelp = """
        Settings (precedence: defaults < config file < environment < flags):
          config file (JSON): listen, stateDir, schemeBase, maxPageSize, maxRequestBytes,
            maxUserMixins, maxStorageGiB, qemuImg, qemu, accelerator (auto|kvm|tcg),
            stopTimeoutSeconds, consoleLogBytes, uplink, ip, nft, dnsmasq,
            dhcpBus (auto|system|private|ADDRESS), dhcpRunDir, dhcpPingCheck,
            flavours [{name, title, cores, memory}], tls {certificate, key},
            allowInsecureRemote, auth (tokens|none), socketGroup, allowedHosts [...],
            allowedOrigins [...], vmLauncher (auto|systemd|daemon), systemdBus, vmSlice
          environment: OCCI_AGENT_CONFIG, OCCI_AGENT_LISTEN (comma-separated), OCCI_AGENT_STATE_DIR,
            OCCI_AGENT_ACCELERATOR, OCCI_AGENT_UPLINK, OCCI_AGENT_VM_LAUNCHER, OCCI_AGENT_SYSTEMD_BUS
        """;

    public static (CommandKind, AgentOptions) Parse(string[] args, Func<string, string?> env)
    {
        var i = Read(args, env);
        return (i.Kind, i.Options ?? new AgentOptions());
    }

    public static Invocation Read(string[] args, Func<string, string?> env)
    {
        var cli = new Tree();
        var parsed = cli.Root.Parse(args);
        if (parsed.GetResult(cli.Suggest) is not null) return new(CommandKind.Suggest, null, parsed);
        if (parsed.Errors.Count > 0) throw new ConfigException(Describe(parsed)) { HelpCommand = PathOf(parsed.CommandResult.Command) };
        if (parsed.Action is HelpAction) return new(CommandKind.Help, null, parsed);
        var command = parsed.CommandResult.Command;
        if (parsed.GetResult(cli.Version) is not null || command == cli.VersionCommand) return new(CommandKind.Version, null, parsed);
        // A command is the first word: "--listen URL check" is a mistake, not a check.
        var top = command;
        while (top.Parents.OfType<Command>().FirstOrDefault() is { } parent && parent != cli.Root) top = parent;
        if (command != cli.Root && parsed.Tokens.FirstOrDefault()?.Value != top.Name)
            throw new ConfigException($"unknown argument '{top.Name}': a command comes first (occi-agent {top.Name} ...)");
        if (command == cli.Bash) return new(CommandKind.Completion, null, parsed);
        var listen = parsed.GetValue(cli.Listen) ?? [];
        // One URL per --listen: "--listen URL FILE" is a mistake, not two listeners.
        if (parsed.GetResult(cli.Listen) is { } given && listen.Length > given.IdentifierTokenCount)
            throw new ConfigException($"unknown argument '{listen[given.IdentifierTokenCount]}': --listen takes one URL; repeat --listen for more");
        var stateDir = parsed.GetValue(cli.StateDir);
        var flags = stateDir is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["stateDir"] = stateDir };
        var options = AgentConfiguration.Load(parsed.GetValue(cli.Config) ?? env("OCCI_AGENT_CONFIG"), flags, listen, env);
        if (command == cli.Check) return new(CommandKind.Check, options, parsed);
        if (command == cli.Create) return new(CommandKind.Token, options, parsed, new("create", parsed.GetValue(cli.CreateName), parsed.GetValue(cli.Role)));
        if (command == cli.List) return new(CommandKind.Token, options, parsed, new("list", null, null));
        if (command == cli.Revoke) return new(CommandKind.Token, options, parsed, new("revoke", parsed.GetValue(cli.RevokeName), null));
        return new(CommandKind.Run, options, parsed);
    }

    /// <summary>Writes what a help, completion or suggest invocation asks for; 0.</summary>
    public static int Print(Invocation i, TextWriter output)
    {
        if (i.Kind == CommandKind.Completion)
        {
            output.Write(CompletionScript.Bash);
            return 0;
        }
        var code = i.Parsed.Invoke(new InvocationConfiguration { Output = output, Error = output });
        if (i.Kind == CommandKind.Help && i.Parsed.CommandResult.Command is RootCommand) output.WriteLine(SettingsHelp);
        return code;
    }

    private static string PathOf(Command c) =>
        c.Parents.OfType<Command>().FirstOrDefault() is { } parent ? $"{PathOf(parent)} {c.Name}" : "occi-agent";

    /// <summary>The parser's errors, each unknown word with the parser's typo suggestion
    /// ("Unrecognized command or argument 'chek'. Did you mean check?").</summary>
    private static string Describe(ParseResult parsed)
    {
        var errors = parsed.Errors.Select(e => e.Message).ToList();
        if (parsed.Action is not System.CommandLine.Invocation.ParseErrorAction action) return string.Join(Environment.NewLine, errors);
        // The suggestions are only written, as "'WORD' was not matched. Did you mean one of the
        // following?" and one candidate per line; read them back from that text.
        action.ShowHelp = false;
        var w = new StringWriter();
        parsed.Invoke(new InvocationConfiguration { Output = w, Error = w });
        var suggestions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in w.ToString().Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.Length == 0 || errors.Contains(line)) current = null;
            else if (line.StartsWith('\'') && line.IndexOf('\'', 1) is > 0 and var end && line.EndsWith('?'))
                suggestions[line[1..end]] = current = [];
            else current?.Add(line);
        }
        return string.Join(Environment.NewLine, errors.Select(e =>
            suggestions.FirstOrDefault(s => e.Contains($"'{s.Key}'", StringComparison.Ordinal)) is { Key: not null } hit
            // A word that is no option is never meant as one (the parser offers "-h" for "x").
            && hit.Value.Where(c => c.StartsWith('-') == hit.Key.StartsWith('-')).ToList() is { Count: > 0 } candidates
                ? $"{e} Did you mean {string.Join(" or ", candidates)}?" : e));
    }

    /// <summary>The commands and options; built per parse (a few dozen objects, once per process).</summary>
    private sealed class Tree
    {
        public readonly RootCommand Root = new("Serves OCCI 1.2 for this host on URL (default http://127.0.0.1:8080), keeping entities, images and volumes in DIR (default ./var: occi.db, images/, volumes/).");
        public readonly Option<string[]> Listen = new("--listen")
        {
            Description = "Where to listen; repeat for several listeners: http://IP:PORT, https://IP:PORT, http://unix:/PATH",
            HelpName = "URL", Recursive = true,
        };
        public readonly Option<string> StateDir = LastWins(new("--state-dir") { Description = "State directory", HelpName = "DIR", Recursive = true });
        public readonly Option<string> Config = LastWins(new("--config") { Description = "JSON config file (settings below)", HelpName = "FILE", Recursive = true });
        public readonly VersionOption Version;
        public readonly SuggestDirective Suggest;
        public readonly Command VersionCommand = new("version", "Print the version");
        public readonly Command Check = new("check", "Diagnose this host (QEMU, accelerator, devices, networking, dnsmasq, systemd, D-Bus, state dir); exit 0 only when VMs can run here");
        public readonly Command Create = new("create", "Create a token and print it (the only time it is shown)");
        public readonly Command List = new("list", "Show name, role, created and last use of every token");
        public readonly Command Revoke = new("revoke", "Revoke a token (a running agent drops it within a second)");
        public readonly Argument<string> CreateName = new("NAME") { Description = "1-64 of letters, digits, '.', '_' and '-'" };
        public readonly Argument<string> RevokeName = new("NAME");
        public readonly Option<string> Role = new("--role") { Description = "What the token may do (default operator)", HelpName = "reader|operator|admin" };
        public readonly Command Bash = new("bash", "Print a bash completion script (source it, or install it as /usr/share/bash-completion/completions/occi-agent)");

        /// <summary>Given twice, the later one counts (as a wrapper script's default followed by
        /// the user's own); still one value per occurrence.</summary>
        private static Option<string> LastWins(Option<string> o)
        {
            o.Arity = ArgumentArity.OneOrMore;
            o.CustomParser = r => r.Tokens[^1].Value;
            return o;
        }

        public Tree()
        {
            // The usage lines say occi-agent also when the host process has another name (tests).
            Root.HelpName = "occi-agent";
            Version = Root.Options.OfType<VersionOption>().First();
            Suggest = Root.Directives.OfType<SuggestDirective>().First();
            Role.CompletionSources.Add("reader", "operator", "admin");
            Root.Options.Add(Listen);
            Root.Options.Add(StateDir);
            Root.Options.Add(Config);
            Create.Arguments.Add(CreateName);
            Create.Options.Add(Role);
            Revoke.Arguments.Add(RevokeName);
            var token = new Command("token", "Manage API tokens in the state dir (the agent may be running; changes apply within a second)") { Create, List, Revoke };
            var completion = new Command("completion", "Shell completion") { Bash };
            Root.Subcommands.Add(Check);
            Root.Subcommands.Add(token);
            Root.Subcommands.Add(VersionCommand);
            Root.Subcommands.Add(completion);
            // The parser calls a command without an action incomplete; the work itself is
            // Program's (it needs the bound settings), so these actions are only markers.
            foreach (var c in new[] { Root, Check, Create, List, Revoke, VersionCommand, Bash }) c.SetAction(_ => 0);
        }
    }
}
