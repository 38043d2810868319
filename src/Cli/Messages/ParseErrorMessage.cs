using System.CommandLine;

namespace AdaptiveLR.Cli.Messages;

/// <summary>
/// The one line for input System.CommandLine could not parse. An unknown command or option is named
/// as such with the nearest known names ("did you mean"), instead of the parser's first error, which
/// for a mistyped command is the misleading "Required command was not provided".
/// </summary>
public static class ParseErrorMessage
{
    public static string Of(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        string help = command.Parents.Any() ? $"adaptivelr {command.Name} --help" : "adaptivelr --help";
        if (parsed.UnmatchedTokens.Count > 0) return $"{Unknown(parsed.UnmatchedTokens[0], command)}; see '{help}'";
        string message = parsed.Errors[0].Message;
        return message.StartsWith("--", StringComparison.Ordinal) ? message : $"{message.TrimEnd('.')}; see '{help}'";
    }

    private static string Unknown(string token, Command command)
    {
        bool isOption = token.StartsWith('-');
        string where = command.Parents.Any() ? $" for '{command.Name}'" : "";
        if (isOption)
        {
            string name = token.Split('=', 2)[0];
            var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Append("--help");
            return With($"unknown option '{name}'{where}", NearestNames.Suggestion(name, options));
        }
        var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (commands.Count == 0) return $"unexpected argument '{token}'{where}";
        return With($"unknown command '{token}'", NearestNames.Suggestion(token, commands) ?? $"commands: {string.Join(", ", commands)}");
    }

    private static string With(string problem, string? hint) => hint is null ? problem : hint.StartsWith("did you mean", StringComparison.Ordinal) ? $"{problem} ({hint})" : $"{problem}; {hint}";
}
