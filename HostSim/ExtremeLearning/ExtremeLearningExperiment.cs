// ExtremeLearningExperiment: extreme learning on spintronic features against a software random-feature layer of
// the same width (ALGORITHMS.md section 5), both with the same fixed-point readout trained the same way.
//
//   hardware  RF input -> SpintronicNeuronLayer (MTJ synapses + settled STNO neurons, device noise)
//             -> amplifier -> simulated MCP3008s -> real Iot.Device.Adc.Mcp3008 binding (board front-end) -> codes
//             -> SensorCodeConverter -> RunningNormalizer -> ExtremeLearningReadout
//   software  RF input as a spectrum (SpectrumBins) -> RandomFeatureLayer (random projection + the same nonlinearity,
//             float64, no noise) -> Q15 codes -> RunningNormalizer -> ExtremeLearningReadout
// Both layers are calibrated once on the first CalibrationInputs training inputs (each unit's bias and gain), then
// frozen. The readouts learn test-then-train for Epochs passes (the rate halves after each), then predict the test
// stream with frozen normalisers. The float64 readout oracle replays the hardware features in the same order.
using System;
using System.Diagnostics;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.HostSim.Scenes;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.ExtremeLearning;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.HostSim.ExtremeLearning;

/// <summary>The RF input as a vector: tone powers gathered into the bins of a frequency grid, over a reference power.</summary>
public sealed class SpectrumBins
{
    private readonly long[] grid;
    private readonly double reference;

    /// <summary>Bins centred on <paramref name="gridHz"/> (ascending); powers are divided by <paramref name="referencePicowatts"/>.</summary>
    public SpectrumBins(long[] gridHz, long referencePicowatts)
    {
        ArgumentNullException.ThrowIfNull(gridHz);
        if (gridHz.Length == 0)
        {
            throw new ArgumentException("the grid needs at least one frequency", nameof(gridHz));
        }

        for (int i = 1; i < gridHz.Length; i++)
        {
            if (gridHz[i] <= gridHz[i - 1])
            {
                throw new ArgumentException($"grid frequencies must ascend; [{i}] = {gridHz[i]} Hz after {gridHz[i - 1]} Hz", nameof(gridHz));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(referencePicowatts, 1);
        grid = (long[])gridHz.Clone();
        reference = referencePicowatts;
    }

    /// <summary>P, the number of bins.</summary>
    public int Count => grid.Length;

    /// <summary>A linear grid of <paramref name="count"/> bins over [min, max].</summary>
    public static long[] LinearGrid(long minHz, long maxHz, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var g = new long[count];
        for (int i = 0; i < count; i++)
        {
            g[i] = count == 1 ? minHz : minHz + SimMath.MulDivRound(maxHz - minHz, i, count - 1);
        }

        return g;
    }

    /// <summary>Fills <paramref name="x"/>[offset .. offset + P) with the binned powers of <paramref name="sample"/>.</summary>
    public void Fill(RfSample sample, double[] x, int offset)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(x);
        Array.Clear(x, offset, grid.Length);
        for (int t = 0; t < sample.ToneCount; t++)
        {
            long f = sample.FrequenciesHz[t];
            int i = Array.BinarySearch(grid, f);
            if (i < 0)
            {
                i = ~i;
                if (i == grid.Length || (i > 0 && f - grid[i - 1] <= grid[i] - f))
                {
                    i--;
                }
            }

            x[offset + i] += sample.PowersPicowatts[t] / reference;
        }
    }
}

/// <summary>Settings of the extreme-learning comparison.</summary>
public sealed class ExtremeLearningSettings
{
    /// <summary>Width H of both feature layers (MTJ channels = neurons = random features). Default 256.</summary>
    public int Features { get; init; } = 256;

    /// <summary>Spin diodes per channel (series chain, alternating signs). Default 1.</summary>
    public int ChainLength { get; init; } = 1;

    /// <summary>Passes over the training stream. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Training inputs used to calibrate both layers. Default 256.</summary>
    public int CalibrationInputs { get; init; } = 256;

    /// <summary>Seed of the devices and the random projection. Default 1.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>Normaliser time constant, 2^shift frames. Default 12.</summary>
    public int NormalizerShift { get; init; } = 12;

    /// <summary>Readout rate shift p (rate 2^-p) of the first epoch, or null for ExtremeLearningReadout.DefaultRateShift.</summary>
    public int? RateShift { get; init; }

    /// <summary>Amplifier gain between the neurons' detectors and the ADCs. Default 1000 (0 .. 1.5 mV -> 0 .. 1.5 V).</summary>
    public int AmplifierGain { get; init; } = 1000;

    /// <summary>Amplifier output for a zero detector voltage, nV. Default 200 mV (the detector is unipolar).</summary>
    public long AmplifierMidNanovolts { get; init; } = 200_000_000;

    /// <summary>Run the float64 readout oracle on the hardware features.</summary>
    public bool Oracle { get; init; } = true;

    /// <summary>Kernel set of the readouts.</summary>
    public KernelSet Kernels { get; init; } = KernelSet.Reference;
}

/// <summary>What the comparison measured.</summary>
public sealed class ExtremeLearningResult
{
    /// <summary>Test accuracy with the MTJ-array features (fixed-point readout).</summary>
    public double HardwareTestAccuracy { get; init; }

    /// <summary>Test accuracy with the software random features (same fixed-point readout).</summary>
    public double SoftwareTestAccuracy { get; init; }

    /// <summary>Test accuracy of the float64 readout on the MTJ features (NaN when it did not run).</summary>
    public double OracleTestAccuracy { get; init; } = double.NaN;

    /// <summary>Prequential accuracy of the last epoch, MTJ features.</summary>
    public double HardwareTrainAccuracy { get; init; }

    /// <summary>Prequential accuracy of the last epoch, software features.</summary>
    public double SoftwareTrainAccuracy { get; init; }

    /// <summary>Training samples per epoch.</summary>
    public int TrainSamples { get; init; }

    /// <summary>Test samples.</summary>
    public int TestSamples { get; init; }

    /// <summary>Frames the front-end reported faulty (skipped); expected 0.</summary>
    public long FaultyFrames { get; init; }

    /// <summary>Lowest and highest ADC code seen (how much of the converter the features use).</summary>
    public int MinCode { get; init; }

    /// <summary>Highest ADC code seen.</summary>
    public int MaxCode { get; init; }

    /// <summary>Seconds of training and testing (both paths).</summary>
    public double Seconds { get; init; }

    /// <summary>Seconds spent in the hardware readout alone (training).</summary>
    public double ReadoutTrainSeconds { get; init; }

    /// <summary>Readout rate shift of the first epoch.</summary>
    public int RateShift { get; init; }

    /// <summary>Memory plan of one readout.</summary>
    public required MemoryPlan ReadoutMemory { get; init; }

    /// <summary>Every device parameter and calibration, for the run log.</summary>
    public required string Description { get; init; }
}

/// <summary>Runs the comparison (see the file header).</summary>
public static class ExtremeLearningExperiment
{
    /// <summary>
    /// Trains on <paramref name="trainScene"/>() (called once per epoch and once for calibration; each call must
    /// return the same stream of <paramref name="trainCount"/> samples, order may differ per epoch) and tests on
    /// <paramref name="testScene"/> (<paramref name="testCount"/> samples). <paramref name="bins"/> gives the software
    /// layer its input. <paramref name="progress"/> receives (samples done, total).
    /// </summary>
    public static ExtremeLearningResult Run(Func<int, IRfScene> trainScene, int trainCount, IRfScene testScene, int testCount, int classCount,
        SpectrumBins bins, SpinDiodeParameters arrayParameters, ExtremeLearningSettings settings, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainScene);
        ArgumentNullException.ThrowIfNull(testScene);
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentNullException.ThrowIfNull(arrayParameters);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(testCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Epochs, 1);
        int h = settings.Features;
        int p = bins.Count;
        var array = new SpinDiodeArray(new SpinDiodeParameters
        {
            ChannelCount = h,
            ChainLength = settings.ChainLength,
            MinResonanceHz = arrayParameters.MinResonanceHz,
            MaxResonanceHz = arrayParameters.MaxResonanceHz,
            SensitivityNanovoltsPerMicrowatt = arrayParameters.SensitivityNanovoltsPerMicrowatt,
        }, settings.Seed);
        var neurons = new SpintronicNeuronLayer(array, new StnoParameters(), settings.Seed);
        var afe = new AnalogFrontEnd(neurons, new AnalogFrontEndParameters { Gain = settings.AmplifierGain, MidNanovolts = settings.AmplifierMidNanovolts });
        Mcp3008FrontEndSettings boardSettings = Mcp3008FrontEndSettings.ForChannels(h);
        boardSettings.AmplifierGain = settings.AmplifierGain;
        using SimulatedBoard board = SimulatedBoard.CreateMcp3008(afe, boardSettings, null, afe.Parameters.SupplyNanovolts);
        var software = new RandomFeatureLayer(h, p, settings.Seed);

        // Calibration on the first training inputs: the same inputs for both layers.
        int calibration = Math.Min(settings.CalibrationInputs, trainCount);
        IRfScene cal = trainScene(0);
        var sample = new RfSample(Math.Max(1, cal.MaxToneCount));
        var calInputs = new double[calibration * p];
        var calSamples = new RfSample[calibration];
        for (int i = 0; i < calibration; i++)
        {
            calSamples[i] = new RfSample(Math.Max(1, cal.MaxToneCount));
            if (!cal.TryNext(calSamples[i]))
            {
                throw new InvalidOperationException($"the training scene ended after {i} calibration samples");
            }

            bins.Fill(calSamples[i], calInputs, i * p);
        }

        neurons.Calibrate(calibration, i => array.SetTones(calSamples[i].FrequenciesHz, calSamples[i].PowersPicowatts, calSamples[i].ToneCount));
        software.Calibrate(calInputs, calibration);

        int rate = settings.RateShift ?? ExtremeLearningReadout.DefaultRateShift(h);
        var hwReadout = new ExtremeLearningReadout(h, classCount, rate, settings.Kernels);
        var swReadout = new ExtremeLearningReadout(h, classCount, rate, settings.Kernels);
        ReadoutOracle? oracle = settings.Oracle ? new ReadoutOracle(h, classCount, rate) : null;
        var hwNorm = new RunningNormalizer(h, settings.NormalizerShift);
        var swNorm = new RunningNormalizer(h, settings.NormalizerShift);
        var codes = new short[h];
        var hwValues = new short[h];
        var hwInputs = new short[h];
        var swValues = new short[h];
        var swInputs = new short[h];
        var x = new double[p];
        var features = new double[h];
        long faulty = 0;
        int minCode = int.MaxValue;
        int maxCode = int.MinValue;
        long total = ((long)trainCount * settings.Epochs) + testCount;
        long done = 0;
        long readoutTicks = 0;
        int hwRight = 0;
        int swRight = 0;
        long start = Stopwatch.GetTimestamp();

        bool Read(RfSample s)
        {
            array.SetTones(s.FrequenciesHz, s.PowersPicowatts, s.ToneCount);
            board.FrontEnd.TryReadFrame(codes, 0, out SensorStatus status);
            if (status != SensorStatus.Ok)
            {
                faulty++;
                return false;
            }

            for (int k = 0; k < h; k++)
            {
                minCode = Math.Min(minCode, codes[k]);
                maxCode = Math.Max(maxCode, codes[k]);
            }

            SensorCodeConverter.ToQ15(board.FrontEnd.CodeFormat, codes, 0, hwValues, 0, h);
            bins.Fill(s, x, 0);
            software.Compute(x, 0, features);
            for (int k = 0; k < h; k++)
            {
                swValues[k] = RandomFeatureLayer.ToQ15Code(features[k]);
            }

            return true;
        }

        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            hwReadout.RateShift = Math.Min(30, rate + epoch);
            swReadout.RateShift = hwReadout.RateShift;
            if (oracle != null)
            {
                oracle.RateShift = hwReadout.RateShift;
            }

            IRfScene scene = trainScene(epoch);
            hwRight = 0;
            swRight = 0;
            for (int i = 0; i < trainCount; i++)
            {
                if (!scene.TryNext(sample))
                {
                    throw new InvalidOperationException($"the training scene ended after {i} of {trainCount} samples (epoch {epoch})");
                }

                done++;
                if (!Read(sample))
                {
                    continue;
                }

                hwNorm.Update(hwValues, 0, hwInputs, 0);
                swNorm.Update(swValues, 0, swInputs, 0);
                long t0 = Stopwatch.GetTimestamp();
                hwRight += hwReadout.TrainSample(hwInputs, 0, sample.Label) == sample.Label ? 1 : 0;
                readoutTicks += Stopwatch.GetTimestamp() - t0;
                swRight += swReadout.TrainSample(swInputs, 0, sample.Label) == sample.Label ? 1 : 0;
                oracle?.TrainSample(hwInputs, 0, sample.Label);
                if (done % 1000 == 0)
                {
                    progress?.Invoke(done, total);
                }
            }
        }

        int hwTest = 0;
        int swTest = 0;
        int oracleTest = 0;
        for (int i = 0; i < testCount; i++)
        {
            if (!testScene.TryNext(sample))
            {
                throw new InvalidOperationException($"the test scene ended after {i} of {testCount} samples");
            }

            done++;
            if (!Read(sample))
            {
                continue;
            }

            hwNorm.Normalize(hwValues, 0, hwInputs, 0);
            swNorm.Normalize(swValues, 0, swInputs, 0);
            hwTest += hwReadout.Predict(hwInputs, 0) == sample.Label ? 1 : 0;
            swTest += swReadout.Predict(swInputs, 0) == sample.Label ? 1 : 0;
            oracleTest += oracle != null && oracle.Predict(hwInputs, 0) == sample.Label ? 1 : 0;
            if (done % 1000 == 0)
            {
                progress?.Invoke(done, total);
            }
        }

        return new ExtremeLearningResult
        {
            HardwareTestAccuracy = hwTest / (double)testCount,
            SoftwareTestAccuracy = swTest / (double)testCount,
            OracleTestAccuracy = oracle != null ? oracleTest / (double)testCount : double.NaN,
            HardwareTrainAccuracy = hwRight / (double)trainCount,
            SoftwareTrainAccuracy = swRight / (double)trainCount,
            TrainSamples = trainCount,
            TestSamples = testCount,
            FaultyFrames = faulty,
            MinCode = minCode,
            MaxCode = maxCode,
            Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds,
            ReadoutTrainSeconds = readoutTicks / (double)Stopwatch.Frequency,
            RateShift = rate,
            ReadoutMemory = hwReadout.Memory,
            Description = array.Parameters.Describe() + afe.Parameters.Describe() + neurons.Describe(),
        };
    }
}
