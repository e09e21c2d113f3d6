using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class ImageCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, new AlgorithmRegistry(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TestMethod]
    public void Export_InitInference_WritesImageCSharpAndResxThatVerify()
    {
        using var dir = new TempDirectory();
        string image = dir.Combine("net.elmi");

        var (code, output, error) = Run("export", "--init", "--arch", "20-9-4", "--inference", "--seed", "3", "--out", image, "--cs", dir.Combine("Net.cs"), "--namespace", "Device.Models", "--resx", dir.Combine("Resources.resx"));

        Assert.AreEqual(ExitCodes.Success, code, error);
        StringAssert.Contains(output, "bep 20-9-4 b1/q0.15, inference image");
        byte[] bytes = File.ReadAllBytes(image);
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(bytes, 0, bytes.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out _));
        Assert.IsFalse(model.HasLearnerState);
        Assert.AreEqual(3u, model.Settings.Seed);
        Assert.AreEqual(Math.Round(3.0 * EquilibriumPropagationSettings.AlphaQ15(20)), model.Network.AlphaQ15[0], "bep's default input-layer scale, as train uses");
        Assert.AreEqual(EquilibriumPropagationSettings.AlphaQ15(9), model.Network.AlphaQ15[1]);
        StringAssert.Contains(File.ReadAllText(dir.Combine("Net.cs")), "internal static class Net");

        Assert.AreEqual(ExitCodes.Success, Run("export", "--init", "--arch", "20-9-4", "--alpha-scale", "1.5,2", "--out", image, "--quiet").Code);
        bytes = File.ReadAllBytes(image);
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(bytes, 0, bytes.Length, ImageLimits.Default, out model, out _));
        Assert.AreEqual(Math.Round(1.5 * EquilibriumPropagationSettings.AlphaQ15(20)), model.Network.AlphaQ15[0]);
        Assert.AreEqual(Math.Round(2.0 * EquilibriumPropagationSettings.AlphaQ15(9)), model.Network.AlphaQ15[1]);
        StringAssert.Contains(File.ReadAllText(dir.Combine("Resources.resx")), "<value>net.elmi;System.Byte[]");
        Assert.AreEqual(ExitCodes.Success, Run("verify", image).Code);
    }

    [TestMethod]
    public void Export_FullImageWithInference_StripsLearnerStateOnly()
    {
        using var dir = new TempDirectory();
        var learner = TestImages.Learner(seed: 8);
        string full = dir.Combine("full.elmi");
        ModelImageFiles.Write(full, learner.Network, learner.Settings, learner, ModelImageFiles.CreateMetadata(data: "x"));

        var (code, _, error) = Run("export", full, "--inference", "--out", dir.Combine("small.elmi"), "--quiet");

        Assert.AreEqual(ExitCodes.Success, code, error);
        CollectionAssert.AreEqual(EquilibriumPropagationImage.WriteInference(learner.Network, learner.Settings, ModelImageFiles.CreateMetadata(data: "x")), File.ReadAllBytes(dir.Combine("small.elmi")));
    }

    [TestMethod]
    public void Export_UsageErrors_ExitTwo()
    {
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init").Code, "no output");
        Assert.AreEqual(ExitCodes.Usage, Run("export", "a.elmi", "--init", "--out", "b.elmi").Code, "both sources");
        Assert.AreEqual(ExitCodes.Usage, Run("export", "a.elmi", "--arch", "4-2", "--out", "b.elmi").Code, "--arch without --init");
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init", "--cs", "x.cs", "--class", "class").Code, "keyword class name");
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init", "--accumulator-bits", "12", "--out", "b.elmi").Code);
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init", "--arch", "20-9-5", "--neurons-per-class", "2", "--out", "b.elmi").Code);
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init", "--alpha-scale", "0", "--out", "b.elmi").Code);
        Assert.AreEqual(ExitCodes.Usage, Run("export", "--init", "--alpha-scale", "40", "--out", "b.elmi").Code, "alpha above 1");
        Assert.AreEqual(ExitCodes.Usage, Run("export", "a.elmi", "--alpha-scale", "2", "--out", "b.elmi").Code, "--alpha-scale without --init");
    }

    [TestMethod]
    public void Verify_CorruptImage_ExitsOneNamingCheckAndOffset()
    {
        using var dir = new TempDirectory();
        byte[] bytes = TestImages.Inference();
        bytes[100] ^= 0x10;
        string path = dir.Combine("bad.elmi");
        File.WriteAllBytes(path, bytes);

        var (code, _, error) = Run("verify", path);

        Assert.AreEqual(ExitCodes.Failure, code);
        StringAssert.Contains(error, $"bad.elmi: invalid: ImageCrcMismatch at offset {bytes.Length - 4}");
        Assert.AreEqual(ExitCodes.Failure, Run("verify", dir.Combine("missing.elmi")).Code);
    }

    [TestMethod]
    public void Inspect_Json_DescribesSectionsRecordsAndValidity()
    {
        using var dir = new TempDirectory();
        var learner = TestImages.Learner(seed: 8);
        string path = dir.Combine("full.elmi");
        byte[] bytes = ModelImageFiles.Write(path, learner.Network, learner.Settings, learner, ModelImageFiles.CreateMetadata(data: "x", testAccuracy: 0.25));

        var (code, output, error) = Run("inspect", path, "--json");

        Assert.AreEqual(ExitCodes.Success, code, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.IsTrue(root.GetProperty("valid").GetBoolean());
        Assert.AreEqual(bytes.Length, root.GetProperty("image_bytes").GetInt32());
        Assert.AreEqual(ModelImageFiles.Sha256Hex(bytes), root.GetProperty("sha256").GetString());
        Assert.AreEqual("full", root.GetProperty("image_kind").GetString());
        Assert.AreEqual("16-12-4", root.GetProperty("arch").GetString());
        Assert.AreEqual(TestImages.Parse(bytes).SectionCount, root.GetProperty("sections").GetArrayLength());
        Assert.AreEqual(16, root.GetProperty("hyperparameters").GetProperty("accumulator_bits").GetInt32());
        Assert.AreEqual(learner.SamplesSeen, root.GetProperty("counters").GetProperty("samples_seen").GetInt64());
        Assert.AreEqual(0.25, root.GetProperty("metadata").GetProperty("test_accuracy").GetDouble());
    }

    [TestMethod]
    public void Inspect_Text_ListsSectionsAndInvalidImageExitsOne()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("m.elmi");
        byte[] bytes = TestImages.Inference();
        File.WriteAllBytes(path, bytes);

        var (code, output, _) = Run("inspect", path);
        Assert.AreEqual(ExitCodes.Success, code);
        StringAssert.Contains(output, "m.elmi: valid");
        StringAssert.Contains(output, "WEIGHTS_B1");
        StringAssert.Contains(output, "free_steps");

        File.WriteAllBytes(path, bytes[..^4]);
        (code, output, _) = Run("inspect", path);
        Assert.AreEqual(ExitCodes.Failure, code);
        StringAssert.Contains(output, "invalid: Truncated");
    }

    [TestMethod]
    public void Eval_ImageOnIdxData_PrintsAndReportsTheAccuracyOfTheImage()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: false);
        string image = dir.Combine("m.elmi");
        Assert.AreEqual(ExitCodes.Success, Run("export", "--init", "--arch", "6-8-4", "--free-steps", "8", "--seed", "2", "--out", image, "--quiet").Code);
        string report = dir.Combine("report.json");

        var (code, output, error) = Run("eval", "--model", image, "--data", "idx", "--data-dir", dir.Path, "--report", report, "--quiet");

        Assert.AreEqual(ExitCodes.Success, code, error);
        // Independent count: load the image and classify the three test samples of IdxFiles.WriteSet.
        byte[] bytes = File.ReadAllBytes(image);
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(bytes, 0, bytes.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out _));
        var engine = new EquilibriumPropagationInference(model.Network, 8, KernelSet.Reference);
        byte[] labels = { 2, 0, 1 };
        int correct = 0;
        for (int i = 0; i < 3; i++)
        {
            var x = new short[6];
            for (int p = 0; p < 6; p++)
            {
                x[p] = FixedPoint.UnitByteToQ15((byte)(100 + 10 * i + p));
            }

            correct += engine.Predict(x, 0) == labels[i] ? 1 : 0;
        }

        StringAssert.Contains(output, $"({correct} / 3)");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var root = json.RootElement;
        Assert.AreEqual("eval", root.GetProperty("command").GetString());
        Assert.AreEqual("bep", root.GetProperty("algo").GetString());
        Assert.AreEqual("6-8-4", root.GetProperty("arch").GetString());
        Assert.AreEqual(3, root.GetProperty("test_samples").GetInt32());
        Assert.AreEqual(correct / 3.0, root.GetProperty("test_accuracy").GetDouble(), 1e-12);
        Assert.AreEqual(bytes.Length, root.GetProperty("model_image_bytes").GetInt32());
        Assert.AreEqual(ModelImageFiles.Sha256Hex(bytes), root.GetProperty("model_sha256").GetString());
        Assert.AreEqual(0, root.GetProperty("memory_bytes").GetProperty("learner_state").GetInt32());
    }

    [TestMethod]
    public void Eval_ImageThatDoesNotFitTheData_ExitsTwo()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: false);
        string image = dir.Combine("m.elmi");
        Run("export", "--init", "--arch", "7-8-4", "--out", image, "--quiet");

        var (code, _, error) = Run("eval", "--model", image, "--data", "idx", "--data-dir", dir.Path);

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "7-8-4");
    }
}
