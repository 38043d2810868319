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
        "--unknown-flag",
    ];

    public static TheoryData<string> BadStepArgumentRows() => new(BadStepArguments);

    [Theory]
    [MemberData(nameof(BadStepArgumentRows))]
    public void BadStepInputExitsWithTwoAndOneLine(string arguments)
    {
        var run = CliRun.Of(["step", .. CliRun.Arguments(arguments)]);
        run.AssertUsageError();
    }

    [Fact]
    public void MessagesNameTheOptionAndTheAllowedValues() =>
        Snapshot.Match(string.Join('\n', BadStepArguments.Select(arguments => $"{arguments} => {CliRun.Of(["step", .. CliRun.Arguments(arguments)]).Error.TrimEnd()}")));
}
