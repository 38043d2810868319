using System.Globalization;
using System.Text;

namespace AdaptiveLR.Cli.Messages;

/// <summary>Text from the user inside a one-line message: control characters are escaped, so a value with a newline cannot split the line.</summary>
public static class MessageText
{
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }
}
