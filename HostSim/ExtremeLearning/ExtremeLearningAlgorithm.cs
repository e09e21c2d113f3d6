// ExtremeLearningAlgorithm: `edgelearn train --algo elm`, extreme learning on spintronic features (ALGORITHMS.md 5).
// The data set's images become RF-encoded images (RfImageScene: pixel j drives tone j, power = grey level, with
// power noise), which the simulated MTJ array senses (ExtremeLearningExperiment); its neurons' detector voltages
// are read through simulated MCP3008s and the real binding, and a fixed-point delta-rule readout learns them. The
// same run trains the same readout on a software random-feature layer of the same width and reports both test
// accuracies (and, with --oracle, the float64 readout on the MTJ features). --arch IN-H-CLASSES sets the width H.
using System;
using System.CommandLine;
using System.Globalization;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;

namespace EdgeLearn.HostSim.ExtremeLearning;

/// <summary>The <c>elm</c> training algorithm.</summary>
public sealed class ExtremeLearningAlgorithm : ITrainingAlgorithm
{
    private Option<int> chain = null!;
    private Option<int> calibration = null!;
    private Option<long> powerNoise = null!;
    private Option<long> additiveNoise = null!;
    private Option<long> pixelPower = null!;
    private Option<int?> rateShift = null!;
    private Option<string> kernels = null!;
    private Option<bool> shuffleTones = null!;

    /// <inheritdoc />
    public string Name => "elm";

    /// <inheritdoc />
    public string Description => "extreme learning: the simulated MTJ array as a fixed layer with a fixed-point delta-rule readout, beside a software random-feature layer of the same width";

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        chain = AlgorithmRegistry.GetOrAddOption(command, "--elm-chain", () => Int("--elm-chain", 1, "elm: spin diodes in series per MTJ channel (alternating signs)", 1, 64));
        calibration = AlgorithmRegistry.GetOrAddOption(command, "--elm-calibration", () => Int("--elm-calibration", 256, "elm: training images used once to set each neuron's bias and gain", 2, 100_000));
        powerNoise = AlgorithmRegistry.GetOrAddOption(command, "--elm-power-noise-ppm", () => Long("--elm-power-noise-ppm", 50_000, "elm: relative power noise per pixel tone, ppm (the RF images are noisy)", 0, 1_000_000));
        additiveNoise = AlgorithmRegistry.GetOrAddOption(command, "--elm-additive-noise-pw", () => Long("--elm-additive-noise-pw", 100, "elm: additive power noise per pixel tone, pW", 0, 1_000_000_000));
        pixelPower = AlgorithmRegistry.GetOrAddOption(command, "--elm-pixel-power-pw", () => Long("--elm-pixel-power-pw", 4_000, "elm: tone power of a white pixel, pW", 1, 1_000_000_000));
        rateShift = AlgorithmRegistry.GetOrAddOption(command, "--elm-rate-shift", () =>
        {
            var o = new Option<int?>("--elm-rate-shift") { Description = "elm: readout learning rate 2^-p of the first epoch (default ceil(log2 H) - 1; halves every epoch)" };
            o.Validators.Add(r =>
            {
                int? v = r.GetValueOrDefault<int?>();
                if (v is < 1 or > 30)
                {
                    r.AddError($"--elm-rate-shift must be in [1, 30], was {v}.");
                }
            });
            return o;
        });
        shuffleTones = AlgorithmRegistry.GetOrAddOption(command, "--elm-shuffle-tones", () => new Option<bool>("--elm-shuffle-tones")
        {
            Description = "elm: give the pixels their tones in a fixed random order instead of row by row, so each MTJ's frequency window covers scattered pixels",
        });
        kernels = AlgorithmRegistry.GetOrAddOption(command, "--kernels", () =>
        {
            var o = new Option<string>("--kernels") { Description = "kernel backend: auto (fastest bit-exact host variant) or reference (default auto)", DefaultValueFactory = _ => "auto" };
            o.AcceptOnlyFromAmong("auto", "reference");
            return o;
        });
    }

    /// <inheritdoc />
    public int Run(TrainOptions options, ParseResult parseResult, IRunConsole console)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(console);
        if (options.OutputPath is not null)
        {
            throw new CommandLineUsageException("--out: the elm readout has no model image format yet; drop --out");
        }

        if (options.Batch is not null)
        {
            throw new CommandLineUsageException("--batch: the elm readout learns one sample at a time (the delta rule); drop --batch");
        }

        LabelledDataSet data = options.LoadData(console);
        int h = 256;
        if (options.Architecture is not null)
        {
            if (options.Architecture.LayerCount != 3)
            {
                throw new CommandLineUsageException($"--arch for elm is IN-H-CLASSES (one fixed layer of width H), got {options.Architecture}");
            }

            options.Architecture.RequireShape(data.Dimension, data.ClassCount, data.Name);
            h = options.Architecture[1];
        }

        if (h > 1024)
        {
            throw new CommandLineUsageException($"--arch: the MTJ layer width H must be at most 1024 (128 simulated MCP3008s), got {h}");
        }

        var sceneSettings = new RfImageSceneSettings
        {
            MaxPixelPowerPicowatts = parseResult.GetValue(pixelPower),
            PowerNoisePpm = parseResult.GetValue(powerNoise),
            AdditiveNoisePicowatts = parseResult.GetValue(additiveNoise),
            Shuffle = true,
            Epochs = 1,
        };
        int[] trainLabels = Labels(data.Train.Labels);
        int[] testLabels = Labels(data.Test.Labels);
        int dim = data.Dimension;
        bool shuffle = parseResult.GetValue(shuffleTones);
        byte[] trainPixels = shuffle ? Permute(data.Train.Inputs, data.Train.Count, dim, options.Seed) : data.Train.Inputs;
        byte[] testPixels = shuffle ? Permute(data.Test.Inputs, data.Test.Count, dim, options.Seed) : data.Test.Inputs;
        RfImageScene TrainScene(int epoch) => new(trainPixels, data.Train.Count, dim, trainLabels, data.ClassCount, sceneSettings, unchecked(options.Seed + (uint)epoch));
        var testSettings = new RfImageSceneSettings
        {
            MaxPixelPowerPicowatts = sceneSettings.MaxPixelPowerPicowatts,
            PowerNoisePpm = sceneSettings.PowerNoisePpm,
            AdditiveNoisePicowatts = sceneSettings.AdditiveNoisePicowatts,
            Shuffle = false,
            Epochs = 1,
        };
        var testScene = new RfImageScene(testPixels, data.Test.Count, dim, testLabels, data.ClassCount, testSettings, unchecked(options.Seed + 100_000u));
        var grid = new long[dim];
        for (int j = 0; j < dim; j++)
        {
            grid[j] = testScene.PixelFrequencyHz(j);
        }

        var settings = new ExtremeLearningSettings
        {
            Features = h,
            ChainLength = parseResult.GetValue(chain),
            Epochs = options.Epochs,
            CalibrationInputs = parseResult.GetValue(calibration),
            Seed = options.Seed,
            RateShift = parseResult.GetValue(rateShift),
            Oracle = options.Oracle,
            Kernels = parseResult.GetValue(kernels) == "reference" ? KernelSet.Reference : HostKernels.Best,
        };
        console.Info($"elm {dim}-{h}-{data.ClassCount}: RF-encoded {data.Name} ({dim} tones{(shuffle ? " in a shuffled pixel order" : " in pixel order")}, white = {sceneSettings.MaxPixelPowerPicowatts} pW, noise {sceneSettings.PowerNoisePpm} ppm + {sceneSettings.AdditiveNoisePicowatts} pW) -> {h} MTJ channels x {settings.ChainLength} spin diodes -> {h} STNO neurons -> MCP3008 x{(h + 7) / 8} (simulated SPI, real binding) -> fixed-point readout; beside: {h} random features (float64) -> the same readout");
        long next = 0;
        ExtremeLearningResult r = ExtremeLearningExperiment.Run(
            epoch => TrainScene(epoch),
            data.Train.Count,
            testScene,
            data.Test.Count,
            data.ClassCount,
            new SpectrumBins(grid, sceneSettings.MaxPixelPowerPicowatts),
            new SpinDiodeParameters(),
            settings,
            (done, total) =>
            {
                if (done * 10 / total != next)
                {
                    next = done * 10 / total;
                    console.Info($"  {done} / {total} samples");
                }
            });

        console.Result($"MTJ-array features: test accuracy {r.HardwareTestAccuracy:P2} (last-epoch train accuracy {r.HardwareTrainAccuracy:P2}, test-then-train)");
        console.Result($"software random features: test accuracy {r.SoftwareTestAccuracy:P2} (last-epoch train accuracy {r.SoftwareTrainAccuracy:P2}); MTJ minus software {100 * (r.HardwareTestAccuracy - r.SoftwareTestAccuracy):+0.00;-0.00} points");
        if (!double.IsNaN(r.OracleTestAccuracy))
        {
            console.Result($"float64 readout on the MTJ features: test accuracy {r.OracleTestAccuracy:P2}; fixed-point gap {100 * (r.HardwareTestAccuracy - r.OracleTestAccuracy):+0.00;-0.00} points");
        }

        console.Result($"ADC codes used {r.MinCode} .. {r.MaxCode}, faulty frames {r.FaultyFrames}, {r.Seconds:F1} s for both paths ({(r.TrainSamples * (double)settings.Epochs) + r.TestSamples:F0} samples), readout rate 2^-{r.RateShift}");

        RunReport report = options.StartReport(data);
        report.Arch = $"{dim}-{h}-{data.ClassCount}";
        report.Weights = "s16";
        report.Activations = "q0.15";
        report.TestAccuracy = r.HardwareTestAccuracy;
        report.TrainSeconds = r.Seconds;
        report.TrainSamplesPerSecond = (r.TrainSamples * (double)settings.Epochs) / r.Seconds;
        report.MemoryBytes = new MemoryBytesReport(r.ReadoutMemory.Persistent, r.ReadoutMemory.LearnerState, r.ReadoutMemory.Scratch);
        if (!double.IsNaN(r.OracleTestAccuracy))
        {
            report.Oracle = new OracleReport { TestAccuracy = r.OracleTestAccuracy };
        }

        report.AddExtra("software_test_accuracy", r.SoftwareTestAccuracy);
        report.AddExtra("hardware_train_accuracy", r.HardwareTrainAccuracy);
        report.AddExtra("software_train_accuracy", r.SoftwareTrainAccuracy);
        report.AddExtra("features", h);
        report.AddExtra("chain_length", settings.ChainLength);
        report.AddExtra("calibration_inputs", settings.CalibrationInputs);
        report.AddExtra("readout_rate_shift", r.RateShift);
        report.AddExtra("readout_train_seconds", r.ReadoutTrainSeconds);
        report.AddExtra("adc_min_code", r.MinCode);
        report.AddExtra("adc_max_code", r.MaxCode);
        report.AddExtra("faulty_frames", r.FaultyFrames);
        report.AddExtra("pixel_power_pw", sceneSettings.MaxPixelPowerPicowatts);
        report.AddExtra("power_noise_ppm", sceneSettings.PowerNoisePpm);
        report.AddExtra("additive_noise_pw", sceneSettings.AdditiveNoisePicowatts);
        report.AddExtra("shuffled_tones", shuffle);
        report.AddExtra("kernels", settings.Kernels.Name);
        if (options.ReportPath is not null)
        {
            RunReportWriter.WriteFile(report, options.ReportPath);
            console.Info($"report written to {options.ReportPath}");
        }

        return ExitCodes.Success;
    }

    // Every image's pixels in one fixed random order (Fisher-Yates from (seed, PermutationStream)): pixel perm[j]
    // drives tone j. The software layer's random projection does not care; the MTJ windows then see scattered pixels.
    private static byte[] Permute(byte[] pixels, int count, int dim, uint seed)
    {
        var perm = new int[dim];
        for (int j = 0; j < dim; j++)
        {
            perm[j] = j;
        }

        Xoshiro128 rng = DeviceStreams.Create(seed, RandomFeatureLayer.ProjectionStream + 1, 0);
        for (int j = dim - 1; j > 0; j--)
        {
            int k = (int)rng.NextBelow((uint)(j + 1));
            (perm[j], perm[k]) = (perm[k], perm[j]);
        }

        var result = new byte[(long)count * dim];
        for (int i = 0; i < count; i++)
        {
            int at = i * dim;
            for (int j = 0; j < dim; j++)
            {
                result[at + j] = pixels[at + perm[j]];
            }
        }

        return result;
    }

    private static int[] Labels(byte[] labels)
    {
        var r = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            r[i] = labels[i];
        }

        return r;
    }

    private static Option<int> Int(string name, int fallback, string description, int min, int max)
    {
        var o = new Option<int>(name) { Description = $"{description} (default {fallback.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => fallback };
        o.Validators.Add(r => OptionChecks.InRange(r, name, min, max));
        return o;
    }

    private static Option<long> Long(string name, long fallback, string description, long min, long max)
    {
        var o = new Option<long>(name) { Description = $"{description} (default {fallback.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => fallback };
        o.Validators.Add(r =>
        {
            long v = r.GetValueOrDefault<long>();
            if (v < min || v > max)
            {
                r.AddError($"{name} must be in [{min}, {max}], was {v}.");
            }
        });
        return o;
    }
}
