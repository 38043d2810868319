using System.Globalization;
using System.Text;
using System.Text.Json;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Train;

/// <summary>
/// <c>metrics.csv</c> (a row per epoch; effective learning-rate columns per layer) and
/// <c>metrics.json</c> (the run and its epochs), both rewritten atomically after every epoch.
/// </summary>
public static class MetricsFiles
{
    public const string CsvName = "metrics.csv", JsonName = "metrics.json";

    public static void Write(Trainer trainer, string folder)
    {
        AtomicFile.Write(Path.Combine(folder, CsvName), stream => stream.Write(Encoding.UTF8.GetBytes(Csv(trainer))));
        AtomicFile.Write(Path.Combine(folder, JsonName), stream => WriteJson(trainer, stream));
    }

    public static string Csv(Trainer trainer)
    {
        var layers = trainer.History.FirstOrDefault()?.EffectiveLearningRates.Select(l => l.Layer).ToArray() ?? [];
        var text = new StringBuilder("epoch,train_loss,test_loss,test_accuracy,seconds,data_seconds,lr,skipped_steps");
        foreach (string layer in layers) text.Append($",effective_lr_p10[{layer}],effective_lr_median[{layer}],effective_lr_p90[{layer}]");
        text.Append('\n');
        foreach (var epoch in trainer.History)
        {
            text.Append(epoch.Epoch.ToString(CultureInfo.InvariantCulture));
            foreach (double value in new[] { epoch.TrainLoss, epoch.TestLoss, epoch.TestAccuracy, epoch.Seconds, epoch.DataSeconds, epoch.LearningRate }) text.Append(',').Append(Number(value));
            text.Append(',').Append(epoch.SkippedSteps.ToString(CultureInfo.InvariantCulture));
            foreach (var layer in epoch.EffectiveLearningRates) text.Append($",{Number(layer.P10)},{Number(layer.Median)},{Number(layer.P90)}");
            text.Append('\n');
        }
        return text.ToString();
    }

    private static void WriteJson(Trainer trainer, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var plan = trainer.Plan;
        json.WriteStartObject();
        json.WriteString("model", Training.Models.ModelCatalog.Describe(plan.Model, trainer.Data));
        json.WriteString("optimizer", plan.Hyperparameters.Algorithm);
        json.WriteString("impl", plan.Implementation);
        json.WriteStartObject("hyperparameters");
        foreach (var (name, value) in HyperparameterText.Values(plan.Hyperparameters))
        {
            if (value is bool flag) json.WriteBoolean(name, flag);
            else if (value is int count) json.WriteNumber(name, count);
            else if (value is double number) JsonNumbers.Write(json, name, number);
            else json.WriteNull(name);
        }
        json.WriteEndObject();
        json.WriteString("schedule", trainer.Schedule.Description);
        json.WriteString("gradient_transformations", plan.TransformsDescription);
        json.WriteString("nonfinite", plan.NonFinite.ToString().ToLowerInvariant());
        json.WriteString("state_precision", StatePrecisionNames.Of(plan.StatePrecision));
        json.WriteNumber("seed", plan.Seed);
        json.WriteNumber("batch_size", plan.BatchSize);
        json.WriteString("data", trainer.Data.Description);
        json.WriteNumber("train_images", trainer.Data.Train.Count);
        json.WriteNumber("test_images", trainer.Data.Test.Count);
        JsonNumbers.Write(json, "data_load_seconds", trainer.Data.LoadTime.TotalSeconds);
        json.WriteStartArray("epochs");
        foreach (var epoch in trainer.History)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", epoch.Epoch);
            JsonNumbers.Write(json, "train_loss", epoch.TrainLoss);
            JsonNumbers.Write(json, "test_loss", epoch.TestLoss);
            JsonNumbers.Write(json, "test_accuracy", epoch.TestAccuracy);
            JsonNumbers.Write(json, "seconds", epoch.Seconds);
            JsonNumbers.Write(json, "data_seconds", epoch.DataSeconds);
            JsonNumbers.Write(json, "lr", epoch.LearningRate);
            json.WriteNumber("skipped_steps", epoch.SkippedSteps);
            json.WriteStartObject("effective_lr");
            foreach (var layer in epoch.EffectiveLearningRates)
            {
                json.WriteStartObject(layer.Layer);
                JsonNumbers.Write(json, "p10", layer.P10);
                JsonNumbers.Write(json, "median", layer.Median);
                JsonNumbers.Write(json, "p90", layer.P90);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
