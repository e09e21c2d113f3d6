// DemoCommand: `edgelearn demo`, the main job. Runs the RF demo (HostSim/Demo/RfDemo.cs) on its built-in
// simulated default and writes the run report, a PNG learning curve, the rig's parameter log and the
// trained model into an output folder.
using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using EdgeLearn.HostSim.Demo;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Builds the <c>demo</c> command.</summary>
public static class DemoCommand
{
    /// <summary>Command name.</summary>
    public const string Name = "demo";

    /// <summary>The demo command.</summary>
    public static Command Create()
    {
        var command = new Command(Name, "Learn online from a simulated spintronic RF sensor (MTJ array -> amplifier -> MCP3008 over SPI, read by the real binding) with binary-weight EP, beside its float64 oracle.");
        var frames = IntOption("--frames", 24000, "frames in the stream (the last quarter interleaves held-out frames)", 400, 10_000_000);
        var heldOutEvery = IntOption("--held-out-every", 5, "in the last quarter, every N-th frame is held out (predicted, never learned)", 2, 1000);
        var classes = IntOption("--classes", 8, "emitter classes in the RF scene", 2, 64);
        var channels = IntOption("--channels", 16, "spin-diode channels (8 per MCP3008)", 1, 64);
        var hidden = IntOption("--hidden", 64, "hidden neurons", 1, 4096);
        var seed = new Option<uint>("--seed") { Description = "seed of scene, devices and learner (default 1)", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "output folder (default edgelearn-out)", DefaultValueFactory = _ => "edgelearn-out" };
        var report = new Option<string?>("--report") { Description = "run report path (default OUT/report.json)" };
        var noOracle = new Option<bool>("--no-oracle") { Description = "skip the float64 oracle" };
        var quiet = new Option<bool>("--quiet") { Description = "print only the results" };
        var kernels = new Option<string>("--kernels") { Description = "auto (fastest bit-exact host variant) or reference", DefaultValueFactory = _ => "auto" };
        kernels.AcceptOnlyFromAmong("auto", "reference");
        foreach (Option o in new Option[] { frames, heldOutEvery, classes, channels, hidden, seed, output, report, noOracle, quiet, kernels })
        {
            command.Add(o);
        }

        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, parseResult.GetValue(quiet));
            return EdgeLearnCli.Guard(console, () =>
            {
                var settings = new RfDemoSettings
                {
                    Frames = parseResult.GetValue(frames),
                    HeldOutEvery = parseResult.GetValue(heldOutEvery),
                    Classes = parseResult.GetValue(classes),
                    Channels = parseResult.GetValue(channels),
                    Hidden = parseResult.GetValue(hidden),
                    Seed = parseResult.GetValue(seed),
                    Oracle = !parseResult.GetValue(noOracle),
                    Kernels = parseResult.GetValue(kernels) == "reference" ? KernelSet.Reference : HostKernels.Best,
                };
                string folder = parseResult.GetValue(output)!;
                Directory.CreateDirectory(folder);
                console.Info($"RF demo: {settings.Classes} emitters, {settings.Channels} spin-diode channels -> MCP3008 x{(settings.Channels + 7) / 8} (simulated SPI, real Iot.Device.Adc.Mcp3008 binding), network {settings.Channels}-{settings.Hidden}-{settings.Classes} b1, kernels {settings.Kernels.Name}, seed {settings.Seed}");
                console.Info($"learning online from a stream of {settings.Frames} labelled frames (test-then-train); in its last quarter every {settings.HeldOutEvery}th frame is held out");
                var progress = Training.StreamProgress.Create(console, settings.Frames);
                RfDemoResult result = RfDemo.Run(settings, progress.Report);
                progress.Done();

                console.Result($"fixed point: test accuracy {result.TestAccuracy:P2} on {result.TestFrames} held-out frames (stream accuracy {result.StreamAccuracy:P2} test-then-train)");
                if (!double.IsNaN(result.OracleTestAccuracy))
                {
                    console.Result($"float64 oracle: test accuracy {result.OracleTestAccuracy:P2}; gap {100 * (result.TestAccuracy - result.OracleTestAccuracy):+0.00;-0.00} points");
                }

                console.Result($"field loop: {result.FieldFramesPerSecond:F0} frames/s on one core (learning alone {result.LearnFramesPerSecond:F0} frames/s), {result.AllocatedBytesPerStep:F0} bytes allocated per step");
                console.Result($"memory: persistent {result.Memory.Persistent} B, learner state {result.Memory.LearnerState} B, scratch {result.Memory.Scratch} B, total {result.Memory.Total} B");

                string curvePath = Path.Combine(folder, "learning-curve.png");
                LearningCurvePlot.Write(curvePath, $"EdgeLearn RF demo: {settings.Classes} emitters, {settings.Channels} MTJ channels, binary-weight EP", result.Curve, result.OracleCurve, result.CurveStep, result.TestAccuracy, result.OracleTestAccuracy);
                File.WriteAllText(Path.Combine(folder, "rig.txt"), result.RigDescription);
                string modelPath = Path.Combine(folder, "model" + Images.ModelImageFiles.Extension);
                var metadata = Images.ModelImageFiles.CreateMetadata("rf-fingerprint", "stream", null, settings.Seed, settings.Frames - result.TestFrames, result.TestFrames, result.TestAccuracy, result.TrainSeconds, ToolInfo.Version);
                byte[] image = Images.ModelImageFiles.Write(modelPath, result.Network, result.Settings, null, metadata);

                var run = RunReport.ForCommand("demo");
                run.Algo = "bep";
                run.Data = "rf-fingerprint";
                run.Split = "stream";
                run.Arch = result.Network.Description.ToString();
                run.Weights = "b1";
                run.Activations = "q0.15";
                run.Seed = settings.Seed;
                run.TrainSamples = settings.Frames - result.TestFrames;
                run.TestSamples = result.TestFrames;
                run.TestAccuracy = result.TestAccuracy;
                if (!double.IsNaN(result.OracleTestAccuracy))
                {
                    run.Oracle = new OracleReport { TestAccuracy = result.OracleTestAccuracy, TrainSeconds = result.OracleTrainSeconds };
                }

                run.TrainSeconds = result.TrainSeconds;
                run.TrainSamplesPerSecond = result.LearnFramesPerSecond;
                run.AllocatedBytesPerTrainStep = result.AllocatedBytesPerStep;
                run.MemoryBytes = new MemoryBytesReport(result.Memory.Persistent, result.Memory.LearnerState, result.Memory.Scratch);
                run.ModelImageBytes = image.Length;
                run.ModelSha256 = Images.ModelImageFiles.Sha256Hex(image);
                run.AddExtra("field_frames_per_second", result.FieldFramesPerSecond);
                run.AddExtra("stream_accuracy", result.StreamAccuracy);
                run.AddExtra("frames_dropped", result.FramesDropped);
                run.AddExtra("faulty_frames", result.FaultyFrames);
                run.AddExtra("kernels", settings.Kernels.Name);
                run.AddExtra("adc", "mcp3008");
                string reportPath = parseResult.GetValue(report) ?? Path.Combine(folder, "report.json");
                RunReportWriter.WriteFile(run, reportPath);
                console.Info($"wrote {modelPath} ({image.Length} bytes), {curvePath}, {reportPath} and {Path.Combine(folder, "rig.txt")}");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Option<int> IntOption(string name, int fallback, string description, int min, int max)
    {
        var o = new Option<int>(name) { Description = $"{description} (default {fallback.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => fallback };
        o.Validators.Add(r => OptionChecks.InRange(r, name, min, max));
        return o;
    }
}
