// FieldSession: the field loop of `edgelearn field`, on a real Raspberry Pi or on the host simulator.
//
//   sensor (board front-end over real buses, or over HostSim's simulated buses with an RF scene)
//     -> FieldLearner.Acquire(label)     one frame read; faults counted, learning paused, nothing else touched
//     -> FieldLearner.LearnNext()        normalise, learn (labelled), learn with a self-defined target or predict
//                                        (unlabelled, per learner.unlabelled); every checkpoint.every_samples
//                                        learned frames a full checkpoint is committed to the A/B file store
// Open() builds everything from a FieldConfig and resumes from the newest committed checkpoint (learner,
// normaliser, totals, and under --simulate the scene position). Run() loops until the token is cancelled
// (Ctrl+C, SIGTERM), stream.max_frames reads were made or the scene ends, then learns the frames still queued
// and commits a final checkpoint.
//
// Pacing: with sensor.frame_rate_hz = 0 the loop reads one frame per learning step. With a rate, it reads
// every frame that fell due (by the wall clock) while it was learning, before the next step: when learning is
// slower than the sensor the queue fills and the oldest frame is dropped and counted (back-pressure). Bursts
// are capped at MaxBurst reads; frames beyond that are counted as missed (never read).
// Labels: under --simulate from the scene (one frame in simulation.label_every); on a board from the label
// source of the labels section. Scheduled faults (simulation.faults) act on the simulated chips and lines.
using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using System.Diagnostics;
using System.Threading;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Images;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Checkpoints;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.HostSim.Field;

/// <summary>Bus openers for a real board (null members use the real System.Device ones).</summary>
public sealed class FieldHardware
{
    /// <summary>Opens an SPI device (default SpiDevice.Create).</summary>
    public Func<SpiConnectionSettings, SpiDevice>? OpenSpi { get; init; }

    /// <summary>Opens an I2C device (default I2cDevice.Create).</summary>
    public Func<I2cConnectionSettings, I2cDevice>? OpenI2c { get; init; }

    /// <summary>Opens a GPIO controller (default new GpioController()).</summary>
    public Func<GpioController>? OpenGpio { get; init; }
}

/// <summary>Why a run ended.</summary>
public enum FieldStopReason
{
    /// <summary>Cancelled (Ctrl+C, SIGTERM, or the caller).</summary>
    Cancelled = 0,

    /// <summary>stream.max_frames frame reads were made.</summary>
    MaxFrames = 1,

    /// <summary>The simulated scene ended.</summary>
    SceneEnded = 2,
}

/// <summary>A snapshot of the loop for status lines.</summary>
public sealed record FieldStatus
{
    /// <summary>Seconds since Run started.</summary>
    public double Seconds { get; init; }

    /// <summary>Frame reads this session (good and faulty).</summary>
    public long SessionReads { get; init; }

    /// <summary>Frame reads per second over the last status interval.</summary>
    public double FramesPerSecond { get; init; }

    /// <summary>Learning steps (frames processed) per second over the last status interval.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>Totals across sessions (restored plus this session).</summary>
    public required FieldTotals Totals { get; init; }

    /// <summary>Prequential accuracy over the last FieldLearner.RecentWindow labelled frames of this session.</summary>
    public double RecentAccuracy { get; init; }

    /// <summary>Faulty reads this session: bus errors.</summary>
    public long BusErrors { get; init; }

    /// <summary>Faulty reads this session: stuck frames.</summary>
    public long Stuck { get; init; }

    /// <summary>Faulty reads this session: rail-saturated frames.</summary>
    public long RailSaturated { get; init; }

    /// <summary>Faulty reads this session: data-ready missing.</summary>
    public long NotReady { get; init; }

    /// <summary>Frames that fell due but were never read (burst cap).</summary>
    public long Missed { get; init; }

    /// <summary>True while learning is paused by a sensor fault.</summary>
    public bool Paused { get; init; }

    /// <summary>Frames waiting in the queue.</summary>
    public int Queued { get; init; }

    /// <summary>Checkpoints committed this session.</summary>
    public long Checkpoints { get; init; }

    /// <summary>Sequence number of the newest committed checkpoint (0 = none yet).</summary>
    public uint CheckpointSequence { get; init; }
}

/// <summary>What a run did.</summary>
public sealed record FieldRunResult
{
    /// <summary>Why it ended.</summary>
    public FieldStopReason StopReason { get; init; }

    /// <summary>The final status.</summary>
    public required FieldStatus Final { get; init; }

    /// <summary>Frame reads per second over the whole run.</summary>
    public double FramesPerSecond { get; init; }

    /// <summary>Learning steps per second over the whole run.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>
    /// Bytes allocated per frame read by the whole loop in steady state (after the first 100 reads): sensor read
    /// (bindings and buses; under --simulate also the simulator), learning step and checkpoints.
    /// </summary>
    public double AllocatedBytesPerFrame { get; init; }

    /// <summary>Bytes allocated per learning step alone (normalise, learn or predict; checkpoints included), steady state.</summary>
    public double AllocatedBytesPerStep { get; init; }
}

/// <summary>A field run: sensor, learner, normaliser, checkpoints and label source, built from a configuration.</summary>
public sealed class FieldSession : IDisposable
{
    /// <summary>Most frame reads in one burst (see the file header).</summary>
    public const int MaxBurst = 1024;

    private readonly FileBlockStore? fileStore;
    private readonly IDisposable? sourceOwner;
    private readonly ILabelSource labels;
    private readonly FieldTotals restored;
    private readonly SimulatedFaults? faults;
    private long sessionReads;
    private long missed;
    private long processedAtCommit = -1;

    private FieldSession(FieldConfig config, bool simulated, ISensorFrameSource source, IDisposable? sourceOwner, RfSensorRig? rig, ILabelSource labels,
        IBlockStore store, FileBlockStore? fileStore, Action<string>? warn)
    {
        Config = config;
        Simulated = simulated;
        Source = source;
        this.sourceOwner = sourceOwner;
        Rig = rig;
        this.labels = labels;
        this.fileStore = fileStore;
        FieldLearnerConfig lc = config.Learner;
        int channels = source.ChannelCount;
        var description = new NetworkDescription(new[] { channels, lc.Hidden, lc.Classes }, 1);
        EquilibriumPropagationSettings settings = lc.BuildSettings();
        var network = new EquilibriumPropagationNetwork(description, settings);
        network.Initialize(lc.Seed);
        KernelSet kernels = lc.Kernels == "reference" ? KernelSet.Reference : HostKernels.Best;
        Learner = new EquilibriumPropagationLearner(network, settings, kernels);
        if (lc.LearnsFromUnlabelled)
        {
            SemiSupervised = new SemiSupervisedClassifier(new EquilibriumPropagationTargetLearner(Learner), lc.Classes, lc.BuildTargetSettings());
        }

        Homeostasis? homeostasis = SemiSupervised?.Provider.SelfDefined.Homeostasis;
        Normalizer = new RunningNormalizer(channels, config.Stream.NormalizerShift);
        Store = new CheckpointStore(store, ImageLimits.Default);
        RestoreOutcome = FieldCheckpoint.TryRestore(Store, Learner, Normalizer, out restored, out uint sequence, out string? problem, homeostasis);
        RestoredSequence = sequence;
        RestoreProblem = problem;
        if (SemiSupervised != null)
        {
            // The warm-up counts labelled frames across restarts: a resumed learner is as trained as it was.
            SemiSupervised.WarmUpLabelledSamples = Math.Max(0, lc.UnlabelledWarmUp - restored.SamplesLearned);
        }

        Checkpoints = new FieldCheckpointWriter(Store, Learner, Normalizer, () => Totals, homeostasis);
        if (warn != null)
        {
            Checkpoints.Failed += warn;
        }

        Field = new FieldLearner(source, SemiSupervised ?? (ISupervisedLearner)Learner, Normalizer, config.Stream.Queue, config.Checkpoint.EverySamples, Checkpoints);
        Checkpoints.Committed += (_, _) => processedAtCommit = Field.FramesProcessed;
        if (rig != null)
        {
            faults = new SimulatedFaults(rig.Board, config.Simulation);
        }
    }

    /// <summary>The configuration.</summary>
    public FieldConfig Config { get; }

    /// <summary>True under --simulate.</summary>
    public bool Simulated { get; }

    /// <summary>The sensor the loop reads.</summary>
    public ISensorFrameSource Source { get; }

    /// <summary>The simulated sensing chain (null on a real board).</summary>
    public RfSensorRig? Rig { get; }

    /// <summary>The learner.</summary>
    public EquilibriumPropagationLearner Learner { get; }

    /// <summary>
    /// The semi-supervised wrapper of <see cref="Learner"/> that learns from unlabelled frames too
    /// (learner.unlabelled = learn), else null.
    /// </summary>
    public SemiSupervisedClassifier? SemiSupervised { get; }

    /// <summary>The normaliser.</summary>
    public RunningNormalizer Normalizer { get; }

    /// <summary>The field learner (queue, faults, prequential accuracy, checkpoint cadence).</summary>
    public FieldLearner Field { get; }

    /// <summary>The checkpoint store.</summary>
    public CheckpointStore Store { get; }

    /// <summary>The checkpoint writer.</summary>
    public FieldCheckpointWriter Checkpoints { get; }

    /// <summary>Whether the session resumed from a checkpoint.</summary>
    public FieldRestoreOutcome RestoreOutcome { get; }

    /// <summary>Sequence number of the checkpoint resumed from (0 when fresh).</summary>
    public uint RestoredSequence { get; }

    /// <summary>Totals restored from the checkpoint (zeros when fresh).</summary>
    public FieldTotals Restored => restored;

    /// <summary>Why the checkpoint could not be used (Incompatible only).</summary>
    public string? RestoreProblem { get; }

    /// <summary>
    /// Builds a session. Under <paramref name="simulate"/> the sensor is the simulated RF rig (scene -> MTJ array ->
    /// amplifier -> simulated ADCs -> the same board front-end); otherwise the board front-end opens real buses
    /// through <paramref name="hardware"/> (default: the real ones). Resumes from the checkpoint file; throws
    /// <see cref="FieldResumeException"/> when it holds a checkpoint that does not fit, leaving the file untouched.
    /// <paramref name="store"/> replaces the checkpoint file (tests: a simulated flash).
    /// </summary>
    public static FieldSession Open(FieldConfig config, bool simulate, FieldHardware? hardware = null, Action<string>? warn = null, IBlockStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        FieldConfigLoader.Validate(config);
        FileBlockStore? file = null;
        IDisposable? owner = null;
        ILabelSource? labels = null;
        RfSensorRig? rig = null;
        try
        {
            if (store == null)
            {
                file = FileBlockStore.Open(config.CheckpointPath, config.Checkpoint.BlockSize, config.Checkpoint.Blocks);
                store = file;
            }

            ISensorFrameSource source;
            if (simulate)
            {
                rig = CreateRig(config);
                source = rig.FrontEnd;
                owner = rig;
                labels = new NoLabelSource();
            }
            else
            {
                hardware ??= new FieldHardware();
                if (config.Sensor.Adc == FieldAdc.Mcp3008)
                {
                    Mcp3008FrontEnd fe = Mcp3008FrontEnd.Create(config.Sensor.BuildMcp3008(), hardware.OpenSpi, hardware.OpenGpio);
                    source = fe;
                    owner = fe;
                }
                else
                {
                    Ads1115FrontEnd fe = Ads1115FrontEnd.Create(config.Sensor.BuildAds1115(), hardware.OpenI2c, hardware.OpenGpio);
                    source = fe;
                    owner = fe;
                }

                labels = CreateLabelSource(config, hardware, warn);
            }

            var session = new FieldSession(config, simulate, source, owner, rig, labels, store, file, warn);
            if (session.RestoreOutcome == FieldRestoreOutcome.Incompatible)
            {
                throw new FieldResumeException($"checkpoint file '{config.CheckpointPath}' holds a checkpoint this configuration cannot resume: {session.RestoreProblem}. Point checkpoint.path at another file, or remove it to start fresh.");
            }

            if (rig != null && session.restored.ScenePosition > 0)
            {
                // Continue the scene where the checkpoint left it (its drift and class schedule depend on the position).
                var skip = new RfSample(Math.Max(1, rig.Scene.MaxToneCount));
                while (rig.Scene.Position < session.restored.ScenePosition && rig.Scene.TryNext(skip))
                {
                }
            }

            return session;
        }
        catch
        {
            labels?.Dispose();
            owner?.Dispose();
            file?.Dispose();
            throw;
        }
    }

    /// <summary>The totals now: restored plus this session.</summary>
    public FieldTotals Totals
    {
        get
        {
            FieldLearner? f = Field;
            long faulty = f == null ? 0 : f.Faults(SensorStatus.BusError) + f.Faults(SensorStatus.Stuck) + f.Faults(SensorStatus.RailSaturated) + f.Faults(SensorStatus.NotReady);
            return new FieldTotals
            {
                FramesRead = restored.FramesRead + (f?.FramesRead ?? 0),
                SamplesLearned = restored.SamplesLearned + (f?.SamplesLearned ?? 0),
                SamplesSelfLearned = restored.SamplesSelfLearned + (f?.SamplesSelfLearned ?? 0),
                CorrectPredictions = restored.CorrectPredictions + (f?.CorrectPredictions ?? 0),
                FramesDropped = restored.FramesDropped + (f?.FramesDropped ?? 0),
                FaultyFrames = restored.FaultyFrames + faulty,
                Recoveries = restored.Recoveries + (f?.Recoveries ?? 0),
                ScenePosition = Rig?.Scene.Position ?? 0,
            };
        }
    }

    /// <summary>
    /// Runs the loop until <paramref name="token"/> is cancelled, max_frames reads were made or the scene ends;
    /// <paramref name="status"/> is called every stream.status_seconds. Commits a final checkpoint when anything was
    /// learned or normalised since the last one.
    /// </summary>
    public FieldRunResult Run(CancellationToken token, Action<FieldStatus>? status = null)
    {
        FieldConfig c = Config;
        double rate = c.Sensor.FrameRateHz;
        long maxFrames = c.Stream.MaxFrames;
        long statusTicks = (long)(c.Stream.StatusSeconds * Stopwatch.Frequency);
        int backoff = Simulated ? 0 : c.Stream.FaultBackoffMs;
        long start = Stopwatch.GetTimestamp();
        long lastStatus = start;
        long lastReads = 0;
        long lastSteps = Field.FramesProcessed;
        long allocStart = 0;
        long readsAtAllocStart = 0;
        long stepAllocated = 0;
        long stepsMeasured = 0;
        FieldStopReason reason = FieldStopReason.Cancelled;
        long sessionStartReads = sessionReads;
        long missedAtStart = missed;
        double lastFps = 0;
        double lastSps = 0;
        while (!token.IsCancellationRequested)
        {
            if (maxFrames > 0 && sessionReads - sessionStartReads >= maxFrames)
            {
                reason = FieldStopReason.MaxFrames;
                break;
            }

            long reads = 1;
            if (rate > 0)
            {
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                long due = (long)(elapsed * rate) + 1 - (sessionReads - sessionStartReads) - (missed - missedAtStart);
                if (due <= 0 && Field.Queued == 0)
                {
                    double wait = ((sessionReads - sessionStartReads + missed - missedAtStart) / rate) - elapsed;
                    if (wait > 0.0005)
                    {
                        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(wait, 0.05)));
                    }

                    continue;
                }

                reads = Math.Max(0, due);
                if (reads > MaxBurst)
                {
                    missed += reads - MaxBurst;
                    reads = MaxBurst;
                }
            }

            if (maxFrames > 0)
            {
                reads = Math.Min(reads, maxFrames - (sessionReads - sessionStartReads));
            }

            bool ended = false;
            for (long r = 0; r < reads; r++)
            {
                if (!ReadOne(backoff, token))
                {
                    ended = true;
                    break;
                }
            }

            if (ended)
            {
                reason = FieldStopReason.SceneEnded;
                break;
            }

            long beforeStep = GC.GetAllocatedBytesForCurrentThread();
            bool stepped = Field.LearnNext(out int _);
            if (readsAtAllocStart > 0 && stepped)
            {
                stepAllocated += GC.GetAllocatedBytesForCurrentThread() - beforeStep;
                stepsMeasured++;
            }

            if (readsAtAllocStart == 0 && sessionReads - sessionStartReads >= 100)
            {
                allocStart = GC.GetAllocatedBytesForCurrentThread();
                readsAtAllocStart = sessionReads;
            }

            long now = Stopwatch.GetTimestamp();
            if (statusTicks > 0 && now - lastStatus >= statusTicks)
            {
                double dt = (now - lastStatus) / (double)Stopwatch.Frequency;
                lastFps = (sessionReads - lastReads) / dt;
                lastSps = (Field.FramesProcessed - lastSteps) / dt;
                status?.Invoke(Snapshot(start, lastFps, lastSps));
                lastStatus = now;
                lastReads = sessionReads;
                lastSteps = Field.FramesProcessed;
            }
        }

        double allocated = sessionReads > readsAtAllocStart && readsAtAllocStart > 0
            ? (GC.GetAllocatedBytesForCurrentThread() - allocStart) / (double)(sessionReads - readsAtAllocStart)
            : double.NaN;
        // Learn what was read: the queue holds at most stream.queue frames (nothing while paused by a fault).
        while (Field.LearnNext(out int _))
        {
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (SemiSupervised != null)
        {
            SemiSupervised.EndBatch();
        }
        else
        {
            Learner.EndBatch();
        }

        if (Field.FramesProcessed > 0 && Field.FramesProcessed != processedAtCommit)
        {
            // Everything this session learned or normalised since the last periodic checkpoint.
            Checkpoints.WriteCheckpoint(Field.SamplesLearned + Field.SamplesSelfLearned);
        }

        return new FieldRunResult
        {
            StopReason = reason,
            Final = Snapshot(start, lastFps, lastSps),
            FramesPerSecond = seconds > 0 ? (sessionReads - sessionStartReads) / seconds : 0,
            StepsPerSecond = seconds > 0 ? Field.FramesProcessed / seconds : 0,
            AllocatedBytesPerFrame = allocated,
            AllocatedBytesPerStep = stepsMeasured > 0 ? stepAllocated / (double)stepsMeasured : double.NaN,
        };
    }

    /// <summary>Closes the sensor (and its buses), the label source and the checkpoint file.</summary>
    public void Dispose()
    {
        labels.Dispose();
        sourceOwner?.Dispose();
        fileStore?.Dispose();
    }

    private static RfSensorRig CreateRig(FieldConfig config)
    {
        FieldSimulationConfig sim = config.Simulation;
        var sceneSettings = new RfFingerprintSceneSettings
        {
            InitialClassCount = config.Learner.Classes - sim.NovelClasses,
            NovelClassCount = sim.NovelClasses,
            NovelClassStart = sim.NovelClasses > 0 ? sim.NovelStart : -1,
            FrequencyDriftHzPerThousand = sim.FrequencyDriftHzPerThousand,
            PowerDriftPpmPerThousand = sim.PowerDriftPpmPerThousand,
            DriftHalfPeriod = sim.DriftHalfPeriod,
        };
        var scene = new RfFingerprintScene(sceneSettings, sim.Seed);
        var array = new SpinDiodeParameters { ChannelCount = config.Sensor.ChannelCount };
        return config.Sensor.Adc == FieldAdc.Mcp3008
            ? RfSensorRig.CreateMcp3008(scene, array, sim.Seed, config.Sensor.BuildMcp3008())
            : RfSensorRig.CreateAds1115(scene, array, sim.Seed, config.Sensor.BuildAds1115());
    }

    private static ILabelSource CreateLabelSource(FieldConfig config, FieldHardware hardware, Action<string>? warn)
    {
        FieldLabelsConfig l = config.Labels;
        return l.Source switch
        {
            FieldLabelSourceKind.File => new FileLabelSource(config.LabelFilePath!, config.Learner.Classes, l.PollMs, warn),
            FieldLabelSourceKind.Gpio => new GpioButtonLabelSource(hardware.OpenGpio != null ? hardware.OpenGpio() : new GpioController(), l.GpioPins!, l.GpioActiveLow),
            _ => new NoLabelSource(),
        };
    }

    // One frame read: under --simulate the scene advances and the scheduled faults are applied first.
    private bool ReadOne(int backoffMs, CancellationToken token)
    {
        int label;
        if (Rig != null)
        {
            faults!.Apply(sessionReads);
            if (!Rig.Advance())
            {
                return false;
            }

            label = Rig.Current.Index % Config.Simulation.LabelEvery == 0 ? Rig.Current.Label : -1;
        }
        else
        {
            label = labels.NextLabel();
            if (label >= Learner.ClassCount)
            {
                label = -1;
            }
        }

        bool ok = Field.Acquire(label);
        sessionReads++;
        if (!ok && backoffMs > 0)
        {
            token.WaitHandle.WaitOne(backoffMs);
        }

        return true;
    }

    private FieldStatus Snapshot(long start, double fps, double sps) => new()
    {
        Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds,
        SessionReads = sessionReads,
        FramesPerSecond = fps,
        StepsPerSecond = sps,
        Totals = Totals,
        RecentAccuracy = Field.RecentAccuracy,
        BusErrors = Field.Faults(SensorStatus.BusError),
        Stuck = Field.Faults(SensorStatus.Stuck),
        RailSaturated = Field.Faults(SensorStatus.RailSaturated),
        NotReady = Field.Faults(SensorStatus.NotReady),
        Missed = missed,
        Paused = Field.Paused,
        Queued = Field.Queued,
        Checkpoints = Checkpoints.CommitCount,
        CheckpointSequence = Checkpoints.LastSequence != 0 ? Checkpoints.LastSequence : RestoredSequence,
    };

    // Applies simulation.faults to every simulated chip and the data-ready line, by frame-read index.
    private sealed class SimulatedFaults
    {
        private readonly SimulatedBoard board;
        private readonly FieldSimulationConfig config;
        private bool bus;
        private bool stuck;
        private bool rail;
        private bool notReady;

        public SimulatedFaults(SimulatedBoard board, FieldSimulationConfig config)
        {
            this.board = board;
            this.config = config;
        }

        public void Apply(long read)
        {
            if (config.Faults.Count == 0)
            {
                return;
            }

            bool b = false;
            bool s = false;
            bool r = false;
            bool n = false;
            foreach (FieldFaultConfig f in config.Faults)
            {
                if (read >= f.FromFrame && read - f.FromFrame < f.Frames)
                {
                    b |= f.Kind == FieldFaultKind.Bus;
                    s |= f.Kind == FieldFaultKind.Stuck;
                    r |= f.Kind == FieldFaultKind.Rail;
                    n |= f.Kind == FieldFaultKind.NotReady;
                }
            }

            if (b == bus && s == stuck && r == rail && n == notReady)
            {
                return;
            }

            bus = b;
            stuck = s;
            rail = r;
            notReady = n;
            foreach (SimulatedMcp3008 chip in board.Mcp3008Chips)
            {
                Set(chip.Faults, 600);
            }

            foreach (SimulatedAds1115 chip in board.Ads1115Chips)
            {
                Set(chip.Faults, 1234);
            }

            board.SetDataReadyMissing(notReady);
        }

        private void Set(AdcFaults f, int stuckCode)
        {
            f.FailAllTransfers = bus;
            f.StuckCode = stuck ? stuckCode : null;
            f.Rail = rail ? RailFault.High : RailFault.None;
        }
    }
}

/// <summary>The checkpoint file holds a checkpoint the configuration cannot resume.</summary>
public sealed class FieldResumeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FieldResumeException(string message)
        : base(message)
    {
    }
}
