using System.Globalization;
using System.Text;
using AsyncRL.Models.Checkpoints;
using static AsyncRL.Models.Tests.Checkpoints.SafeTensorsBytes;

namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>
/// Seeded fuzzing of the reader: whatever the bytes, Load either succeeds with a consistent result
/// or throws <see cref="CheckpointFormatException"/> — never another exception, a hang or a huge allocation.
/// </summary>
public sealed class SafeTensorsFuzzTests
{
    private static readonly string[] s_dtypes = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "U16", "U32", "U64", "BOOL"];

    [Fact]
    public void Load_RandomTruncationsAndExtensions_OnlyFailCleanly()
    {
        var rng = new Random(20261121);
        var outcomes = new Outcomes();
        for (int i = 0; i < 2000; i++)
        {
            var valid = RandomValidFile(rng);
            var damaged = rng.Next(4) == 0
                ? [.. valid, .. RandomBytes(rng, 1 + rng.Next(16))]
                : valid.AsSpan(0, rng.Next(valid.Length)).ToArray();
            outcomes.Record(i, damaged);
        }
        Assert.Equal(0, outcomes.Successes); // a truncated or extended file can never tile exactly
    }

    [Fact]
    public void Load_RandomByteFlips_OnlyFailCleanly()
    {
        var rng = new Random(4242);
        var outcomes = new Outcomes();
        for (int i = 0; i < 4000; i++)
        {
            var bytes = RandomValidFile(rng);
            int headerEnd = 8 + (int)BitConverter.ToUInt64(bytes, 0);
            for (int flips = 1 + rng.Next(4); flips > 0; flips--)
            {
                // Mostly the header: flips in the data area only change values, which is not an error.
                int at = rng.Next(3) == 0 ? rng.Next(bytes.Length) : rng.Next(Math.Min(headerEnd, bytes.Length));
                bytes[at] = rng.Next(2) == 0 ? (byte)(bytes[at] ^ (1 << rng.Next(8))) : (byte)rng.Next(256);
            }
            outcomes.Record(i, bytes);
        }
        Assert.True(outcomes.Failures > 1000 && outcomes.Successes > 40, outcomes.ToString());
    }

    [Fact]
    public void Load_RandomHeaders_OnlyFailCleanly()
    {
        var rng = new Random(777);
        var outcomes = new Outcomes();
        for (int i = 0; i < 4000; i++)
        {
            var (header, dataLength) = RandomHeader(rng);
            outcomes.Record(i, Build(Encoding.UTF8.GetBytes(header), RandomBytes(rng, dataLength)));
        }
        Assert.True(outcomes.Failures > 1000 && outcomes.Successes > 100, outcomes.ToString());
    }

    private sealed class Outcomes
    {
        public int Successes { get; private set; }

        public int Failures { get; private set; }

        public void Record(int caseIndex, byte[] bytes)
        {
            SafeTensorsFile file;
            try
            {
                file = Load(bytes);
            }
            catch (CheckpointFormatException)
            {
                Failures++;
                return;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {caseIndex}: {e.GetType().Name} escaped the reader: {e.Message}\nbytes: {Convert.ToBase64String(bytes)}");
                return;
            }
            Successes++;
            // A file that loads accounts for every data byte exactly once.
            long headerEnd = 8 + (long)BitConverter.ToUInt64(bytes, 0);
            long covered = file.DTypes.Sum(p => ElementCount(file, p.Key) * ElementSize(p.Value));
            Assert.True(covered == bytes.Length - headerEnd, $"case {caseIndex}: tensors cover {covered} of {bytes.Length - headerEnd} data bytes");
        }

        public override string ToString() => $"{Successes} loaded, {Failures} rejected";

        private static long ElementCount(SafeTensorsFile file, string name) =>
            file.Tensors.TryGetValue(name, out var t) ? t.Size : file.Integers[name].Values.Length;

        private static int ElementSize(SafeTensorsDType dtype) => dtype switch
        {
            SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8 => 1,
            SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
            SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
            _ => 8,
        };
    }

    /// <summary>A well-formed file with a few tensors of mixed dtypes, laid out as the reference writer does.</summary>
    private static byte[] RandomValidFile(Random rng)
    {
        var entries = new List<string>();
        var data = new List<byte>();
        for (int t = rng.Next(5); t >= 0; t--)
        {
            var dtype = s_dtypes[rng.Next(s_dtypes.Length)];
            var shape = Enumerable.Range(0, rng.Next(4)).Select(_ => rng.Next(4)).ToArray();
            int bytes = shape.Aggregate(1, (a, b) => a * b) * SizeOf(dtype);
            entries.Add(Entry($"t{t}", dtype, shape, data.Count, data.Count + bytes));
            // U64 values with the top bit set are rejected by design; keep them in range here.
            data.AddRange(RandomBytes(rng, bytes).Select((b, k) => dtype == "U64" && k % 8 == 7 ? (byte)(b & 0x7F) : b));
        }
        if (rng.Next(2) == 0) entries.Insert(0, "\"__metadata__\":{\"format\":\"pt\",\"n\":\"" + rng.Next() + "\"}");
        var header = "{" + string.Join(',', entries) + "}";
        return Build(header.PadRight((header.Length + 7) / 8 * 8), [.. data]);
    }

    /// <summary>Headers from a grammar mixing valid pieces with every kind of wrong one.</summary>
    private static (string Header, int DataLength) RandomHeader(Random rng)
    {
        var sb = new StringBuilder("{");
        long offset = 0;
        int count = rng.Next(5);
        for (int t = 0; t < count; t++)
        {
            if (t > 0) sb.Append(',');
            var name = rng.Next(10) == 0 ? "t0" : rng.Next(20) == 0 ? "__metadata__" : $"t{t}";
            var dtype = rng.Next(8) == 0 ? Pick(rng, "F8_E5M2", "f32", "", "X") : s_dtypes[rng.Next(s_dtypes.Length)];
            var shape = Enumerable.Range(0, rng.Next(6)).Select(_ => rng.Next(4)).ToArray();
            long bytes = shape.Aggregate(1L, (a, b) => a * b) * (s_dtypes.Contains(dtype) ? SizeOf(dtype) : 4);
            string shapeJson = rng.Next(10) == 0
                ? Pick(rng, "[-1]", "[1.5]", "[\"2\"]", "[[2]]", "{}", "null", "[4294967296]", "[2147483647,2147483647,2147483647]", "[9223372036854775807]")
                : "[" + string.Join(',', shape) + "]";
            long begin = rng.Next(8) == 0 ? offset + rng.Next(-4, 5) : offset;
            long end = rng.Next(8) == 0 ? begin + rng.Next(-4, 9) : begin + bytes;
            string offsetsJson = rng.Next(12) == 0
                ? Pick(rng, "[0]", "[0,1,2]", "[-1,3]", "[1e3,2e3]", "\"0,4\"", "[18446744073709551615,0]", "[0,18446744073709551616]")
                : $"[{begin.ToString(CultureInfo.InvariantCulture)},{end.ToString(CultureInfo.InvariantCulture)}]";
            var fields = new List<string> { $"\"dtype\":\"{dtype}\"", $"\"shape\":{shapeJson}", $"\"data_offsets\":{offsetsJson}" };
            if (rng.Next(10) == 0) fields.RemoveAt(rng.Next(fields.Count));
            if (rng.Next(10) == 0) fields.Add(fields[rng.Next(fields.Count)]);
            if (rng.Next(10) == 0) fields.Add("\"extra\":" + Pick(rng, "1", "[1,[2]]", "{\"a\":null}", "\"s\""));
            sb.Append('"').Append(name).Append("\":{").AppendJoin(',', fields.OrderBy(_ => rng.Next())).Append('}');
            offset = Math.Max(offset, end);
        }
        if (rng.Next(4) == 0)
            sb.Append(count > 0 ? "," : "").Append("\"__metadata__\":").Append(Pick(rng, "{\"a\":\"b\"}", "{\"a\":1}", "null", "[]", "{\"a\":\"1\",\"a\":\"2\"}"));
        sb.Append('}');
        if (rng.Next(8) == 0) sb.Append(Pick(rng, "   ", "\n", " x", "}", "\0"));
        var header = sb.ToString();
        if (rng.Next(10) == 0) header = header.Remove(rng.Next(header.Length), 1); // break the syntax
        int dataLength = (int)Math.Clamp(offset + (rng.Next(6) == 0 ? rng.Next(-3, 4) : 0), 0, 1 << 16);
        return (header, dataLength);
    }

    private static int SizeOf(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        _ => 1,
    };

    private static string Pick(Random rng, params string[] options) => options[rng.Next(options.Length)];

    private static byte[] RandomBytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }
}
