using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using AsyncRL.Cli.Sweep.Plotting;
using AsyncRL.Cli.Sweep.Results;
using static AsyncRL.Cli.Tests.Sweep.SweepStatisticsTests;

namespace AsyncRL.Cli.Tests.Sweep;

public sealed class PlotTests
{
    [Fact]
    public void Crc32_CheckValue()
    {
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32("123456789"u8));
    }

    [Fact]
    public void Encode_WritesSignatureIhdrAndPixelsThatDecodeBack()
    {
        var rgba = new byte[3 * 2 * 4];
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)(i * 7);

        var png = Png.Read(PngEncoder.Encode(3, 2, rgba));

        Assert.Equal((3, 2, 8, 6), (png.Width, png.Height, png.BitDepth, png.ColorType));
        Assert.Equal(rgba, png.Pixels);
    }

    [Fact]
    public void Encode_WrongBufferSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(2, 2, new byte[15]));
    }

    [Fact]
    public void ScoreVsN_Png_HasItsSizeAndDrawsEachAlgorithmInItsColour()
    {
        var cells = SweepStatistics.Cells([Row("ppo", 1, 1, 400), Row("ppo", 1, 2, 300), Row("ppo", 4, 1, 100), Row("dqn", 1, 1, 50), Row("dqn", 4, 1, 60, sft: 20)], ["ppo", "dqn"]);
        var canvas = new RasterCanvas(1000, 620);

        ChartRenderer.Render(SweepPlots.ScoreVsN(cells, "cartpole"), canvas);
        var png = Png.Read(canvas.ToPng());

        Assert.Equal((1000, 620), (png.Width, png.Height));
        Assert.True(png.Count(Palette.Color(0)) > 500, "the first algorithm's line and markers are missing");
        Assert.True(png.Count(Palette.Color(1)) > 500, "the second algorithm's line and markers are missing");
        Assert.True(png.Count(Rgba.Black) > 200, "no text");
        Assert.True(png.DistinctColours() > 20, "a blank or flat image");
    }

    [Fact]
    public void ScoreVsKl_NoKl_StillDrawsAxesAndTheNote()
    {
        var canvas = new RasterCanvas(600, 400);

        ChartRenderer.Render(SweepPlots.ScoreVsKl([Row("ppo", 1, 1, 400)], "cartpole"), canvas);
        var png = Png.Read(canvas.ToPng());

        Assert.True(png.Count(Rgba.Muted) > 100, "the 'no run reported' note is missing");
        Assert.True(png.Count(Rgba.White) < 600 * 400, "blank image");
    }

    [Fact]
    public void ScoreVsKl_OneMarkerColourPerN()
    {
        var results = new[] { Row("dpo", 1, 1, 0.5, kl: 1), Row("dpo", 1, 2, 0.6, kl: 1.5), Row("dpo", 8, 1, 0.3, kl: 4) };

        var chart = SweepPlots.ScoreVsKl(results, "arith");

        var means = chart.Series.Where(s => s.InLegend).ToList();
        Assert.Equal(["N = 1", "N = 8"], means.Select(s => s.Label));
        Assert.Equal(new ChartPoint(1.25, 0.55), Assert.Single(means[0].Points));
        Assert.NotEqual(means[0].Color, means[1].Color);
        Assert.Equal(2, chart.Series.Single(s => s.Label == "N = 1 runs").Points.Count);
    }

    [Fact]
    public void ScoreVsN_SftLevel_IsADashedReference()
    {
        var cells = SweepStatistics.Cells([Row("dpo", 1, 1, 0.5, sft: 0.25), Row("dpo", 2, 1, 0.4, sft: 0.25)], ["dpo"]);

        var chart = SweepPlots.ScoreVsN(cells, "arith");

        Assert.Equal(new ReferenceLevel("dpo SFT", 0.25, Palette.Color(0)), Assert.Single(chart.Levels));
        Assert.Equal([new ChartPoint(1, 0.5, 0.5, 0.5), new ChartPoint(2, 0.4, 0.4, 0.4)], chart.Series[0].Points);
    }

    [Fact]
    public void ScoreVsN_SharedSftLevel_IsOneLine()
    {
        var cells = SweepStatistics.Cells([Row("dpo", 1, 1, 0.5, sft: 0.25), Row("rloo", 1, 1, 0.4, sft: 0.25)], ["dpo", "rloo"]);

        var chart = SweepPlots.ScoreVsN(cells, "arith");

        Assert.Equal(new ReferenceLevel("SFT", 0.25, Rgba.Muted), Assert.Single(chart.Levels));
    }

    [Fact]
    public void Svg_IsWellFormedXml_WithTheTitleAsText()
    {
        var cells = SweepStatistics.Cells([Row("ppo", 1, 1, 400), Row("ppo", 2, 1, 300)], ["ppo"]);
        var svg = new SvgCanvas(1000, 620);

        ChartRenderer.Render(SweepPlots.ScoreVsN(cells, "a<b&c"), svg);
        var doc = XDocument.Parse(svg.ToSvg());

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", doc.Root!.Name);
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "Final score against N (a<b&c)");
        Assert.NotEmpty(doc.Descendants(ns + "line"));
    }

    [Fact]
    public void BitmapFont_EveryPrintableCharacterHasPixels_AndLookalikesDiffer()
    {
        for (char c = '!'; c <= '~'; c++)
        {
            char glyph = c;
            Assert.True(Enumerable.Range(0, BitmapFont.Height).Any(y => Enumerable.Range(0, BitmapFont.Width).Any(x => BitmapFont.IsSet(glyph, x, y))), $"'{c}' is empty");
        }
        Assert.NotEqual(Pixels('0'), Pixels('O'));
        Assert.NotEqual(Pixels('1'), Pixels('l'));
        Assert.NotEqual(Pixels(':'), Pixels(';'));
        Assert.True(Pixels('p').Skip(7 * BitmapFont.Width).Any(b => b), "p has no descender");
    }

    [Fact]
    public void AxisTicks_NiceStepsAndPowersOfTwo()
    {
        var (ticks, step) = AxisTicks.Linear(0.3, 9.7);
        Assert.Equal(2.0, step);
        Assert.Equal([2.0, 4.0, 6.0, 8.0], ticks);
        Assert.Equal([0, 1, 2, 3, 4, 5], AxisTicks.Log2Exponents(1, 32));
        Assert.Equal("0.25", AxisTicks.Label(0.25, 0.05));
    }

    private static bool[] Pixels(char c) =>
        [.. Enumerable.Range(0, BitmapFont.Height).SelectMany(y => Enumerable.Range(0, BitmapFont.Width).Select(x => BitmapFont.IsSet(c, x, y)))];

    /// <summary>A PNG read back the way a viewer would: chunks and CRCs checked, IDAT inflated, filter-0 rows.</summary>
    private sealed record Png(int Width, int Height, int BitDepth, int ColorType, byte[] Pixels)
    {
        public static Png Read(byte[] file)
        {
            Assert.Equal(PngEncoder.Signature.ToArray(), file[..8]);
            int at = 8;
            (int w, int h, int depth, int type) = (0, 0, 0, 0);
            using var idat = new MemoryStream();
            bool ended = false;
            while (at < file.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                string kind = Encoding.ASCII.GetString(file, at + 4, 4);
                var data = file.AsSpan(at + 8, length);
                Assert.Equal(PngEncoder.Crc32(file.AsSpan(at + 4, 4 + length)), BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length)));
                if (kind == "IHDR")
                {
                    Assert.Equal(8, at);
                    (w, h, depth, type) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]), data[8], data[9]);
                }
                if (kind == "IDAT") idat.Write(data);
                if (kind == "IEND") ended = true;
                at += 12 + length;
            }
            Assert.True(ended, "no IEND");
            idat.Position = 0;
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            using var raw = new MemoryStream();
            zlib.CopyTo(raw);
            var rows = raw.ToArray();
            Assert.Equal(h * (1 + w * 4), rows.Length);
            var pixels = new byte[w * h * 4];
            for (int y = 0; y < h; y++)
            {
                Assert.Equal(0, rows[y * (1 + w * 4)]);
                Array.Copy(rows, y * (1 + w * 4) + 1, pixels, y * w * 4, w * 4);
            }
            return new Png(w, h, depth, type, pixels);
        }

        public int Count(Rgba c)
        {
            int n = 0;
            for (int i = 0; i < Pixels.Length; i += 4)
                if (Pixels[i] == c.R && Pixels[i + 1] == c.G && Pixels[i + 2] == c.B) n++;
            return n;
        }

        public int DistinctColours()
        {
            var set = new HashSet<int>();
            for (int i = 0; i < Pixels.Length; i += 4) set.Add(Pixels[i] << 16 | Pixels[i + 1] << 8 | Pixels[i + 2]);
            return set.Count;
        }
    }
}
