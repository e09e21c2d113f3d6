using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// <summary>`edgelearn train --algo sdt` end to end on a small clustered IDX data set (8x8 images, 4 classes).</summary>
[TestClass]
public sealed class SelfDefinedTargetsCommandTests
{
    private static TempDirectory WriteClusters() => SyntheticClusters.WriteIdxSet(500, 400, 51); // 400 train, 100 test

    private static (int Code, string Out, string Err, JsonElement Report) Train(TempDirectory dir, params string[] extra)
    {
        string report = dir.Combine("report.json");
        var args = new System.Collections.Generic.List<string> { "train", "--algo", "sdt", "--data", "idx", "--data-dir", dir.Path, "--quiet", "--report", report };
        args.AddRange(extra);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args.ToArray(), Program.CreateRegistry(), output, error);
        JsonElement root = default;
        if (File.Exists(report))
        {
            root = JsonDocument.Parse(File.ReadAllText(report)).RootElement.Clone();
        }

        return (code, output.ToString(), error.ToString(), root);
    }

    [TestMethod]
    public void Unsupervised_DeltaRuleWithOracleAndProbe_ReportsControlProbeAndOracle()
    {
        using var dir = WriteClusters();

        var (code, output, error, r) = Train(dir, "--arch", "64-16", "--winners", "2", "--epochs", "4", "--lr", "0.01", "--bias-lr", "0.01", "--oracle", "--probe-epochs", "3");

        Console.WriteLine(output);
        Assert.AreEqual(ExitCodes.Success, code, error);
        StringAssert.Contains(output, "untrained control");
        Assert.AreEqual("sdt", r.GetProperty("algo").GetString());
        Assert.AreEqual("direct_association", r.GetProperty("evaluation").GetString());
        Assert.AreEqual("s16", r.GetProperty("weights").GetString());
        Assert.AreEqual(0, r.GetProperty("labels").GetInt32());
        double trained = r.GetProperty("test_accuracy").GetDouble();
        double control = r.GetProperty("control_test_accuracy").GetDouble();
        double oracle = r.GetProperty("oracle").GetProperty("test_accuracy").GetDouble();
        Assert.IsTrue(trained >= 0.9, $"direct association {trained}");
        Assert.IsTrue(Math.Abs(trained - oracle) <= 0.05, $"fixed point {trained} against oracle {oracle}");
        Assert.IsTrue(control >= 0 && control <= 1);
        Assert.IsTrue(r.GetProperty("probe_test_accuracy").GetDouble() > 0.25);
        Assert.IsTrue(r.GetProperty("control_probe_test_accuracy").GetDouble() >= 0);
        Assert.AreEqual(4, r.GetProperty("test_accuracy_by_epoch").GetArrayLength());
        Assert.AreEqual(0.0, r.GetProperty("allocated_bytes_per_train_step").GetDouble());
        Assert.IsTrue(r.GetProperty("memory_bytes").GetProperty("total").GetInt64() > 0);
    }

    [TestMethod]
    public void SemiSupervised_TwentyLabels_ReportsLabelledOnlyBaseline()
    {
        using var dir = WriteClusters();

        var (code, output, error, r) = Train(dir, "--arch", "64-4", "--labels", "20", "--epochs", "5", "--pre-epochs", "30", "--lr", "0.05", "--bias-lr", "0.05");

        Console.WriteLine(output);
        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual("class_groups", r.GetProperty("evaluation").GetString());
        Assert.AreEqual(20, r.GetProperty("labels").GetInt32());
        Assert.AreEqual(1, r.GetProperty("winners").GetInt32());
        Assert.IsTrue(r.GetProperty("test_accuracy").GetDouble() >= 0.9, "semi-supervised accuracy");
        Assert.IsTrue(r.TryGetProperty("baseline_test_accuracy", out _), "the labelled-only baseline must be reported");
    }

    [TestMethod]
    public void Stream_BinaryEp_RunsWithBatchOneAndStreamingHomeostasis()
    {
        using var dir = WriteClusters();

        var (code, _, error, r) = Train(dir, "--rule", "ep", "--arch", "64-12", "--winners", "2", "--stream", "--epochs", "2", "--homeostasis-leak", "10", "--free-steps", "4", "--nudged-steps", "4");

        Assert.AreEqual(ExitCodes.Success, code, error);
        Assert.AreEqual("b1", r.GetProperty("weights").GetString());
        Assert.IsTrue(r.GetProperty("stream").GetBoolean());
        Assert.AreEqual(1, r.GetProperty("batch").GetInt32());
        Assert.AreEqual("streaming", r.GetProperty("homeostasis_mode").GetString());
        Assert.AreEqual("never", r.GetProperty("homeostasis_reset").GetString());
        Assert.AreEqual(800L, r.GetProperty("trained_samples").GetInt64());
    }

    [TestMethod]
    [DataRow("--stream,--batch,4", "--batch 4")]
    [DataRow("--stream,--homeostasis-reset,epoch", "no epochs")]
    [DataRow("--weights,s8", "--weights applies to --rule ep")]
    [DataRow("--labels,5,--arch,64-16", "4 classes")]
    [DataRow("--arch,64-8-16", "single layer")]
    [DataRow("--winners,17,--arch,64-16", "winners k must be in [1, 16]")]
    public void BadOptions_ExitWithUsageErrorNamingTheProblem(string options, string expected)
    {
        using var dir = WriteClusters();

        var (code, _, error, _) = Train(dir, options.Split(','));

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, expected);
    }
}
