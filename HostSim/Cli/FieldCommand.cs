// FieldCommand: `edgelearn field --config FILE [--simulate]`, the field loop (HostSim/Field/FieldSession.cs).
// On a Raspberry Pi it opens the real buses through the board front-ends' factories; with --simulate the same
// front-end reads the host simulator's buses (RF scene -> MTJ array -> amplifier -> simulated ADCs). It resumes
// from the newest committed checkpoint, commits checkpoints as it learns, prints a status line every
// stream.status_seconds and a line per checkpoint, and stops cleanly on Ctrl+C or SIGTERM (final checkpoint,
// summary, optional run report). Exit codes: 0 stopped cleanly, 1 failure (checkpoint file unusable, bus
// cannot be opened), 2 usage (bad option or configuration file).
using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Field;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Builds the <c>field</c> command.</summary>
public static class FieldCommand
{
    /// <summary>Command name.</summary>
    public const string Name = "field";

    /// <summary>The field command.</summary>
    public static Command Create()
    {
        var command = new Command(Name, "Learn in the field from a spintronic RF sensor stream: real buses on a Raspberry Pi, or the simulated ones with --simulate; resumes from the last checkpoint and stops cleanly on Ctrl+C/SIGTERM.");
        var config = new Option<string>("--config") { Description = "configuration file (JSON: sensor, learner, stream, checkpoint, labels, simulation sections)", Required = true };
        var simulate = new Option<bool>("--simulate") { Description = "read the host simulator's buses (RF scene, MTJ array, simulated ADCs) instead of the real ones; labels come from the scene" };
        var maxFrames = new Option<long?>("--max-frames") { Description = "stop after N frame reads (overrides stream.max_frames)" };
        maxFrames.Validators.Add(r =>
        {
            long? v = r.GetValueOrDefault<long?>();
            if (v is < 0)
            {
                r.AddError($"--max-frames must be >= 0, was {v}.");
            }
        });
        var report = new Option<string?>("--report") { Description = "write a run report (JSON) when the loop stops" };
        var quiet = new Option<bool>("--quiet") { Description = "print only the final summary (no status or checkpoint lines)" };
        command.Add(config);
        command.Add(simulate);
        command.Add(maxFrames);
        command.Add(report);
        command.Add(quiet);
        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, parseResult.GetValue(quiet));
            return EdgeLearnCli.Guard(console, () => Run(parseResult.GetValue(config)!, parseResult.GetValue(simulate), parseResult.GetValue(maxFrames), parseResult.GetValue(report), console));
        });
        return command;
    }

    private static int Run(string configPath, bool simulate, long? maxFrames, string? reportPath, IRunConsole console)
    {
        FieldConfig config;
        try
        {
            config = FieldConfigLoader.Load(configPath);
            if (maxFrames.HasValue)
            {
                config.Stream.MaxFrames = maxFrames.Value;
            }
        }
        catch (FieldConfigException e)
        {
            console.Warn($"{EdgeLearnCli.ExecutableName}: {e.Message}");
            return ExitCodes.Usage;
        }

        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

        FieldSession session;
        try
        {
            session = FieldSession.Open(config, simulate, warn: m => console.Warn($"{EdgeLearnCli.ExecutableName}: {m}"));
        }
        catch (FieldResumeException e)
        {
            console.Warn($"{EdgeLearnCli.ExecutableName}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (SensorOpenException e)
        {
            console.Warn($"{EdgeLearnCli.ExecutableName}: {e.Message}");
            console.Warn($"{EdgeLearnCli.ExecutableName}: to run the same loop against simulated buses instead, add --simulate");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is PlatformNotSupportedException || e is InvalidOperationException)
        {
            console.Warn($"{EdgeLearnCli.ExecutableName}: cannot open the sensor or the checkpoint file: {e.Message}");
            return ExitCodes.Failure;
        }

        using (session)
        {
            FieldSensorConfig s = config.Sensor;
            string adc = s.Adc == FieldAdc.Mcp3008 ? "MCP3008 (SPI)" : "ADS1115 (I2C)";
            console.Info($"field: {session.Source.ChannelCount} channels via {adc}{(simulate ? ", simulated buses (RF fingerprint scene, seed " + config.Simulation.Seed + ")" : ", real buses")}; network {session.Learner.Network.Description} b1, kernels {(config.Learner.Kernels == "reference" ? "reference" : Kernels.Host.HostKernels.Best.Name)}");
            console.Info(config.Learner.LearnsFromUnlabelled
                ? $"unlabelled frames: learned with self-defined targets after {config.Learner.UnlabelledWarmUp} labelled ones (k-WTA, k={config.Learner.Winners}, streaming homeostasis gamma_H {config.Learner.HomeostasisRate.ToString(CultureInfo.InvariantCulture)})"
                : "unlabelled frames: predicted only");
            console.Info($"checkpoints: {config.CheckpointPath} every {config.Checkpoint.EverySamples} learned samples");
            if (session.RestoreOutcome == FieldRestoreOutcome.Restored)
            {
                FieldTotals r = session.Restored;
                console.Info($"resumed from checkpoint sequence {session.RestoredSequence}: {r.SamplesLearned} samples learned, {r.FramesRead} frames read, accuracy {r.Accuracy:P2}");
            }
            else
            {
                console.Info("no committed checkpoint: starting fresh");
            }

            session.Checkpoints.Committed += (sequence, totals) =>
                console.Info($"checkpoint sequence {sequence} committed: {totals.SamplesLearned} samples learned, {totals.FramesRead} frames read");
            FieldRunResult result = session.Run(stop.Token, st => console.Info(FormatStatus(st)));
            FieldStatus f = result.Final;
            string why = result.StopReason switch
            {
                FieldStopReason.Cancelled => "stopped by signal",
                FieldStopReason.MaxFrames => "max frames reached",
                _ => "scene ended",
            };
            console.Result($"field: {why} after {f.Seconds:F1} s; {f.SessionReads} frame reads this session ({result.FramesPerSecond:F0} frames/s, {result.StepsPerSecond:F0} learning steps/s on one core)");
            console.Result($"totals: {f.Totals.SamplesLearned} labelled samples learned{(config.Learner.LearnsFromUnlabelled ? $" and {f.Totals.SamplesSelfLearned} unlabelled" : "")}, prequential accuracy {f.Totals.Accuracy:P2} (last {Runtime.Streaming.FieldLearner.RecentWindow} this session: {f.RecentAccuracy:P2}), dropped {f.Totals.FramesDropped}, faulty {f.Totals.FaultyFrames}, recoveries {f.Totals.Recoveries}");
            console.Result($"checkpoint: sequence {f.CheckpointSequence} ({session.Checkpoints.CommitCount} committed this session{(session.Checkpoints.CommitCount > 0 ? $", {session.Checkpoints.LastImageBytes} bytes each, last took {1000 * session.Checkpoints.LastCommitSeconds:F1} ms" : "")}, {session.Checkpoints.FailureCount} failed)");
            if (reportPath != null)
            {
                WriteReport(reportPath, config, simulate, session, result);
                console.Info($"wrote {reportPath}");
            }

            return session.Checkpoints.FailureCount > 0 && session.Checkpoints.CommitCount == 0 && session.Field.SamplesLearned + session.Field.SamplesSelfLearned > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }
    }

    /// <summary>One status line.</summary>
    public static string FormatStatus(FieldStatus s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{s.Seconds,7:F1} s] frames {s.Totals.FramesRead} ({s.FramesPerSecond:F0}/s) | learned {s.Totals.SamplesLearned}, accuracy {100 * s.Totals.Accuracy:F1}% (last {Runtime.Streaming.FieldLearner.RecentWindow}: {100 * s.RecentAccuracy:F1}%) | dropped {s.Totals.FramesDropped}{(s.Missed > 0 ? $", missed {s.Missed}" : "")} | faults bus {s.BusErrors}, stuck {s.Stuck}, rail {s.RailSaturated}, not-ready {s.NotReady}{(s.Paused ? " (paused)" : "")} | checkpoint {s.CheckpointSequence}");
    }

    private static void WriteReport(string path, FieldConfig config, bool simulate, FieldSession session, FieldRunResult result)
    {
        FieldStatus f = result.Final;
        MemoryPlan plan = session.SemiSupervised?.Memory ?? session.Learner.Memory;
        var run = RunReport.ForCommand("field");
        run.Algo = "bep";
        run.Data = simulate ? "rf-fingerprint" : "sensor";
        run.Split = "stream";
        run.Arch = session.Learner.Network.Description.ToString();
        run.Weights = "b1";
        run.Activations = "q0.15";
        run.Seed = config.Learner.Seed;
        run.TrainSamples = session.Field.SamplesLearned + session.Field.SamplesSelfLearned;
        run.TrainSeconds = f.Seconds;
        run.TrainSamplesPerSecond = result.StepsPerSecond;
        if (!double.IsNaN(result.AllocatedBytesPerStep))
        {
            run.AllocatedBytesPerTrainStep = result.AllocatedBytesPerStep;
        }

        if (!double.IsNaN(result.AllocatedBytesPerFrame))
        {
            run.AddExtra("allocated_bytes_per_frame", result.AllocatedBytesPerFrame);
        }

        run.MemoryBytes = new MemoryBytesReport(plan.Persistent, plan.LearnerState, plan.Scratch + session.Field.ScratchBytes);
        run.AddExtra("field_frames_per_second", result.FramesPerSecond);
        run.AddExtra("stream_accuracy", f.Totals.Accuracy);
        run.AddExtra("recent_accuracy", f.RecentAccuracy);
        run.AddExtra("samples_learned_total", f.Totals.SamplesLearned);
        run.AddExtra("unlabelled_frames", config.Learner.Unlabelled);
        run.AddExtra("samples_self_learned_total", f.Totals.SamplesSelfLearned);
        run.AddExtra("frames_dropped", f.Totals.FramesDropped);
        run.AddExtra("faulty_frames", f.Totals.FaultyFrames);
        run.AddExtra("recoveries", f.Totals.Recoveries);
        run.AddExtra("checkpoint_sequence", f.CheckpointSequence);
        if (session.Checkpoints.CommitCount > 0)
        {
            run.AddExtra("checkpoint_image_bytes", session.Checkpoints.LastImageBytes);
            run.AddExtra("checkpoint_commit_seconds", session.Checkpoints.LastCommitSeconds);
        }

        run.AddExtra("resumed_from_sequence", session.RestoredSequence);
        run.AddExtra("adc", config.Sensor.Adc == FieldAdc.Mcp3008 ? "mcp3008" : "ads1115");
        run.AddExtra("simulated", simulate);
        RunReportWriter.WriteFile(run, path);
    }
}
