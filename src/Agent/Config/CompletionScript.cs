namespace OcciAgent.Config;

/// <summary>Bash completion that asks the binary itself: System.CommandLine answers the
/// <c>[suggest:N] "LINE"</c> directive with the words that fit at cursor position N of LINE
/// (commands, options, --role values), so the script never goes stale and needs no dotnet-suggest.
/// The .deb installs it (packaging/deb/build-deb).</summary>
public static class CompletionScript
{
    public const string Bash = """
        # bash completion for occi-agent; written by "occi-agent completion bash".
        _occi_agent() {
            local line=${COMP_LINE:0:COMP_POINT}
            # The words after the program's name, as the [suggest] directive takes them.
            local rest=""
            [[ $line == *[[:space:]]* ]] && rest=${line#*[[:space:]]}
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#rest}]" "$rest" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _occi_agent occi-agent

        """;
}
