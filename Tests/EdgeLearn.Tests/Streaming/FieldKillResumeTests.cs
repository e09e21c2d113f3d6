using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Field;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

/// <summary>
/// The field loop killed at a random point resumes from its last committed checkpoint: for real, with a child
/// `edgelearn field --simulate` process killed (SIGKILL, whole tree) and restarted, and in process, with power cuts
/// injected into a simulated NOR flash at random operation bytes.
/// </summary>
[TestClass]
public sealed partial class FieldKillResumeTests
{
    private const string Config = """
        {
          "sensor": { "adc": "mcp3008", "channels": 8 },
          "learner": { "classes": 4, "hidden": 24, "free_steps": 12, "nudged_steps": 6, "batch": 4, "kernels": "reference" },
          "stream": { "status_seconds": 0 },
          "checkpoint": { "path": "field.ckpt", "every_samples": 100, "block_size": 1024, "blocks": 16 },
          "simulation": { "seed": 7 }
        }
        """;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void FieldCommand_KilledAtRandomPointThenRestarted_ResumesFromLastCommitAndContinues()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("field.json");
        File.WriteAllText(config, Config);
        var rng = new Random(20260515);
        int killAfterMs = rng.Next(0, 400);

        // Run 1: endless; killed (SIGKILL, no chance to clean up) at a random time after its first commit.
        var run1 = new Child(config, null);
        Assert.IsTrue(run1.WaitForCommits(1, TimeSpan.FromSeconds(30)), "run 1 committed no checkpoint:\n" + run1.Transcript());
        System.Threading.Thread.Sleep(killAfterMs);
        run1.Process.Kill(entireProcessTree: true);
        run1.Process.WaitForExit();
        (uint seq, long samples) lastPrinted = run1.LastCommit();
        TestContext.WriteLine($"killed after {run1.Commits.Count} printed commits ({killAfterMs} ms after the first): last printed sequence {lastPrinted.seq}, {lastPrinted.samples} samples");
        Assert.AreNotEqual(0, run1.Process.ExitCode, "the process was killed, not stopped");

        // What the file holds after the kill: at least the last commit the process announced.
        uint fileSequence;
        long fileSamples;
        using (FileBlockStore file = FileBlockStore.Open(dir.Combine("field.ckpt"), 1024, 16))
        {
            var store = new CheckpointStore(file, ImageLimits.Default);
            Assert.IsTrue(store.TryReadLatest(out CheckpointSlotInfo latest, out ImageError error), error?.ToString());
            fileSequence = latest.Sequence;
            Assert.IsTrue(latest.Parsed.Metadata.TryGetInt64(FieldCheckpoint.KeySamples, out fileSamples));
        }

        Assert.IsTrue(fileSequence >= lastPrinted.seq, $"file sequence {fileSequence} < last announced {lastPrinted.seq}");
        Assert.IsTrue(fileSamples >= lastPrinted.samples, $"file samples {fileSamples} < last announced {lastPrinted.samples}");

        // Run 2: resumes exactly the file's newest checkpoint, keeps learning, stops by itself.
        var run2 = new Child(config, 1500);
        Assert.IsTrue(run2.Process.WaitForExit(TimeSpan.FromSeconds(45)), "run 2 did not finish:\n" + run2.Transcript());
        run2.Process.WaitForExit();
        Assert.AreEqual(0, run2.Process.ExitCode, run2.Transcript());
        Match resumed = ResumedLine().Match(run2.Transcript());
        Assert.IsTrue(resumed.Success, "run 2 did not resume:\n" + run2.Transcript());
        Assert.AreEqual(fileSequence, uint.Parse(resumed.Groups[1].Value));
        Assert.AreEqual(fileSamples, long.Parse(resumed.Groups[2].Value));
        (uint seq2, long samples2) = run2.LastCommit();
        Assert.IsTrue(seq2 > fileSequence && samples2 > fileSamples, $"training continued: sequence {seq2}, {samples2} samples after resuming {fileSequence}, {fileSamples}");
        Assert.AreEqual("", run2.Errors());
    }

    // With learnUnlabelled, one frame in three is labelled and the others are learned with self-defined targets,
    // so the checkpoints also carry the streaming homeostasis.
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FieldSession_PowerCutsAtRandomFlashBytes_ResumeRestoresExactlyTheLastCommit(bool learnUnlabelled)
    {
        using var dir = new TempDirectory();
        FieldConfig c = FieldTestKit.SimConfig(dir.Path);
        c.Checkpoint.EverySamples = 40;
        if (learnUnlabelled)
        {
            c.Learner.Unlabelled = "learn";
            c.Learner.UnlabelledWarmUp = 20;
            c.Simulation.LabelEvery = 3;
        }

        var flash = new FlashBlockStore(1024, 16);
        var rng = new Random(77);
        uint lastSequence = 0;
        byte[]? lastState = null;
        FieldTotals? lastTotals = null;
        int cuts = 0;
        for (int cycle = 0; cycle < 8; cycle++)
        {
            using FieldSession s = FieldSession.Open(c, simulate: true, store: flash);
            if (lastSequence == 0)
            {
                Assert.AreEqual(FieldRestoreOutcome.Fresh, s.RestoreOutcome);
            }
            else
            {
                Assert.AreEqual(FieldRestoreOutcome.Restored, s.RestoreOutcome, $"cycle {cycle}");
                Assert.AreEqual(lastSequence, s.RestoredSequence, $"cycle {cycle}: the newest commit before the cut");
                CollectionAssert.AreEqual(lastState, FieldTestKit.Snapshot(s), $"cycle {cycle}: weights, learner state, normaliser and homeostasis exactly as committed");
                Assert.AreEqual(lastTotals, s.Restored, $"cycle {cycle}: totals as committed");
                Assert.AreEqual(lastTotals!.ScenePosition, s.Rig!.Scene.Position, "the scene continues where the checkpoint left it");
            }

            FieldSession session = s;
            s.Checkpoints.Committed += (sequence, totals) =>
            {
                lastSequence = sequence;
                lastState = FieldTestKit.Snapshot(session);
                lastTotals = totals;
            };
            if (cycle == 7)
            {
                // No cut: the resumed learner trains on and commits newer checkpoints.
                long before = lastTotals!.SamplesLearned + lastTotals.SamplesSelfLearned;
                uint sequenceBefore = lastSequence;
                s.Config.Stream.MaxFrames = 400;
                s.Run(default);
                Assert.IsTrue(lastTotals.SamplesLearned + lastTotals.SamplesSelfLearned >= before + 400 && lastSequence > sequenceBefore);
                break;
            }

            // One commit is about 2 erased blocks plus a 1.5 KB image: cut somewhere in the next few.
            flash.SchedulePowerCut(flash.OperationBytes + rng.Next(1, 16_000), tear: rng.Next(2) == 0, seed: (uint)cycle);
            s.Config.Stream.MaxFrames = 1_000_000;
            Assert.ThrowsExactly<PowerCutException>(() => s.Run(default));
            cuts++;
            flash.RestorePower();
        }

        Assert.AreEqual(7, cuts);
        Assert.IsTrue(lastSequence > 7, $"sequence {lastSequence}");
        Assert.AreEqual(learnUnlabelled, lastTotals!.SamplesSelfLearned > 0, $"{lastTotals.SamplesSelfLearned} unlabelled frames learned");
    }

    [GeneratedRegex(@"resumed from checkpoint sequence (\d+): (\d+) samples learned")]
    private static partial Regex ResumedLine();

    [GeneratedRegex(@"checkpoint sequence (\d+) committed: (\d+) samples learned")]
    private static partial Regex CommitLine();

    // The dotnet host that runs the tests (the child runs edgelearn.dll with it).
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? process = Environment.ProcessPath;
        if (process != null && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }

        return "dotnet";
    }

    private sealed class Child
    {
        private readonly object gate = new();
        private readonly List<string> lines = new();
        private readonly List<string> errors = new();

        public Child(string config, long? maxFrames)
        {
            var start = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(FieldCommand).Assembly.Location);
            start.ArgumentList.Add("field");
            start.ArgumentList.Add("--simulate");
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(config);
            if (maxFrames.HasValue)
            {
                start.ArgumentList.Add("--max-frames");
                start.ArgumentList.Add(maxFrames.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Process = new Process { StartInfo = start };
            Process.OutputDataReceived += (_, e) => Add(lines, e.Data);
            Process.ErrorDataReceived += (_, e) => Add(errors, e.Data);
            Process.Start();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public List<(uint Sequence, long Samples)> Commits
        {
            get
            {
                var list = new List<(uint, long)>();
                lock (gate)
                {
                    foreach (string line in lines)
                    {
                        Match m = CommitLine().Match(line);
                        if (m.Success)
                        {
                            list.Add((uint.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value)));
                        }
                    }
                }

                return list;
            }
        }

        public (uint Sequence, long Samples) LastCommit()
        {
            List<(uint Sequence, long Samples)> c = Commits;
            return c.Count == 0 ? (0, 0) : c[^1];
        }

        public bool WaitForCommits(int count, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (Commits.Count >= count)
                {
                    return true;
                }

                if (Process.HasExited)
                {
                    return false;
                }

                System.Threading.Thread.Sleep(2);
            }

            return false;
        }

        public string Transcript()
        {
            lock (gate)
            {
                return string.Join('\n', lines) + "\n--- stderr ---\n" + string.Join('\n', errors);
            }
        }

        public string Errors()
        {
            lock (gate)
            {
                return string.Join('\n', errors);
            }
        }

        private void Add(List<string> to, string? line)
        {
            if (line == null)
            {
                return;
            }

            lock (gate)
            {
                to.Add(line);
            }
        }
    }
}
