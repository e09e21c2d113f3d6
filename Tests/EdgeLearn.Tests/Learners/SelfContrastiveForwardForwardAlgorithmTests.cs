using System;
using System.IO;
using System.Text.Json;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// <summary>`edgelearn train --algo scff` end to end on a small generated IDX data set (8x8 bars, 3 classes).</summary>
[TestClass]
public sealed class SelfContrastiveForwardForwardAlgorithmTests
{
    private static void WriteBars(string dir, int train, int test)
    {
        // Class 0: a horizontal bar, 1: a vertical bar, 2: a diagonal, each at a random position, plus noise.
        var rng = new Random(5);
        byte Pixel(int label, int offset, int p)
        {
            int r = p / 8;
            int c = p % 8;
            bool on = label switch
            {
                0 => r == offset,
                1 => c == offset,
                _ => (r + offset) % 8 == c,
            };
            return (byte)Math.Min(255, (on ? 200 : 0) + rng.Next(0, 40));
        }

        byte[] Part(int count, byte[] labels)
        {
            var payload = new byte[count * 64];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 3);
                int offset = 2 + rng.Next(0, 4);
                for (int p = 0; p < 64; p++)
                {
                    payload[i * 64 + p] = Pixel(labels[i], offset, p);
                }
            }

            return IdxFiles.Encode(0x08, new[] { count, 8, 8 }, payload);
        }

        var trainLabels = new byte[train];
        var testLabels = new byte[test];
        byte[] trainImages = Part(train, trainLabels);
        byte[] testImages = Part(test, testLabels);
        IdxFiles.WriteSet(dir, true, trainImages, IdxFiles.Labels(trainLabels), testImages, IdxFiles.Labels(testLabels));
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, Program.CreateRegistry(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TestMethod]
    public void Train_ScffWithOracleAndLabelFraction_WritesReportWithControlAndOracle()
    {
        using var dir = new TempDirectory();
        WriteBars(dir.Path, 150, 60);
        string report = dir.Combine("run.json");
        var (code, output, error) = Run(
            "train", "--algo", "scff", "--data", "idx", "--data-dir", dir.Path, "--arch", "64-48", "--epochs", "2", "--batch", "10",
            "--layer-lr", "0.001", "--th1", "2", "--th2", "3", "--readout-epochs", "20", "--labels-fraction", "0.5", "--oracle", "--report", report, "--quiet");

        Assert.AreEqual(ExitCodes.Success, code, error + output);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement root = doc.RootElement;
        Assert.AreEqual("scff", root.GetProperty("algo").GetString());
        Assert.AreEqual("64-48", root.GetProperty("arch").GetString());
        Assert.AreEqual(75, root.GetProperty("labelled_samples").GetInt32());
        double accuracy = root.GetProperty("test_accuracy").GetDouble();
        double control = root.GetProperty("control_test_accuracy").GetDouble();
        double oracle = root.GetProperty("oracle").GetProperty("test_accuracy").GetDouble();
        double oracleControl = root.GetProperty("oracle_control_test_accuracy").GetDouble();
        foreach (double a in new[] { accuracy, control, oracle, oracleControl })
        {
            Assert.IsTrue(a > 0.6 && a <= 1, $"accuracies {accuracy} {control} {oracle} {oracleControl} (chance 1/3)");
        }

        Assert.AreEqual(0.0, root.GetProperty("allocated_bytes_per_train_step").GetDouble());
        JsonElement memory = root.GetProperty("memory_bytes");
        Assert.AreEqual(memory.GetProperty("persistent").GetInt64() + memory.GetProperty("learner_state").GetInt64() + memory.GetProperty("scratch").GetInt64(), memory.GetProperty("total").GetInt64());
        Assert.AreEqual(2, root.GetProperty("goodness_by_epoch").GetArrayLength());
    }

    [TestMethod]
    public void Train_ScffBadLabelsFraction_ExitsWithUsageError()
    {
        using var dir = new TempDirectory();
        WriteBars(dir.Path, 10, 5);
        var (code, _, error) = Run("train", "--algo", "scff", "--data", "idx", "--data-dir", dir.Path, "--labels-fraction", "0", "--quiet");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--labels-fraction");
        (code, _, error) = Run("train", "--algo", "scff", "--data", "idx", "--data-dir", dir.Path, "--arch", "32-10", "--quiet");
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "input width 32");
    }

    [TestMethod]
    public void LabelledSubset_Fraction_IsDeterministicDistinctAndRoundedUp()
    {
        int[] a = SelfContrastiveReadoutTrainer.LabelledSubset(1000, 0.013, 3);
        int[] b = SelfContrastiveReadoutTrainer.LabelledSubset(1000, 0.013, 3);
        CollectionAssert.AreEqual(a, b);
        Assert.AreEqual(13, a.Length);
        CollectionAssert.AllItemsAreUnique(a);
        Assert.AreEqual(1000, SelfContrastiveReadoutTrainer.LabelledSubset(1000, 1.0, 3).Length);
    }

    [TestMethod]
    public void ShiftForEpoch_TenEpochs_HalvesSevenTimes()
    {
        int[] expected = { 6, 6, 7, 8, 8, 9, 10, 11, 12, 13 };
        for (int e = 0; e < 10; e++)
        {
            Assert.AreEqual(expected[e], SelfContrastiveReadoutTrainer.ShiftForEpoch(6, e, 10), $"epoch {e}");
        }
    }
}
