using System.Diagnostics;
using OcciAgent.Config;
using OcciAgent.Tests.Daemon;

namespace OcciAgent.Tests.Unit;

/// <summary>The commands of src/Agent/Config/CommandLine.cs: help per command, typo suggestions,
/// the [suggest] directive, and the bash completion script run by a real bash against the real
/// program (the build output, run by dotnet).</summary>
[Trait("Category", "Integration")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandTreeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("occi-cli-tree-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static string Printed(params string[] args)
    {
        var i = CommandLine.Read(args, _ => null);
        var w = new StringWriter();
        Assert.Equal(0, CommandLine.Print(i, w));
        return w.ToString();
    }

    [Theory]
    [InlineData("occi-agent check [options]", "check", "--help")]
    [InlineData("occi-agent token create <NAME> [options]", "token", "create", "--help")]
    [InlineData("occi-agent token [command] [options]", "token", "-h")]
    [InlineData("occi-agent completion bash [options]", "completion", "bash", "--help")]
    public void Each_CommandHasItsOwnHelp(string usage, params string[] args)
    {
        Assert.Equal(CommandKind.Help, CommandLine.Read(args, _ => null).Kind);
        var help = Printed(args);
        Assert.Contains(usage, help);
        Assert.DoesNotContain("Settings (precedence", help); // the settings text is the root's
    }

    [Fact]
    public void Token_CreateHelpNamesTheRolesAndTheRootHelpTheSettings()
    {
        Assert.Contains("--role <reader|operator|admin>", Printed("token", "create", "--help"));
        var root = Printed("--help");
        Assert.Contains("Settings (precedence: defaults < config file < environment < flags)", root);
        foreach (var command in new[] { "check", "token", "version", "completion" }) Assert.Contains("  " + command + " ", root);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'chek'. Did you mean check?", "occi-agent", "chek")]
    [InlineData("Unrecognized command or argument '--stat-dir'. Did you mean --state-dir?", "occi-agent", "--stat-dir", "/x")]
    [InlineData("Unrecognized command or argument 'revok'. Did you mean revoke?", "occi-agent token", "token", "revok", "ci")]
    [InlineData("Unrecognized command or argument '--rol'. Did you mean --role?", "occi-agent token create", "token", "create", "ci", "--rol", "admin")]
    public void A_TypoGetsASuggestionAndTheHelpOfItsCommand(string line, string helpCommand, params string[] args)
    {
        var e = Assert.Throws<ConfigException>(() => CommandLine.Read(args, _ => null));
        Assert.Contains(line, e.Message.Split(Environment.NewLine));
        Assert.Equal(helpCommand, e.HelpCommand);
    }

    [Fact]
    public void A_RepeatedStateDirOrConfigTakesTheLaterOne()
    {
        Assert.Equal("/b", CommandLine.Read(["--state-dir", "/a", "--state-dir=/b"], _ => null).Options!.StateDir);
        Assert.Equal("/b", CommandLine.Read(["token", "list", "--state-dir", "/a", "--state-dir", "/b"], _ => null).Options!.StateDir);
        var e = Assert.Throws<ConfigException>(() => CommandLine.Read(["--state-dir", "/a", "/b"], _ => null));
        Assert.Contains("'/b'", e.Message);
    }

    [Fact]
    public void Version_IsACommandAndAnOption()
    {
        Assert.Equal(CommandKind.Version, CommandLine.Read(["version"], _ => null).Kind);
        Assert.Equal(CommandKind.Version, CommandLine.Read(["--version"], _ => null).Kind);
    }

    [Fact]
    public void Token_CommandsCarryTheirOperationNameAndRole()
    {
        var i = CommandLine.Read(["token", "create", "ci", "--role", "reader", "--state-dir", _dir], _ => null);
        Assert.Equal((CommandKind.Token, new TokenRequest("create", "ci", "reader"), _dir), (i.Kind, i.Token, i.Options!.StateDir));
        Assert.Equal(new TokenRequest("revoke", "ci", null), CommandLine.Read(["token", "revoke", "ci"], _ => null).Token);
        Assert.Throws<ConfigException>(() => CommandLine.Read(["token", "list", "ci"], _ => null));
        Assert.Throws<ConfigException>(() => CommandLine.Read(["token"], _ => null));
    }

    [Theory]
    [InlineData("tok", "token")]
    [InlineData("token ", "create", "list", "revoke")]
    [InlineData("token create ci --role ", "admin", "operator", "reader")]
    [InlineData("--state", "--state-dir")]
    public void The_SuggestDirectiveAnswersCompletions(string line, params string[] expected)
    {
        var i = CommandLine.Read([$"[suggest:{line.Length}]", line], _ => null);
        Assert.Equal(CommandKind.Suggest, i.Kind);
        var words = Printed($"[suggest:{line.Length}]", line).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var w in expected) Assert.Contains(w, words);
    }

    [Theory]
    [InlineData("occi-agent tok", "token")]
    [InlineData("occi-agent token re", "revoke")]
    [InlineData("occi-agent token create ci --role a", "admin")]
    [InlineData("occi-agent --state-d", "--state-dir")]
    public void The_BashCompletionScriptCompletesThroughTheProgram(string line, string expected)
    {
        var script = Path.Combine(_dir, "occi-agent.bash");
        File.WriteAllText(script, Printed("completion", "bash"));
        // The script runs COMP_WORDS[0]: here a wrapper that runs the build output with dotnet.
        var program = Path.Combine(_dir, "occi-agent");
        File.WriteAllText(program, $"#!/bin/sh\nexec dotnet '{AgentProcess.AgentDll}' \"$@\"\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--norc", "-c", """
            source "$1"
            COMP_LINE=$2; COMP_POINT=${#2}
            read -ra COMP_WORDS <<<"$2"
            [[ $2 == *" " ]] && COMP_WORDS+=("")
            COMP_WORDS[0]=$3; COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _occi_agent
            printf '%s\n' "${COMPREPLY[@]}"
            complete -p occi-agent
            """, "test", script, line, program })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([expected, "complete -o default -F _occi_agent occi-agent"], lines);
    }

    [Fact]
    public void The_ProgramExits2OnATypoAndNamesTheHelpToRead()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AgentProcess.AgentDll, "token", "creat", "ci", "--state-dir", _dir }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("Unrecognized command or argument 'creat'. Did you mean create?", stderr);
        Assert.Contains("Try 'occi-agent token --help'.", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir)); // nothing created
    }
}
