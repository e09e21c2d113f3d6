using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLearn.HostSim.Reporting;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Reporting;

[TestClass]
public sealed class RunReportWriterTests
{
    // Field names and order as documented in REPORT.md, typed here independently of the writer.
    private static readonly string[] DocumentedFields =
    {
        "tool_version", "command", "algo", "data", "split", "arch", "weights", "activations", "seed", "epochs",
        "train_samples", "test_samples", "test_accuracy", "oracle", "train_seconds", "train_samples_per_second",
        "infer_microseconds_per_sample", "allocated_bytes_per_train_step", "memory_bytes", "model_image_bytes", "model_sha256",
    };

    private static RunReport FullReport() => new()
    {
        ToolVersion = "0.3.0",
        Command = "train",
        Algo = "bep",
        Data = "fashion-mnist",
        Split = "standard",
        Arch = "784-256-10",
        Weights = "b1",
        Activations = "q0.15",
        Seed = 1,
        Epochs = 1,
        TrainSamples = 60000,
        TestSamples = 10000,
        TestAccuracy = 0.8712,
        Oracle = new OracleReport { TestAccuracy = 0.8765, TrainSeconds = 95.2 },
        TrainSeconds = 12.3,
        TrainSamplesPerSecond = 4878.0,
        InferMicrosecondsPerSample = 8.1,
        AllocatedBytesPerTrainStep = 0,
        MemoryBytes = new MemoryBytesReport(25088, 200704, 4096),
        ModelImageBytes = 25600,
        ModelSha256 = new string('a', 64),
    };

    private static List<string> TopLevelNames(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }

    [TestMethod]
    public void ToJson_FullReport_HasDocumentedFieldsInDocumentedOrder()
    {
        string json = RunReportWriter.ToJson(FullReport());

        CollectionAssert.AreEqual(DocumentedFields, TopLevelNames(json));
    }

    [TestMethod]
    public void ToJson_FullReport_WritesValuesAndNestedObjects()
    {
        using var doc = JsonDocument.Parse(RunReportWriter.ToJson(FullReport()));
        var root = doc.RootElement;

        Assert.AreEqual("bep", root.GetProperty("algo").GetString());
        Assert.AreEqual(1u, root.GetProperty("seed").GetUInt32());
        Assert.AreEqual(0.8712, root.GetProperty("test_accuracy").GetDouble());
        Assert.AreEqual(60000, root.GetProperty("train_samples").GetInt64());
        var oracle = root.GetProperty("oracle");
        CollectionAssert.AreEqual(new[] { "test_accuracy", "train_seconds" }, oracle.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(95.2, oracle.GetProperty("train_seconds").GetDouble());
        var memory = root.GetProperty("memory_bytes");
        CollectionAssert.AreEqual(new[] { "persistent", "learner_state", "scratch", "total" }, memory.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(229888, memory.GetProperty("total").GetInt64());
    }

    [TestMethod]
    public void ToJson_UnmeasuredFields_AreAbsentNotZero()
    {
        var report = new RunReport { Command = "train", TestAccuracy = 0.5, Oracle = new OracleReport { TestAccuracy = 0.25 } };

        string json = RunReportWriter.ToJson(report);

        CollectionAssert.AreEqual(new[] { "command", "test_accuracy", "oracle" }, TopLevelNames(json));
        using var doc = JsonDocument.Parse(json);
        Assert.AreEqual(1, doc.RootElement.GetProperty("oracle").EnumerateObject().Count(), "oracle.train_seconds was not measured");
        Assert.IsFalse(json.Contains("null", StringComparison.Ordinal));
    }

    [TestMethod]
    public void ToJson_EmptyOracle_IsAbsent()
    {
        string json = RunReportWriter.ToJson(new RunReport { Command = "eval", Oracle = new OracleReport() });

        CollectionAssert.AreEqual(new[] { "command" }, TopLevelNames(json));
    }

    [TestMethod]
    public void ToJson_Report_IsIndented()
    {
        string json = RunReportWriter.ToJson(new RunReport { Command = "train", Algo = "bep" });

        StringAssert.StartsWith(json, "{\n  \"command\": \"train\",\n  \"algo\": \"bep\"");
    }

    [TestMethod]
    public void ToJson_Extras_FollowStandardFieldsInInsertionOrder()
    {
        var report = new RunReport { Command = "bench", TestAccuracy = 0.9 };
        report.AddExtra("zeta", 3L).AddExtra("alpha_mode", "fast").AddExtra("ratio", 0.5).AddExtra("ok", true);

        string json = RunReportWriter.ToJson(report);

        CollectionAssert.AreEqual(new[] { "command", "test_accuracy", "zeta", "alpha_mode", "ratio", "ok" }, TopLevelNames(json));
    }

    [TestMethod]
    public void AddExtra_StandardOrBadOrRepeatedName_Throws()
    {
        var report = new RunReport();
        report.AddExtra("layer_count", 3L);

        Assert.ThrowsExactly<ArgumentException>(() => report.AddExtra("test_accuracy", 0.5));
        Assert.ThrowsExactly<ArgumentException>(() => report.AddExtra("TestAccuracy", 0.5));
        Assert.ThrowsExactly<ArgumentException>(() => report.AddExtra("layer_count", 4L));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => report.AddExtra("speed", double.NaN));
    }

    [TestMethod]
    [DataRow(1.5)]
    [DataRow(-0.1)]
    [DataRow(double.NaN)]
    public void ToJson_AccuracyOutsideUnitInterval_ThrowsNamingField(double accuracy)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => RunReportWriter.ToJson(new RunReport { TestAccuracy = accuracy }));

        StringAssert.Contains(e.Message, "test_accuracy");
    }

    [TestMethod]
    public void ToJson_NegativeSeconds_ThrowsNamingField()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(
            () => RunReportWriter.ToJson(new RunReport { Oracle = new OracleReport { TrainSeconds = -1 } }));

        StringAssert.Contains(e.Message, "oracle.train_seconds");
    }

    [TestMethod]
    public void ToJson_BadSha256_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => RunReportWriter.ToJson(new RunReport { ModelSha256 = "ABC" }));
    }

    [TestMethod]
    public void ForCommand_Train_FillsToolVersionFromAssembly()
    {
        var report = RunReport.ForCommand("train");

        Assert.AreEqual(ToolInfo.Version, report.ToolVersion);
        StringAssert.StartsWith(report.ToolVersion, typeof(ToolInfo).Assembly.GetName().Version!.ToString(3));
    }

    [TestMethod]
    public void WriteFile_NewPath_WritesParsableJsonWithNewlineAndNoTempFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgelearn-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "sub", "report.json");

            RunReportWriter.WriteFile(FullReport(), path);

            string text = File.ReadAllText(path);
            Assert.IsTrue(text.EndsWith("}\n", StringComparison.Ordinal));
            CollectionAssert.AreEqual(DocumentedFields, TopLevelNames(text));
            CollectionAssert.AreEqual(new[] { "report.json" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [TestMethod]
    public void MemoryBytesReport_Parts_TotalIsSum()
    {
        var memory = new MemoryBytesReport(1, 2, 3);

        Assert.AreEqual(6, memory.Total);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MemoryBytesReport(-1, 0, 0));
    }
}
