using System.Buffers.Binary;
using Tensorboard;

namespace AdaptiveLR.EndToEnd;

/// <summary>Reads a TensorBoard event file: TFRecord framing (length, CRCs) around Event protobufs.</summary>
public static class TensorBoardEvents
{
    public sealed record Value(long Step, string Tag, bool IsHistogram);

    public static List<Value> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new List<Value>();
        int position = 0;
        while (position < bytes.Length)
        {
            long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position));
            position += 8 + 4;
            var record = Event.Parser.ParseFrom(bytes, position, (int)length);
            position += (int)length + 4;
            if (record.Summary is null) continue;
            values.AddRange(record.Summary.Value.Select(v => new Value(record.Step, v.Tag, v.Histo is not null)));
        }
        return values;
    }
}
