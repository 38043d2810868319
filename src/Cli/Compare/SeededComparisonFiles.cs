using System.Globalization;
using System.Text;
using System.Text.Json;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// The comparison for programs, every run kept: <c>comparison.csv</c> (a row per optimizer, seed
/// and epoch) and <c>comparison.json</c> (the setup, each optimizer's tuning grid, its summary over
/// the seeds, its per-epoch means and standard deviations, and every seed's epochs).
/// </summary>
public static class SeededComparisonFiles
{
    public const string CsvName = "comparison.csv", JsonName = "comparison.json";

    public static void WriteCsv(IReadOnlyList<OptimizerRuns> results, string path)
    {
        var text = new StringBuilder("optimizer,lr,lr_source,seed,hyperparameters,epoch,train_loss,test_loss,test_accuracy,seconds\n");
        foreach (var r in results)
        {
            foreach (var run in r.Runs)
            {
                foreach (var e in run.Result.Epochs)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{r.Optimizer},{R(r.Hyperparameters.Lr)},{r.LrSource},{run.Seed},\"{HyperparameterText.Describe(r.Hyperparameters)}\",{e.Epoch}");
                    foreach (double value in new[] { e.TrainLoss, e.TestLoss, e.TestAccuracy, e.Seconds }) text.Append(',').Append(R(value));
                    text.Append('\n');
                }
            }
        }
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static void WriteJson(IReadOnlyList<OptimizerRuns> results, ComparisonSetup setup, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("problem", setup.Problem);
            json.WriteString("model", setup.Model);
            json.WriteString("data", setup.Data);
            json.WriteNumber("epochs", setup.Epochs);
            json.WriteNumber("batch_size", setup.BatchSize);
            json.WriteString("impl", setup.Implementation);
            json.WriteStartArray("seeds");
            foreach (int seed in setup.Seeds) json.WriteNumberValue(seed);
            json.WriteEndArray();
            if (setup.Tuning is { } tuning)
            {
                json.WriteStartObject("tuning");
                json.WriteString("grid", tuning.Grid is { } grid ? string.Join(",", grid.Select(R)) : "around each optimizer's lr-find suggestion (minimum / 10), x 10^{-1,-0.5,0,0.5,1}; the fixed grid 1e-4..1 where the range test shows no clear descent");
                json.WriteNumber("epochs_per_point", tuning.Epochs);
                json.WriteString("scored_on", "validation split of the training set (1/5); the test set is not used");
                json.WriteEndObject();
            }
            json.WriteStartArray("optimizers");
            foreach (var (rank, r) in SeededComparisonReport.Ranked(results, setup.Objective))
            {
                json.WriteStartObject();
                json.WriteString("optimizer", r.Optimizer);
                json.WriteNumber("rank", rank);
                json.WriteNumber("lr", r.Hyperparameters.Lr);
                json.WriteString("lr_source", r.LrSource);
                json.WriteString("hyperparameters", HyperparameterText.Describe(r.Hyperparameters));
                if (r.Tuning is { } tuned) WriteTuning(json, tuned);
                WriteStats(json, "final_test_accuracy", r.FinalAccuracy);
                WriteStats(json, "best_test_accuracy", r.BestAccuracy);
                WriteStats(json, "final_test_loss", r.FinalLoss);
                json.WriteNumber("seconds_per_seed", r.Seconds);
                json.WriteStartArray("mean_epochs");
                var accuracy = r.PerEpoch(e => e.TestAccuracy);
                var testLoss = r.PerEpoch(e => e.TestLoss);
                var trainLoss = r.PerEpoch(e => e.TrainLoss);
                for (int i = 0; i < accuracy.Length; i++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("epoch", i + 1);
                    WriteStats(json, "train_loss", trainLoss[i]);
                    WriteStats(json, "test_loss", testLoss[i]);
                    WriteStats(json, "test_accuracy", accuracy[i]);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("runs");
                foreach (var run in r.Runs)
                {
                    json.WriteStartObject();
                    json.WriteNumber("seed", run.Seed);
                    json.WriteStartArray("epochs");
                    foreach (var e in run.Result.Epochs)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("epoch", e.Epoch);
                        Number(json, "train_loss", e.TrainLoss);
                        Number(json, "test_loss", e.TestLoss);
                        Number(json, "test_accuracy", e.TestAccuracy);
                        json.WriteNumber("seconds", e.Seconds);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static void WriteTuning(Utf8JsonWriter json, LrTuningResult tuned)
    {
        json.WriteStartObject("tuning");
        if (tuned.Suggestion is { } s) json.WriteNumber("lr_find_suggestion", s);
        json.WriteStartArray("grid");
        foreach (var p in tuned.Grid)
        {
            json.WriteStartObject();
            json.WriteNumber("lr", p.Lr);
            Number(json, "validation_loss", p.ValidationLoss);
            Number(json, "validation_accuracy", p.ValidationAccuracy);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("chosen_lr", tuned.ChosenLr);
        json.WriteString("note", tuned.Note);
        json.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter json, string name, MeanStd stats)
    {
        json.WriteStartObject(name);
        Number(json, "mean", stats.Mean);
        Number(json, "std", stats.Std);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>What a comparison ran, for its JSON file.</summary>
public sealed record ComparisonSetup(string Problem, string Model, string Data, int Epochs, int BatchSize, string Implementation, IReadOnlyList<int> Seeds, LrTuningRequest? Tuning, Objective Objective);
