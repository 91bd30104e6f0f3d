using System;
using System.CommandLine;
using System.CommandLine.Completions;
using System.Collections.Generic;
using System.Linq;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>
/// <c>tpgen completion bash</c>: a completion script for the shell. It asks tpgen itself (through
/// the command line library's <c>[suggest]</c> directive), so commands, options and event names
/// complete the same way the parser reads them.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # tpgen tab completion. Load it with: eval "$(tpgen completion bash)"  (zsh: autoload bashcompinit && bashcompinit first)
        _tpgen_complete() {
            local IFS=$'\n'
            local word="${COMP_WORDS[COMP_CWORD]}"
            COMPREPLY=( $(compgen -W "$(tpgen "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "$word") )
            # Event names hold ':', which bash splits words on; keep only what follows the last one typed.
            if [[ "$word" == *:* || "${COMP_WORDS[COMP_CWORD-1]}" == ":" ]]; then
                local prefix="${COMP_LINE:0:COMP_POINT}"; prefix="${prefix##* }"; prefix="${prefix%"${prefix##*:}"}"
                COMPREPLY=( "${COMPREPLY[@]#"$prefix"}" )
            fi
        }
        complete -F _tpgen_complete tpgen
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "The shell: bash (zsh loads it through bashcompinit)." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a tab-completion script for the shell: eval \"$(tpgen completion bash)\".") { shell };
        command.SetAction(parse =>
        {
            Console.Out.WriteLine(Bash.Replace("\r", ""));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Completes event names (system:event) from the running kernel's tracefs, when it is readable.</summary>
    public static void AddEventCompletions(Argument argument)
    {
        argument.CompletionSources.Add(context =>
        {
            string word = context.WordToComplete;
            try
            {
                IReadOnlyList<(string System, string Name)> events = TracefsSource.Open(null).List(null);
                IEnumerable<string> names = word.Contains(':')
                    ? events.Select(e => e.System + ":" + e.Name)
                    : events.Select(e => e.System + ":").Distinct();
                return names.Where(n => n.StartsWith(word, StringComparison.Ordinal)).Take(500).Select(n => new CompletionItem(n));
            }
            catch (Exception e) when (e is TpGen.Kernel.TracefsException or System.IO.IOException or UnauthorizedAccessException)
            {
                return [];
            }
        });
    }
}
