using System.Text.Json;

namespace AdaptiveLR.Properties.Golden;

/// <summary>One parameter of a fixture: its name, shape and row-major initial values.</summary>
public sealed record GoldenParameter(string Name, long[] Shape, double[] Values);

/// <summary>
/// One step of a fixture: the gradients fed, then the parameters and each parameter's named state
/// (the reference's own names) after the step, and group-level scalars.
/// </summary>
public sealed record GoldenStep(
    double[][] Gradients,
    double[][] Parameters,
    Dictionary<string, double[]>[] State,
    Dictionary<string, double> Scalars);

/// <summary>
/// One parameter group of a fixture: the names of its parameters (consecutive, in the fixture's order) and the reference's
/// hyperparameters it sets over the optimizer's.
/// </summary>
public sealed record GoldenGroup(string[] Parameters, Dictionary<string, JsonElement> Hyperparameters);

/// <summary>
/// A golden trajectory written by a script in scripts/golden from a real PyTorch run (format in
/// scripts/golden/README.md): the algorithm (our registry name), the reference's hyperparameters
/// under its own argument names, the initial parameters and every step, and its parameter groups if it has several.
/// </summary>
public sealed record GoldenFixture(
    string Algorithm,
    string Case,
    string Reference,
    Dictionary<string, JsonElement> Hyperparameters,
    string Dtype,
    GoldenParameter[] Parameters,
    GoldenStep[] Steps,
    GoldenGroup[]? Groups = null)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The folder the fixtures of <paramref name="family"/> are copied to beside the test assembly.</summary>
    public static string Folder(string family) => Path.Combine(AppContext.BaseDirectory, "Golden", "fixtures", family);

    /// <summary>The file names (without folder) of every fixture of <paramref name="family"/>, sorted; empty when there are none.</summary>
    public static IEnumerable<string> Files(string family) =>
        Directory.Exists(Folder(family))
            ? Directory.GetFiles(Folder(family), "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];

    /// <summary>Reads and checks one fixture; throws with the file's name when it is malformed.</summary>
    public static GoldenFixture Load(string family, string file)
    {
        string path = Path.Combine(Folder(family), file);
        var fixture = JsonSerializer.Deserialize<GoldenFixture>(File.ReadAllText(path), Options)
                      ?? throw new InvalidDataException($"{path}: empty fixture");
        fixture.Check(path);
        return fixture;
    }

    private void Check(string path)
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new InvalidDataException($"{path}: {what}");
        }
        Require(Dtype == "float64", $"dtype must be float64, got {Dtype}");
        Require(Parameters.Length > 0 && Steps.Length > 0, "needs parameters and steps");
        foreach (var p in Parameters)
            Require(p.Shape.Aggregate(1L, (a, b) => a * b) == p.Values.Length, $"parameter {p.Name}: shape and values disagree");
        if (Groups is not null)
            Require(Groups.Length > 0 && Groups.All(g => g.Parameters.Length > 0) &&
                    Groups.SelectMany(g => g.Parameters).SequenceEqual(Parameters.Select(p => p.Name)),
                    "the groups must hold every parameter once, in the parameters' order");
        for (int s = 0; s < Steps.Length; s++)
        {
            var step = Steps[s];
            Require(step.Gradients.Length == Parameters.Length && step.Parameters.Length == Parameters.Length && step.State.Length == Parameters.Length,
                    $"step {s + 1}: one gradient, parameter and state per parameter");
            for (int i = 0; i < Parameters.Length; i++)
                Require(step.Gradients[i].Length == Parameters[i].Values.Length && step.Parameters[i].Length == Parameters[i].Values.Length,
                        $"step {s + 1} parameter {Parameters[i].Name}: wrong length");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Algorithm}-{Case}";
}
