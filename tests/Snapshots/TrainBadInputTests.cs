using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>Inputs of <c>train</c>, <c>compare</c> and <c>config</c> a user can get wrong: exit code 2 and one line naming the option and the allowed values.</summary>
public class TrainBadInputTests
{
    private static readonly string[] BadArguments =
    [
        "train --epochs 0",
        "train --epochs many",
        "train --batch-size -1",
        "train --seed -2",
        "train --impl fast",
        "train --optimizer adam --momentum 0.9",
        "train --lr 0",
        "train --data /nonexistent-adaptivelr-data",
        "train --out /proc/adaptivelr-cannot-write-here",
        "train --config /nonexistent-adaptivelr.json",
        "train --limit-train 0",
        "compare --lr 0",
        "compare --optimizers sgd,adam --beta1 0.5",
        "train --epochs 1 --batch-size 2147483647",
        "train --limit-train 100 --batch-size 101",
        "compare --limit-train 100 --batch-size 101",
        "train --lr 1e39",
        "train --eps 1e-50",
        "config --weight-decay 1e-46",
        "train --impl torch --lr 1e38",
        "train --schedule step --step-size 1 --gamma 1e8",
        "compare --schedule exponential --gamma 1.5",
        "train --optimzer adam",
        "config --epochs 0",
        "train --schedule linear",
        "train --schedule step",
        "train --schedule exponential --gamma NaN",
        "train --schedule step --step-size 2.5",
        "compare --schedule one-cycle --pct-start 1.5",
        "train --clip-grad-norm 0",
        "train --clip-grad-value Infinity",
        "train --accumulate 0",
        "train --lookahead 2 --lookahead-alpha 1.5",
        "train --masked-weight-decay -0.1",
        "train --masked-weight-decay 0.1 --masked-weight-decay-mode l3",
        "train --nonfinite ignore",
        "train --threads 0",
        "train --threads -2",
        "train --threads 1.5",
        "compare --threads 257",
        "train --impl torch --lookahead 5",
        "compare --impl torch --accumulate 2",
        "train --inject-fault loss:x",
        "config --patience -1",
        "config --unknown-flag",
    ];

    // Their messages list the registry's algorithms, so they are checked but not snapshotted.
    private static readonly string[] BadOptimizerNames =
    [
        "train --optimizer adamax2", "compare --optimizers sgd,adamax2", "compare --optimizers |", "compare --optimizers adam,foo",
        "train --impl torch --optimizer lion", "compare --impl torch --optimizers adam,lion",
    ];

    public static TheoryData<string> BadArgumentRows() => new([.. BadArguments, .. BadOptimizerNames]);

    [Theory]
    [MemberData(nameof(BadArgumentRows))]
    public void BadInputExitsWithTwoAndOneLine(string arguments)
    {
        var run = CliRun.Of(CliRun.Arguments(arguments));
        run.AssertUsageError();
    }

    [Fact]
    public void MessagesNameTheOptionAndTheAllowedValues() =>
        Snapshot.Match(string.Join('\n', BadArguments.Select(arguments => $"{arguments} => {CliRun.Of(CliRun.Arguments(arguments)).Error.TrimEnd()}")));
}
