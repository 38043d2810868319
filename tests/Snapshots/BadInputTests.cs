using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>Every input a user can get wrong: exit code 2, one line on stderr naming the option, no stack trace, no output.</summary>
public class BadInputTests
{
    private static readonly string[] BadStepArguments =
    [
        "--optimizer adamx",
        "--lr 0",
        "--lr -0.1",
        "--lr abc",
        "--lr NaN",
        "--lr Infinity",
        "--beta1 1",
        "--beta2 -0.5",
        "--eps 0",
        "--weight-decay -1",
        "--optimizer sgd --momentum -1",
        "--optimizer sgd --nesterov",
        "--optimizer sgd --nesterov --momentum 0.9 --dampening 0.5",
        "--optimizer rmsprop --alpha 1.5",
        "--optimizer adam --alpha 0.9",
        "--grads |",
        "--grads 1,,2",
        "--grads 1,x",
        "--grads 1,2;3 --x0 0,0",
        "--grads 1,2 --steps 3",
        "--grads 1 --function quadratic",
        "--function himmelblau",
        "--function rosenbrock --x0 1,2,3",
        "--optimizer adam --optimizers sgd",
        "--optimizers adam,,sgd",
        "--optimizers adam,foo",
        "--optimizers sgd,adam --plot /tmp/adaptivelr-test-paths.png",
        "--optimizers sgd,adagrad --beta1 0.5",
        "--x0 5,abc",
        "--steps 0",
        "--steps -3",
        "--steps many",
        "--format xml",
        "--plot /nonexistent-folder/trajectory.png",
        "--plot |",
        "--plot /tmp/" + new string('p', 300) + ".png",
        "--function rosenbrock --steps 1000001 --plot /tmp/adaptivelr-test-too-many.png",
        "--steps 1000000001",
        "--steps 2147483647",
        "--unknown-flag",
        "--optimzer adam",
        "--bta1 0.5",
        "3",
    ];

    public static TheoryData<string> BadStepArgumentRows() => new(BadStepArguments);

    [Theory]
    [MemberData(nameof(BadStepArgumentRows))]
    public void BadStepInputExitsWithTwoAndOneLine(string arguments)
    {
        var run = CliRun.Of(["step", .. CliRun.Arguments(arguments)]);
        run.AssertUsageError();
    }

    /// <summary>Unknown commands and options are named as such, with the nearest known name; user text cannot break the line.</summary>
    [Theory]
    [InlineData("trian", "adaptivelr: unknown command 'trian' (did you mean 'train'?); see 'adaptivelr --help'")]
    [InlineData("tarin --epochs 1", "adaptivelr: unknown command 'tarin' (did you mean 'train'?); see 'adaptivelr --help'")]
    [InlineData("nosuchcommand", "adaptivelr: unknown command 'nosuchcommand'; commands: step, train, compare, lr-find, config, bench, schedule, optimizers; see 'adaptivelr --help'")]
    [InlineData("train --optimzer adam", "adaptivelr: unknown option '--optimzer' for 'train' (did you mean '--optimizer'?); see 'adaptivelr train --help'")]
    [InlineData("compare --optimizer adam", "adaptivelr: unknown option '--optimizer' for 'compare' (did you mean '--optimizers'?); see 'adaptivelr compare --help'")]
    [InlineData("step --beta4 0.5", "adaptivelr: unknown option '--beta4' for 'step' (did you mean '--beta1', '--beta2' or '--beta3'?); see 'adaptivelr step --help'")]
    [InlineData("compare --optimizers adam,foo", "unknown name 'foo' in 'adam,foo'")]
    [InlineData("compare --optimizers adam,adamm", "unknown name 'adamm' in 'adam,adamm' (did you mean 'adam' or 'adamw'?)")]
    [InlineData("compare --optimizers adam,adam", "'adam' appears twice in 'adam,adam'")]
    public void UnknownNamesAreNamedWithTheNearest(string arguments, string expected)
    {
        var run = CliRun.Of(CliRun.Arguments(arguments));
        run.AssertUsageError();
        Assert.Contains(expected, run.Error);
    }

    /// <summary>One edit (a swap of neighbours, a lost or a wrong letter) from a command or an option, the message names it.</summary>
    [Theory]
    [InlineData("step")]
    [InlineData("train")]
    [InlineData("compare")]
    [InlineData("config")]
    [InlineData("bench")]
    [InlineData("schedule")]
    [InlineData("optimizers")]
    [InlineData("train --optimizer")]
    [InlineData("train --batch-size")]
    [InlineData("compare --optimizers")]
    [InlineData("step --function")]
    [InlineData("schedule --warmup")]
    public void EveryNameOneEditAwayIsSuggested(string arguments)
    {
        string[] words = arguments.Split(' ');
        string name = words[^1];
        int at = name.StartsWith("--", StringComparison.Ordinal) ? 3 : 1;
        string[] typos =
        [
            name[..at] + name[at + 1] + name[at] + name[(at + 2)..],
            name[..^1],
            name[..at] + 'q' + name[(at + 1)..],
        ];
        foreach (string typo in typos)
        {
            var run = CliRun.Of([.. words[..^1], typo, .. typo.StartsWith('-') ? new[] { "1" } : []]);
            run.AssertUsageError();
            Assert.Contains($"'{typo}'", run.Error);
            Assert.Contains($"did you mean '{name}'", run.Error);
        }
    }

    public static TheoryData<string, string> ValuesWithControlCharacters() => new()
    {
        { "a\nb", @"'a\nb'" },
        { "a\r\nb", @"'a\r\nb'" },
        { "x\u001b[31m", @"'x\u001b[31m'" },
        { "\tq", @"'\tq'" },
    };

    [Theory]
    [MemberData(nameof(ValuesWithControlCharacters))]
    public void ControlCharactersInValuesAreEscaped(string value, string expected)
    {
        var run = CliRun.Of("step", "--lr", value);
        run.AssertUsageError();
        Assert.Contains(expected, run.Error);
    }

    [Fact]
    public void MessagesNameTheOptionAndTheAllowedValues() =>
        Snapshot.Match(string.Join('\n', BadStepArguments.Select(arguments => $"{arguments} => {CliRun.Of(["step", .. CliRun.Arguments(arguments)]).Error.TrimEnd()}")));
}
