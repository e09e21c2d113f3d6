using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// <summary>`edgelearn train --algo bep` end to end on a small clustered IDX data set (8x8 images, 4 classes).</summary>
[TestClass]
public sealed class EquilibriumPropagationCommandTests
{
    private static TempDirectory WriteClusters() => SyntheticClusters.WriteIdxSet(300, 240, 51); // 240 train, 60 test

    private static (int Code, string Err, JsonElement Report) Train(TempDirectory dir, params string[] extra)
    {
        string report = dir.Combine("report.json");
        File.Delete(report);
        var args = new System.Collections.Generic.List<string> { "train", "--algo", "bep", "--data", "idx", "--data-dir", dir.Path, "--quiet", "--report", report };
        args.AddRange(extra);
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args.ToArray(), Program.CreateRegistry(), new StringWriter(), error);
        JsonElement root = File.Exists(report) ? JsonDocument.Parse(File.ReadAllText(report)).RootElement.Clone() : default;
        return (code, error.ToString(), root);
    }

    private static double[] Doubles(JsonElement array)
    {
        var values = new double[array.GetArrayLength()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = array[i].GetDouble();
        }

        return values;
    }

    [TestMethod]
    public void BinaryActivations_DefaultsAreTheBinWNRecipeAndGivenOptionsWin()
    {
        using var dir = WriteClusters();

        var (code, error, r) = Train(dir, "--activations", "binary", "--arch", "64-32-40");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(2.0, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(20, r.GetProperty("free_steps").GetInt32());
        Assert.AreEqual(10, r.GetProperty("nudged_steps").GetInt32());
        CollectionAssert.AreEqual(new[] { 3.0, 1.0 }, Doubles(r.GetProperty("alpha_scale")), "binary activations keep the input layer's scale of 3 (84.77 % against 83.33 % after 2 Fashion-MNIST epochs at 784-1024-100)");

        (code, error, r) = Train(dir, "--activations", "binary", "--arch", "64-32-40", "--beta", "0.5", "--free-steps", "7");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(0.5, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(7, r.GetProperty("free_steps").GetInt32());

        (code, error, r) = Train(dir, "--arch", "64-16-4");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(0.3, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(30, r.GetProperty("free_steps").GetInt32());
        CollectionAssert.AreEqual(new[] { 3.0, 1.0 }, Doubles(r.GetProperty("alpha_scale")));
    }

    [TestMethod]
    public void TauSchedule_ReportedWhenUsedAndRefusedForS8Weights()
    {
        using var dir = WriteClusters();

        var (code, error, r) = Train(dir, "--arch", "64-16-4", "--epochs", "3", "--tau-schedule", "2:2,3:4");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual("2:2,3:4", r.GetProperty("tau_schedule").GetString());
        Assert.AreEqual(3, r.GetProperty("train_accuracy_by_epoch").GetArrayLength());

        (code, error, _) = Train(dir, "--arch", "64-16-4", "--weights", "s8", "--tau-schedule", "2:2");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--tau-schedule");
    }

    [TestMethod]
    public void AlphaScale_ReachesTheReportAndTheImageAndBadValuesAreUsageErrors()
    {
        using var dir = WriteClusters();
        string image = dir.Combine("model.elmi");

        var (code, error, r) = Train(dir, "--arch", "64-16-4", "--alpha-scale", "3,1", "--out", image);
        Assert.AreEqual(ExitCodes.Success, code, error);
        CollectionAssert.AreEqual(new[] { 3.0, 1.0 }, Doubles(r.GetProperty("alpha_scale")));
        byte[] bytes = File.ReadAllBytes(image);
        Assert.IsTrue(EquilibriumPropagationImage.TryRead(bytes, 0, bytes.Length, ImageLimits.Default, out EquilibriumPropagationModel model, out _));
        Assert.AreEqual(3 * 2048, model.Network.AlphaQ15[0], "fan-in 64: the default alpha 1/16 is 2048 in Q0.15");
        Assert.AreEqual(EquilibriumPropagationSettings.AlphaQ15(16), model.Network.AlphaQ15[1]);

        (code, error, _) = Train(dir, "--arch", "64-16-4", "--alpha-scale", "0");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "AlphaScale");

        (code, error, _) = Train(dir, "--arch", "64-16-4", "--alpha-scale", "20");
        Assert.AreEqual(ExitCodes.Usage, code, "alpha 20/16 is above 1");
        StringAssert.Contains(error, "alpha scale 20");
    }
}
