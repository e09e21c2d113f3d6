// RfFingerprintScene: K emitter classes, each a few tones, with jitter, slow drift, interferers and classes
// that appear mid-stream (SPINTRONICS.md section 5, "RF fingerprints").
//
// Frozen at construction (stream SceneSignature, index = class): class c has T tones with frequency
// f_ct uniform in the band and power P_ct uniform in [P_min, P_max], and drift directions d_ct, e_ct in
// {-1, +1}. Sample n (stream SceneStream, draws in a fixed order whatever the settings):
//   label  uniform over the classes active at n (the K initial ones, plus the novel ones from NovelClassStart on)
//   f = f_ct + d_ct drift_f m / 1000 + sigma_f X                       (Hz, floored at 1 Hz)
//   P = P_ct (1 + e_ct drift_P m / 1000 / 1e6) (1 + sigma_P X)          (pW, floored at 0; factors floored at 0.1)
//   m = the drift position, a triangle wave of n: m = n for n <= H, then back down to 0 at 2H, up again, and so on
//       (H = DriftHalfPeriod; 0 = linear for ever, m = n). Drift stays bounded in a long stream, as a thermal
//       cycle would, instead of carrying the tones out of the band; the first H samples are the linear drift.
//   with probability q, one interferer tone, uniform in the band, power uniform in [0, P_int]
// Glossary: K initial classes, N novel classes, T tones per class, n sample index.
using System;
using System.Globalization;
using System.Text;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>Settings of an <see cref="RfFingerprintScene"/>; defaults keep a 16-channel array inside the MCP3008's range at G = 500.</summary>
    public sealed class RfFingerprintSceneSettings
    {
        /// <summary>Classes present from the start, K. Default 4.</summary>
        public int InitialClassCount { get; set; } = 4;

        /// <summary>Classes that appear mid-stream, N. Default 1.</summary>
        public int NovelClassCount { get; set; } = 1;

        /// <summary>Sample index from which the novel classes are drawn too (-1: never). Default 2000.</summary>
        public long NovelClassStart { get; set; } = 2000;

        /// <summary>Tones per class, T. Default 3.</summary>
        public int TonesPerClass { get; set; } = 3;

        /// <summary>Lowest tone frequency, Hz. Default 20 MHz (the default resonance grid's lower end).</summary>
        public long BandMinHz { get; set; } = 20_000_000;

        /// <summary>Highest tone frequency, Hz. Default 120 MHz.</summary>
        public long BandMaxHz { get; set; } = 120_000_000;

        /// <summary>Lowest class tone power, pW. Default 20 000 (0.02 uW).</summary>
        public long MinTonePowerPicowatts { get; set; } = 20_000;

        /// <summary>Highest class tone power, pW. Default 150 000 (0.15 uW: 1.3 mV at peak sensitivity, inside +/-3.3 mV at G = 500).</summary>
        public long MaxTonePowerPicowatts { get; set; } = 150_000;

        /// <summary>Relative power jitter per sample, ppm. Default 100 000 (10%).</summary>
        public long PowerJitterPpm { get; set; } = 100_000;

        /// <summary>Frequency jitter per sample, Hz (standard deviation). Default 20 000 (20 kHz, a tenth of the narrowest half-width).</summary>
        public long FrequencyJitterHz { get; set; } = 20_000;

        /// <summary>Frequency drift per 1000 samples, Hz (direction frozen per tone). Default 50 000.</summary>
        public long FrequencyDriftHzPerThousand { get; set; } = 50_000;

        /// <summary>Power drift per 1000 samples, ppm (direction frozen per tone). Default 10 000 (1%).</summary>
        public long PowerDriftPpmPerThousand { get; set; } = 10_000;

        /// <summary>
        /// Samples over which the drift grows before it turns back (a triangle wave of period 2H; 0 = grows for ever).
        /// Default 100 000: at the default rates at most 5 MHz and 100 %.
        /// </summary>
        public long DriftHalfPeriod { get; set; } = 100_000;

        /// <summary>Probability of an interferer tone per sample, ppm. Default 50 000 (5%).</summary>
        public long InterfererProbabilityPpm { get; set; } = 50_000;

        /// <summary>Highest interferer power, pW. Default 100 000.</summary>
        public long InterfererMaxPowerPicowatts { get; set; } = 100_000;

        /// <summary>Samples in the stream (-1: endless). Default -1.</summary>
        public long Length { get; set; } = -1;

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
        public void Validate()
        {
            Check(InitialClassCount >= 1 && InitialClassCount <= 4096, nameof(InitialClassCount), InitialClassCount, "1..4096");
            Check(NovelClassCount >= 0 && NovelClassCount <= 4096, nameof(NovelClassCount), NovelClassCount, "0..4096");
            Check(NovelClassStart >= -1, nameof(NovelClassStart), NovelClassStart, ">= -1");
            Check(TonesPerClass >= 1 && TonesPerClass <= 1024, nameof(TonesPerClass), TonesPerClass, "1..1024");
            Check(BandMinHz >= 1, nameof(BandMinHz), BandMinHz, ">= 1 Hz");
            Check(BandMaxHz >= BandMinHz && BandMaxHz <= 1_000_000_000_000L, nameof(BandMaxHz), BandMaxHz, "BandMinHz .. 1e12 Hz");
            Check(MinTonePowerPicowatts >= 0, nameof(MinTonePowerPicowatts), MinTonePowerPicowatts, ">= 0 pW");
            Check(MaxTonePowerPicowatts >= MinTonePowerPicowatts && MaxTonePowerPicowatts <= 1_000_000_000, nameof(MaxTonePowerPicowatts), MaxTonePowerPicowatts, "MinTonePowerPicowatts .. 1e9 pW");
            Check(PowerJitterPpm >= 0 && PowerJitterPpm <= 1_000_000, nameof(PowerJitterPpm), PowerJitterPpm, "0..1e6 ppm");
            Check(FrequencyJitterHz >= 0 && FrequencyJitterHz <= 1_000_000_000, nameof(FrequencyJitterHz), FrequencyJitterHz, "0..1e9 Hz");
            Check(FrequencyDriftHzPerThousand >= 0 && FrequencyDriftHzPerThousand <= 1_000_000_000, nameof(FrequencyDriftHzPerThousand), FrequencyDriftHzPerThousand, "0..1e9 Hz");
            Check(PowerDriftPpmPerThousand >= 0 && PowerDriftPpmPerThousand <= 1_000_000, nameof(PowerDriftPpmPerThousand), PowerDriftPpmPerThousand, "0..1e6 ppm");
            Check(DriftHalfPeriod >= 0 && DriftHalfPeriod <= long.MaxValue / 2, nameof(DriftHalfPeriod), DriftHalfPeriod, "0 .. 2^62 samples");
            Check(InterfererProbabilityPpm >= 0 && InterfererProbabilityPpm <= 1_000_000, nameof(InterfererProbabilityPpm), InterfererProbabilityPpm, "0..1e6 ppm");
            Check(InterfererMaxPowerPicowatts >= 0 && InterfererMaxPowerPicowatts <= 1_000_000_000, nameof(InterfererMaxPowerPicowatts), InterfererMaxPowerPicowatts, "0..1e9 pW");
            Check(Length >= -1, nameof(Length), Length, ">= -1");
        }

        private static void Check(bool ok, string name, long value, string range)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, name + " must be in " + range + ", was " + value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>RF fingerprints of emitter classes with jitter, drift, interferers and novel classes. Deterministic per seed.</summary>
    public sealed class RfFingerprintScene : IRfScene
    {
        private readonly RfFingerprintSceneSettings _s;
        private readonly long[] _freq;    // [classes * T]
        private readonly long[] _power;   // [classes * T]
        private readonly int[] _fdir;     // [classes * T]
        private readonly int[] _pdir;     // [classes * T]
        private readonly Xoshiro128 _rng;
        private long _position;

        /// <summary>Builds the scene; class signatures are drawn from <paramref name="seed"/>.</summary>
        public RfFingerprintScene(RfFingerprintSceneSettings settings, uint seed)
        {
            _s = settings ?? throw new ArgumentNullException(nameof(settings));
            _s.Validate();
            Seed = seed;
            int classes = ClassCount;
            int t = _s.TonesPerClass;
            _freq = new long[classes * t];
            _power = new long[classes * t];
            _fdir = new int[classes * t];
            _pdir = new int[classes * t];
            for (int c = 0; c < classes; c++)
            {
                Xoshiro128 sig = DeviceStreams.Create(seed, DeviceStreams.SceneSignature, c);
                for (int k = 0; k < t; k++)
                {
                    int i = (c * t) + k;
                    _freq[i] = SceneRandom.Uniform(sig, _s.BandMinHz, _s.BandMaxHz);
                    _power[i] = SceneRandom.Uniform(sig, _s.MinTonePowerPicowatts, _s.MaxTonePowerPicowatts);
                    _fdir[i] = sig.NextBit() ? 1 : -1;
                    _pdir[i] = sig.NextBit() ? 1 : -1;
                }
            }

            _rng = DeviceStreams.Create(seed, DeviceStreams.SceneStream, 0);
        }

        /// <summary>The seed of the scene.</summary>
        public uint Seed { get; }

        /// <summary>The settings (validated; do not change them).</summary>
        public RfFingerprintSceneSettings Settings => _s;

        /// <inheritdoc />
        public string Name => "rf-fingerprint";

        /// <inheritdoc />
        public int ClassCount => _s.InitialClassCount + _s.NovelClassCount;

        /// <inheritdoc />
        public int MaxToneCount => _s.TonesPerClass + 1;

        /// <inheritdoc />
        public long Position => _position;

        /// <summary>Frozen centre frequency of tone <paramref name="tone"/> of class <paramref name="label"/>, Hz.</summary>
        public long SignatureFrequencyHz(int label, int tone) => _freq[Index(label, tone)];

        /// <summary>Frozen power of tone <paramref name="tone"/> of class <paramref name="label"/>, pW.</summary>
        public long SignaturePowerPicowatts(int label, int tone) => _power[Index(label, tone)];

        /// <summary>Number of classes drawn from at sample index <paramref name="n"/>.</summary>
        public int ActiveClassCount(long n)
        {
            bool novel = _s.NovelClassCount > 0 && _s.NovelClassStart >= 0 && n >= _s.NovelClassStart;
            return novel ? ClassCount : _s.InitialClassCount;
        }

        /// <summary>
        /// Drift position of sample <paramref name="n"/>: a triangle wave rising from 0 to <paramref name="halfPeriod"/>
        /// and back with period 2 halfPeriod (n itself when halfPeriod is 0).
        /// </summary>
        public static long DriftPosition(long n, long halfPeriod)
        {
            if (halfPeriod <= 0)
            {
                return n;
            }

            long phase = n % (2 * halfPeriod);
            return phase <= halfPeriod ? phase : (2 * halfPeriod) - phase;
        }

        /// <inheritdoc />
        public bool TryNext(RfSample sample)
        {
            ArgumentNullException.ThrowIfNull(sample);
            if (_s.Length >= 0 && _position >= _s.Length)
            {
                return false;
            }

            long n = _position;
            long m = DriftPosition(n, _s.DriftHalfPeriod);
            int label = (int)_rng.NextBelow((uint)ActiveClassCount(n));
            sample.Clear();
            sample.Label = label;
            sample.Index = n;
            sample.IsNovel = label >= _s.InitialClassCount;
            int t = _s.TonesPerClass;
            for (int k = 0; k < t; k++)
            {
                int i = (label * t) + k;
                int xf = _rng.NextGaussianQ16();
                int xp = _rng.NextGaussianQ16();
                long drift = SimMath.MulDivRound(_s.FrequencyDriftHzPerThousand, m, 1000);
                long f = SimMath.AddSaturate(_freq[i], SimMath.AddSaturate(SimMath.ApplySign(_fdir[i], drift), SimMath.ScaleQ16(_s.FrequencyJitterHz, xf)));
                long driftPpm = SimMath.MulDivRound(_s.PowerDriftPpmPerThousand, m, 1000);
                long factorPpm = Math.Max(100_000, 1_000_000 + SimMath.ApplySign(_pdir[i], driftPpm));
                long p = SimMath.MulDivRound(_power[i], factorPpm, 1_000_000);
                p = SimMath.ScaleByGaussian(p, _s.PowerJitterPpm, xp);
                sample.AddTone(Math.Max(1, f), Math.Max(0, p));
            }

            uint roll = _rng.NextBelow(1_000_000);
            long fi = SceneRandom.Uniform(_rng, _s.BandMinHz, _s.BandMaxHz);
            long pi = SceneRandom.Uniform(_rng, 0, _s.InterfererMaxPowerPicowatts);
            if (roll < _s.InterfererProbabilityPpm)
            {
                sample.AddTone(fi, pi);
            }

            _position++;
            return true;
        }

        /// <inheritdoc />
        public string Describe()
        {
            var sb = new StringBuilder();
            void Line(string name, long value) => sb.Append("scene.").Append(name).Append(" = ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("scene.Name = ").Append(Name).Append('\n');
            Line("Seed", Seed);
            Line(nameof(_s.InitialClassCount), _s.InitialClassCount);
            Line(nameof(_s.NovelClassCount), _s.NovelClassCount);
            Line(nameof(_s.NovelClassStart), _s.NovelClassStart);
            Line(nameof(_s.TonesPerClass), _s.TonesPerClass);
            Line(nameof(_s.BandMinHz), _s.BandMinHz);
            Line(nameof(_s.BandMaxHz), _s.BandMaxHz);
            Line(nameof(_s.MinTonePowerPicowatts), _s.MinTonePowerPicowatts);
            Line(nameof(_s.MaxTonePowerPicowatts), _s.MaxTonePowerPicowatts);
            Line(nameof(_s.PowerJitterPpm), _s.PowerJitterPpm);
            Line(nameof(_s.FrequencyJitterHz), _s.FrequencyJitterHz);
            Line(nameof(_s.FrequencyDriftHzPerThousand), _s.FrequencyDriftHzPerThousand);
            Line(nameof(_s.PowerDriftPpmPerThousand), _s.PowerDriftPpmPerThousand);
            Line(nameof(_s.DriftHalfPeriod), _s.DriftHalfPeriod);
            Line(nameof(_s.InterfererProbabilityPpm), _s.InterfererProbabilityPpm);
            Line(nameof(_s.InterfererMaxPowerPicowatts), _s.InterfererMaxPowerPicowatts);
            Line(nameof(_s.Length), _s.Length);
            return sb.ToString();
        }

        private int Index(int label, int tone)
        {
            if ((uint)label >= (uint)ClassCount || (uint)tone >= (uint)_s.TonesPerClass)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "class " + label + " / tone " + tone + " outside " + ClassCount + " classes x " + _s.TonesPerClass + " tones");
            }

            return (label * _s.TonesPerClass) + tone;
        }
    }
}
