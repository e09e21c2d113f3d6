using System.IO;
using System.Text.Json.Nodes;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.ExtremeLearning;

[TestClass]
public sealed class ExtremeLearningCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, Program.CreateRegistry(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    // 8x8 images of two classes: the bright half is the left (class 0) or the right (class 1), with noise.
    private static void WriteTwoHalves(string dir, int train, int test)
    {
        byte Pixel(int image, int p, int salt)
        {
            int label = image % 2;
            bool bright = (p % 8 < 4) == (label == 0);
            int noise = ((image * 131) + (p * 17) + salt) % 60;
            return (byte)((bright ? 180 : 20) + noise);
        }

        byte[] Labels(int n)
        {
            var l = new byte[n];
            for (int i = 0; i < n; i++)
            {
                l[i] = (byte)(i % 2);
            }

            return l;
        }

        IdxFiles.WriteSet(
            dir,
            gzip: false,
            IdxFiles.Images(train, 8, 8, (i, p) => Pixel(i, p, 0)),
            IdxFiles.Labels(Labels(train)),
            IdxFiles.Images(test, 8, 8, (i, p) => Pixel(i, p, 7)),
            IdxFiles.Labels(Labels(test)));
    }

    [TestMethod]
    public void TrainElm_SmallImageSet_ReportsBothLayersAndTheOracle()
    {
        using var dir = new TempDirectory();
        WriteTwoHalves(dir.Path, 400, 100);
        string report = dir.Combine("elm.json");
        var (code, output, error) = Run("train", "--algo", "elm", "--data", "idx", "--data-dir", dir.Path, "--arch", "64-16-2", "--epochs", "2",
            "--elm-calibration", "64", "--elm-shuffle-tones", "--oracle", "--report", report, "--quiet");
        Assert.AreEqual(ExitCodes.Success, code, output + error);
        StringAssert.Contains(output, "MTJ-array features: test accuracy");
        StringAssert.Contains(output, "software random features: test accuracy");
        StringAssert.Contains(output, "float64 readout on the MTJ features");
        JsonNode r = JsonNode.Parse(File.ReadAllText(report))!;
        Assert.AreEqual("elm", (string?)r["algo"]);
        Assert.AreEqual("64-16-2", (string?)r["arch"]);
        Assert.AreEqual(400, (long)r["train_samples"]!);
        Assert.IsTrue((double)r["test_accuracy"]! >= 0.9, $"MTJ features {(double)r["test_accuracy"]!}");
        Assert.IsTrue((double)r["software_test_accuracy"]! >= 0.9, $"software features {(double)r["software_test_accuracy"]!}");
        Assert.IsNotNull(r["oracle"]?["test_accuracy"]);
        Assert.AreEqual(0, (long)r["faulty_frames"]!);
        Assert.IsTrue((bool)r["shuffled_tones"]!);
    }

    [TestMethod]
    public void TrainElm_UnsupportedOptions_UsageErrors()
    {
        var (code, _, error) = Run("train", "--algo", "elm", "--out", "model.elmi");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--out: the elm readout has no model image format yet");

        (code, _, error) = Run("train", "--algo", "elm", "--batch", "8");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--batch: the elm readout learns one sample at a time");

        (code, _, error) = Run("train", "--algo", "elm", "--elm-rate-shift", "31");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--elm-rate-shift must be in [1, 30], was 31");
    }
}
