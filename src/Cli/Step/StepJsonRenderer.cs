using System.Collections.Immutable;
using System.Text.Json;
using AdaptiveLR.Cli.Output;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// The trajectory as JSON Lines for programs: one object per step with <c>step</c> (1-based),
/// <c>x</c> after the step, <c>grad</c>, <c>lr</c>, <c>state</c> (named quantities after the step),
/// <c>scalars</c> (staged algorithms' group and tensor scalars: Prodigy's d, LAMB's trust_ratio, …),
/// <c>update</c>, <c>effective_lr</c> and, for a function, <c>loss</c>. A scalar problem gives numbers,
/// a vector problem arrays; a non-finite number is null (<see cref="JsonNumbers"/>).
/// </summary>
public static class StepJsonRenderer
{
    public static void Write(Trajectory trajectory, TextWriter output)
    {
        var buffer = new MemoryStream();
        foreach (var row in trajectory.Rows())
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("optimizer", trajectory.Hyperparameters.Algorithm);
                json.WriteNumber("step", row.Step);
                WriteValues(json, "x", row.X);
                WriteValues(json, "grad", row.Gradient);
                JsonNumbers.Write(json, "lr", row.LearningRate);
                json.WriteStartObject("state");
                foreach (var quantity in row.State.Quantities) WriteValues(json, quantity.Name, quantity.Values);
                json.WriteEndObject();
                if (!row.Scalars.IsEmpty)
                {
                    json.WriteStartObject("scalars");
                    foreach (var (name, value) in row.Scalars) JsonNumbers.Write(json, name, value);
                    json.WriteEndObject();
                }
                WriteValues(json, "update", row.Update);
                WriteValues(json, "effective_lr", row.EffectiveLearningRate);
                if (row.Loss is double loss) JsonNumbers.Write(json, "loss", loss);
                json.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
    }

    private static void WriteValues(Utf8JsonWriter json, string name, ImmutableArray<double> values)
    {
        if (values.Length == 1)
        {
            JsonNumbers.Write(json, name, values[0]);
            return;
        }
        json.WriteStartArray(name);
        foreach (double value in values) JsonNumbers.WriteValue(json, value);
        json.WriteEndArray();
    }
}
