using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
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

    [TestMethod]
    public void BinaryActivations_DefaultsAreTheBinWNRecipeAndGivenOptionsWin()
    {
        using var dir = WriteClusters();

        var (code, error, r) = Train(dir, "--activations", "binary", "--arch", "64-32-40");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(2.0, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(20, r.GetProperty("free_steps").GetInt32());
        Assert.AreEqual(10, r.GetProperty("nudged_steps").GetInt32());

        (code, error, r) = Train(dir, "--activations", "binary", "--arch", "64-32-40", "--beta", "0.5", "--free-steps", "7");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(0.5, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(7, r.GetProperty("free_steps").GetInt32());

        (code, error, r) = Train(dir, "--arch", "64-16-4");
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual(0.3, r.GetProperty("beta").GetDouble());
        Assert.AreEqual(30, r.GetProperty("free_steps").GetInt32());
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
}
