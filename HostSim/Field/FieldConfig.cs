// FieldConfig: everything `edgelearn field` needs, as read from its configuration file (FieldConfigLoader).
// Sections: sensor (the board front-end: ADC, buses, data-ready/trigger lines, fault checks, frame rate),
// learner (the binary-weight EP network, its hyperparameters, and what unlabelled frames do), stream (queue, normaliser, status),
// checkpoint (file-backed A/B slots), labels (where labels come from on a real board) and simulation (the
// RF scene, sparse labels and scheduled faults used with --simulate). Every default is the RF demo's.
using System;
using System.Collections.Generic;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using Iot.Device.Ads1115;

namespace EdgeLearn.HostSim.Field;

/// <summary>The ADC family of the sensor front-end.</summary>
public enum FieldAdc
{
    /// <summary>MCP3008 10-bit ADCs on SPI (Mcp3008FrontEnd).</summary>
    Mcp3008 = 0,

    /// <summary>ADS1115 16-bit ADCs on I2C (Ads1115FrontEnd).</summary>
    Ads1115 = 1,
}

/// <summary>Where labels come from when the loop runs on a real board.</summary>
public enum FieldLabelSourceKind
{
    /// <summary>No labels: the learner only predicts (and the normaliser keeps adapting).</summary>
    None = 0,

    /// <summary>A text file holding the class currently presented (an integer), re-read when it changes.</summary>
    File = 1,

    /// <summary>One push button per class on GPIO inputs; the frame is labelled with the class whose button is held.</summary>
    Gpio = 2,
}

/// <summary>A sensor fault injected into the simulated buses for a window of frames (--simulate only).</summary>
public enum FieldFaultKind
{
    /// <summary>Every bus transfer throws (SPI/I2C IOException): BusError.</summary>
    Bus = 0,

    /// <summary>The converters return one code whatever the input: Stuck after the configured repeats.</summary>
    Stuck = 1,

    /// <summary>The converters return their highest code: RailSaturated.</summary>
    Rail = 2,

    /// <summary>The data-ready line stops moving: NotReady (needs sensor.data_ready_pin).</summary>
    NotReady = 3,
}

/// <summary>The sensor section.</summary>
public sealed class FieldSensorConfig
{
    /// <summary>ADC family. Default MCP3008.</summary>
    public FieldAdc Adc { get; set; } = FieldAdc.Mcp3008;

    /// <summary>MCP3008: channels per frame (8 per chip select). ADS1115: derived from addresses x inputs. Default 16.</summary>
    public int Channels { get; set; } = 16;

    /// <summary>MCP3008: SPI bus. Default 0.</summary>
    public int SpiBus { get; set; }

    /// <summary>MCP3008: chip-select lines, or null for CE0, CE1, ... as many as the channels need.</summary>
    public int[]? ChipSelects { get; set; }

    /// <summary>MCP3008: SPI clock, Hz. Default 1 MHz.</summary>
    public int SpiClockHz { get; set; } = 1_000_000;

    /// <summary>ADS1115: I2C bus. Default 1.</summary>
    public int I2cBus { get; set; } = 1;

    /// <summary>ADS1115: chip addresses, or null for 0x48, 0x49, ... as many as the channels need (three inputs each).</summary>
    public int[]? Addresses { get; set; }

    /// <summary>ADS1115: input multiplexer settings of each chip, or null for AIN0-AIN3, AIN1-AIN3, AIN2-AIN3.</summary>
    public InputMultiplexer[]? Inputs { get; set; }

    /// <summary>ADS1115: full-scale range. Default +/-2.048 V.</summary>
    public MeasuringRange Range { get; set; } = MeasuringRange.FS2048;

    /// <summary>ADS1115: data rate. Default 860 SPS.</summary>
    public DataRate DataRate { get; set; } = DataRate.SPS860;

    /// <summary>BCM pin of the data-ready input, or -1. Default -1.</summary>
    public int DataReadyPin { get; set; } = -1;

    /// <summary>BCM pin of the trigger output, or -1. Default -1.</summary>
    public int TriggerPin { get; set; } = -1;

    /// <summary>Data-ready timeout, ms. Default 100.</summary>
    public int DataReadyTimeoutMs { get; set; } = 100;

    /// <summary>Identical frames that make a frame Stuck (0 = off). Default 8.</summary>
    public int StuckFrames { get; set; } = 8;

    /// <summary>Channels at a rail that make a frame RailSaturated (0 = off). Default 1.</summary>
    public int RailChannels { get; set; } = 1;

    /// <summary>Amplifier gain on the board. Default 500.</summary>
    public int AmplifierGain { get; set; } = 500;

    /// <summary>
    /// Frames per second the sensor delivers (0 = one frame per learning step). When set, the loop reads every
    /// frame that fell due while it was learning, and the queue drops the oldest when it overflows.
    /// </summary>
    public double FrameRateHz { get; set; }

    /// <summary>Channels per frame these settings give.</summary>
    public int ChannelCount => Adc == FieldAdc.Mcp3008 ? Channels : BuildAds1115().ChannelCount;

    /// <summary>The MCP3008 front-end settings (validated).</summary>
    public Mcp3008FrontEndSettings BuildMcp3008()
    {
        Mcp3008FrontEndSettings s = Mcp3008FrontEndSettings.ForChannels(Math.Max(1, Channels));
        if (ChipSelects != null)
        {
            s.ChipSelectLines = (int[])ChipSelects.Clone();
        }

        s.Channels = Channels;
        s.SpiBusId = SpiBus;
        s.SpiClockFrequency = SpiClockHz;
        ApplyCommon(s);
        s.Validate();
        return s;
    }

    /// <summary>The ADS1115 front-end settings (validated).</summary>
    public Ads1115FrontEndSettings BuildAds1115()
    {
        var s = new Ads1115FrontEndSettings
        {
            I2cBusId = I2cBus,
            Range = Range,
            DataRate = DataRate,
        };
        if (Inputs != null)
        {
            s.Inputs = (InputMultiplexer[])Inputs.Clone();
        }

        if (Addresses != null)
        {
            s.Addresses = (int[])Addresses.Clone();
        }
        else
        {
            int chips = Math.Max(1, (Channels + s.Inputs.Length - 1) / s.Inputs.Length);
            s.Addresses = new int[chips];
            for (int i = 0; i < chips; i++)
            {
                s.Addresses[i] = 0x48 + i;
            }
        }

        ApplyCommon(s);
        s.Validate();
        return s;
    }

    private void ApplyCommon(SensorFrontEndSettings s)
    {
        s.DataReadyPin = DataReadyPin;
        s.TriggerPin = TriggerPin;
        s.DataReadyTimeout = TimeSpan.FromMilliseconds(DataReadyTimeoutMs);
        s.StuckFrameCount = StuckFrames;
        s.RailChannelThreshold = RailChannels;
        s.AmplifierGain = AmplifierGain;
    }
}

/// <summary>The learner section: a binary-weight EP network channels-hidden-classes.</summary>
public sealed class FieldLearnerConfig
{
    /// <summary>Classes the learner knows (the scene's initial plus novel classes under --simulate). Default 8.</summary>
    public int Classes { get; set; } = 8;

    /// <summary>Hidden neurons. Default 64.</summary>
    public int Hidden { get; set; } = 64;

    /// <summary>Seed of the initial weights and the learner's random streams. Default 1.</summary>
    public uint Seed { get; set; } = 1;

    /// <summary>Free-phase steps. Default 20.</summary>
    public int FreeSteps { get; set; } = 20;

    /// <summary>Nudged-phase steps. Default 8.</summary>
    public int NudgedSteps { get; set; } = 8;

    /// <summary>Nudging strength. Default 0.5.</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Mini-batch size. Default 8.</summary>
    public int Batch { get; set; } = 8;

    /// <summary>BOP accumulator width. Default 16.</summary>
    public int AccumulatorBits { get; set; } = 16;

    /// <summary>BOP gamma. Default 1e-4.</summary>
    public double Gamma { get; set; } = 1e-4;

    /// <summary>BOP threshold tau. Default 1e-4.</summary>
    public double Tau { get; set; } = 1e-4;

    /// <summary>Bias learning rate. Default 0.02.</summary>
    public double BiasLearningRate { get; set; } = 0.02;

    /// <summary>Kernel set: "auto" (fastest bit-exact host variant) or "reference". Default auto.</summary>
    public string Kernels { get; set; } = "auto";

    /// <summary>
    /// What an unlabelled frame does: "predict" (inference only) or "learn" (a self-defined target: k-WTA over the
    /// outputs minus a streaming homeostasis, ALGORITHMS.md section 4). Default predict.
    /// </summary>
    public string Unlabelled { get; set; } = "predict";

    /// <summary>Winners k of the self-defined target of unlabelled frames. Default 1.</summary>
    public int Winners { get; set; } = 1;

    /// <summary>
    /// Labelled frames learned before unlabelled ones are learned from (until then they are only predicted): a
    /// self-defined target from an untrained network teaches it noise. Default 1000.
    /// </summary>
    public int UnlabelledWarmUp { get; set; } = 1000;

    /// <summary>Homeostasis rate gamma_H, applied after every unlabelled frame learned from. Default 0.05.</summary>
    public double HomeostasisRate { get; set; } = 0.05;

    /// <summary>Rate eta of the homeostasis running average of winning. Default 1/16.</summary>
    public double HomeostasisAverageRate { get; set; } = 1.0 / 16;

    /// <summary>True when unlabelled frames are learned from.</summary>
    public bool LearnsFromUnlabelled => Unlabelled == "learn";

    /// <summary>The self-defined target settings of unlabelled frames (streaming homeostasis, no smoothing).</summary>
    public SelfDefinedTargetSettings BuildTargetSettings() => new()
    {
        Winners = Winners,
        Smoothing = 0,
        HomeostasisRate = HomeostasisRate,
        Mode = HomeostasisMode.Streaming,
        BatchSize = Batch,
        AverageRate = HomeostasisAverageRate,
        LeakShift = 0,
    };

    /// <summary>The learner settings (the demo's, with this section's values).</summary>
    public EquilibriumPropagationSettings BuildSettings() => new()
    {
        FreeSteps = FreeSteps,
        NudgedSteps = NudgedSteps,
        Beta = Beta,
        BatchSize = Batch,
        AccumulatorBits = AccumulatorBits,
        Gamma = new[] { Gamma },
        Tau = new[] { Tau },
        BiasLearningRate = new[] { BiasLearningRate },
        AlphaScale = new[] { 1.0 }, // as the demo: normalised sensor channels use the paper's scales
        Seed = Seed,
    };
}

/// <summary>The stream section.</summary>
public sealed class FieldStreamConfig
{
    /// <summary>Frames that can wait for learning before the oldest is dropped. Default 8.</summary>
    public int Queue { get; set; } = 8;

    /// <summary>Normaliser time constant, 2^shift frames. Default 8.</summary>
    public int NormalizerShift { get; set; } = 8;

    /// <summary>Stop after this many frame reads (0 = run until stopped). Default 0.</summary>
    public long MaxFrames { get; set; }

    /// <summary>Seconds between status lines (0 = none). Default 1.</summary>
    public double StatusSeconds { get; set; } = 1;

    /// <summary>Pause after a faulty read, ms, so a dead bus does not spin a core (0 under --simulate is fine). Default 10.</summary>
    public int FaultBackoffMs { get; set; } = 10;
}

/// <summary>The checkpoint section.</summary>
public sealed class FieldCheckpointConfig
{
    /// <summary>Checkpoint file (relative paths are relative to the configuration file). Default "edgelearn-field.ckpt".</summary>
    public string Path { get; set; } = "edgelearn-field.ckpt";

    /// <summary>Labelled samples between checkpoints (0 = only when stopping). Default 500.</summary>
    public int EverySamples { get; set; } = 500;

    /// <summary>Erase-block size of the file store, bytes. Default 4096.</summary>
    public int BlockSize { get; set; } = 4096;

    /// <summary>Blocks in the file (two slots of half each). Default 64 (256 KiB).</summary>
    public int Blocks { get; set; } = 64;
}

/// <summary>The labels section (real boards; --simulate takes labels from the scene).</summary>
public sealed class FieldLabelsConfig
{
    /// <summary>Label source. Default none.</summary>
    public FieldLabelSourceKind Source { get; set; } = FieldLabelSourceKind.None;

    /// <summary>File source: the file holding the current class (relative to the configuration file).</summary>
    public string? File { get; set; }

    /// <summary>File source: re-read the file at most this often, ms. Default 100.</summary>
    public int PollMs { get; set; } = 100;

    /// <summary>GPIO source: BCM pin of the button of class k at index k.</summary>
    public int[]? GpioPins { get; set; }

    /// <summary>GPIO source: buttons pull the line low (inputs with pull-ups). Default true.</summary>
    public bool GpioActiveLow { get; set; } = true;
}

/// <summary>One scheduled fault of the simulation.</summary>
public sealed class FieldFaultConfig
{
    /// <summary>What fails.</summary>
    public FieldFaultKind Kind { get; set; }

    /// <summary>First frame read (0-based, counted in this run) that sees the fault.</summary>
    public long FromFrame { get; set; }

    /// <summary>Frame reads the fault lasts.</summary>
    public long Frames { get; set; }
}

/// <summary>The simulation section (--simulate).</summary>
public sealed class FieldSimulationConfig
{
    /// <summary>Seed of the scene and the devices. Default 1.</summary>
    public uint Seed { get; set; } = 1;

    /// <summary>Classes that appear mid-stream (counted in learner.classes). Default 0.</summary>
    public int NovelClasses { get; set; }

    /// <summary>Scene sample from which novel classes are drawn (-1 = never). Default -1.</summary>
    public long NovelStart { get; set; } = -1;

    /// <summary>Label one frame in this many (1 = every frame). Default 1.</summary>
    public int LabelEvery { get; set; } = 1;

    /// <summary>Frequency drift per 1000 samples, Hz. Default 50 000 (the scene's default).</summary>
    public long FrequencyDriftHzPerThousand { get; set; } = 50_000;

    /// <summary>Power drift per 1000 samples, ppm. Default 10 000.</summary>
    public long PowerDriftPpmPerThousand { get; set; } = 10_000;

    /// <summary>Samples over which the drift grows before it turns back (0 = for ever). Default 100 000 (the scene's default).</summary>
    public long DriftHalfPeriod { get; set; } = 100_000;

    /// <summary>Scheduled faults.</summary>
    public List<FieldFaultConfig> Faults { get; } = new();
}

/// <summary>The whole configuration of a field run.</summary>
public sealed class FieldConfig
{
    /// <summary>Directory relative paths are resolved against (the configuration file's directory).</summary>
    public string BaseDirectory { get; set; } = ".";

    /// <summary>Sensor front-end.</summary>
    public FieldSensorConfig Sensor { get; } = new();

    /// <summary>Learner.</summary>
    public FieldLearnerConfig Learner { get; } = new();

    /// <summary>Stream.</summary>
    public FieldStreamConfig Stream { get; } = new();

    /// <summary>Checkpoints.</summary>
    public FieldCheckpointConfig Checkpoint { get; } = new();

    /// <summary>Labels on a real board.</summary>
    public FieldLabelsConfig Labels { get; } = new();

    /// <summary>Simulation.</summary>
    public FieldSimulationConfig Simulation { get; } = new();

    /// <summary>The checkpoint file's full path.</summary>
    public string CheckpointPath => System.IO.Path.GetFullPath(Checkpoint.Path, System.IO.Path.GetFullPath(BaseDirectory));

    /// <summary>The label file's full path, or null.</summary>
    public string? LabelFilePath => Labels.File == null ? null : System.IO.Path.GetFullPath(Labels.File, System.IO.Path.GetFullPath(BaseDirectory));
}
