using System.CommandLine;
using System.CommandLine.Parsing;

namespace AdaptiveLR.Cli.Runs;

/// <summary>The command that continues a run: the one given, with <c>--resume FOLDER</c> in place of <c>--out</c>, <c>--resume</c> and <c>--overwrite</c>.</summary>
public static class ResumeCommandLine
{
    public static string For(ParseResult parsed, string folder)
    {
        var words = new List<string> { "adaptivelr" };
        var tokens = parsed.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            string value = tokens[i].Value;
            bool takesValue = value is "--out" || (value is "--resume" && i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument);
            if (value is "--out" or "--resume" or "--overwrite")
            {
                if (takesValue) i++;
                continue;
            }
            words.Add(Quoted(value));
        }
        words.Add("--resume");
        words.Add(Quoted(folder));
        return string.Join(' ', words);
    }

    private static string Quoted(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";
}
