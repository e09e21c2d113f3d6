// SpinDiodeArray: a deterministic model of an array of MTJ spin diodes (RF power -> DC voltage).
//
// For device d and input tones i (frequency f_i in Hz, power P_i in pW, at most 1 W), SPINTRONICS.md section 1:
//   delta = f_i - f_res,d      w_d = alpha_d f_res,d
//   V_d = S_d sum_i P_i (cos(phi) L_A + sin(phi) L_S) + V_off,d + noise
//   channel c = sum_k sign_k V_(c L + k),  sign_k = (-1)^k when chains alternate, else +1
// Frozen variability, drawn once at construction from stream (SpinDiodeVariability, d):
//   f_res x (1 + s_f X1), S x (1 + s_S X2), alpha x (1 + s_a X3), V_off = s_off X4   (X ~ N(0,1) in Q16)
// Per-sample noise, drawn on every SampleNanovolts from stream (SpinDiodeNoise, d), two draws per device:
//   signal x (1 + m X5) + sigma_white X6,  sigma_white = sqrt((4 kB T R + e_amp^2) B)
// Tuning: f_res(I) = f_res0 + kappa (I - I0); w follows f_res.
//
// Integer units throughout (Hz, pW, nV, ppm, nA); Lorentzians in Q15 (see Lorentzian); sums saturate.
// Glossary: C channels, L chain length, D = C L devices, T tones of the current input.
using System;
using System.Collections.Generic;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>
    /// Array of simulated spin-diode devices driven by a set of RF tones; each channel's voltage is one
    /// <see cref="IVoltageSource"/> output. Deterministic per seed; not thread-safe.
    /// </summary>
    public sealed class SpinDiodeArray : IVoltageSource
    {
        /// <summary>Largest accepted power of one tone, pW (1 W; real spin diodes see at most microwatts).</summary>
        public const long MaxTonePowerPicowatts = 1_000_000_000_000L;

        private const long PpmOne = 1_000_000;

        private readonly SpinDiodeParameters _p;
        private readonly long[] _resonance0Hz;     // [D] at the reference bias, with variability
        private readonly long[] _resonanceHz;      // [D] current
        private readonly long[] _dampingPpm;       // [D]
        private readonly long[] _halfWidthHz;      // [D]
        private readonly long[] _sensitivity;      // [D] nV/uW
        private readonly long[] _offsetNv;         // [D]
        private readonly long[] _biasNa;           // [D]
        private readonly int[] _sign;              // [D]
        private readonly long[] _signalNv;         // [D] noise-free signal of the current input (without offset)
        private readonly Xoshiro128[] _noise;      // [D]
        private readonly int _cosQ15;
        private readonly int _sinQ15;
        private readonly long _whiteSigmaNv;
        private long[] _toneHz = new long[16];
        private long[] _tonePw = new long[16];
        private int _toneCount;

        /// <summary>Builds the array, drawing every device's frozen variability from <paramref name="seed"/>.</summary>
        public SpinDiodeArray(SpinDiodeParameters parameters, uint seed)
        {
            _p = parameters ?? throw new ArgumentNullException(nameof(parameters));
            _p.Validate();
            Seed = seed;
            int d = _p.DeviceCount;
            long[] grid = GeometricGrid.Create(_p.MinResonanceHz, _p.MaxResonanceHz, d);
            _resonance0Hz = new long[d];
            _resonanceHz = new long[d];
            _dampingPpm = new long[d];
            _halfWidthHz = new long[d];
            _sensitivity = new long[d];
            _offsetNv = new long[d];
            _biasNa = new long[d];
            _sign = new int[d];
            _signalNv = new long[d];
            _noise = new Xoshiro128[d];
            for (int i = 0; i < d; i++)
            {
                Xoshiro128 v = DeviceStreams.Create(seed, DeviceStreams.SpinDiodeVariability, i);
                int x1 = v.NextGaussianQ16();
                int x2 = v.NextGaussianQ16();
                int x3 = v.NextGaussianQ16();
                int x4 = v.NextGaussianQ16();
                _resonance0Hz[i] = Math.Max(1, SimMath.ScaleByGaussian(grid[i], _p.ResonanceVariabilityPpm, x1));
                _sensitivity[i] = SimMath.ScaleByGaussian(_p.SensitivityNanovoltsPerMicrowatt, _p.SensitivityVariabilityPpm, x2);
                _dampingPpm[i] = Math.Max(1, SimMath.ScaleByGaussian(_p.DampingPpm, _p.DampingVariabilityPpm, x3));
                _offsetNv[i] = SimMath.ScaleQ16(_p.OffsetSigmaNanovolts, x4);
                _biasNa[i] = _p.ReferenceBiasNanoamps;
                _sign[i] = (_p.ChainAlternatingSign && ((i % _p.ChainLength) & 1) == 1) ? -1 : 1;
                _noise[i] = DeviceStreams.Create(seed, DeviceStreams.SpinDiodeNoise, i);
                Retune(i);
            }

            double phi = _p.PhaseMillidegrees * (Math.PI / 180_000.0);
            _cosQ15 = _p.PhaseMillidegrees == 0 ? Lorentzian.OneQ15 : (int)Math.Round(Math.Cos(phi) * Lorentzian.OneQ15, MidpointRounding.AwayFromZero);
            _sinQ15 = _p.PhaseMillidegrees == 0 ? 0 : (int)Math.Round(Math.Sin(phi) * Lorentzian.OneQ15, MidpointRounding.AwayFromZero);
            _whiteSigmaNv = _p.WhiteNoiseSigmaNanovolts();
        }

        /// <summary>The seed the array was built from.</summary>
        public uint Seed { get; }

        /// <summary>The parameters (validated; do not change them after construction).</summary>
        public SpinDiodeParameters Parameters => _p;

        /// <inheritdoc />
        public int ChannelCount => _p.ChannelCount;

        /// <summary>Number of devices, ChannelCount x ChainLength.</summary>
        public int DeviceCount => _resonanceHz.Length;

        /// <summary>Number of tones of the current input.</summary>
        public int ToneCount => _toneCount;

        /// <summary>Per-sample white-noise standard deviation of one device, nV.</summary>
        public long WhiteNoiseSigmaNanovolts => _whiteSigmaNv;

        /// <summary>
        /// Applies an RF input: <paramref name="count"/> tones, frequencies in Hz (positive) and powers in pW
        /// (non-negative). Computes every device's noise-free signal once; noise is added per sample.
        /// The arrays are copied.
        /// </summary>
        public void SetTones(long[] frequenciesHz, long[] powersPicowatts, int count)
        {
            ArgumentNullException.ThrowIfNull(frequenciesHz);
            ArgumentNullException.ThrowIfNull(powersPicowatts);
            if (count < 0 || count > frequenciesHz.Length || count > powersPicowatts.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "tone count must be in 0.." + Math.Min(frequenciesHz.Length, powersPicowatts.Length) + ", was " + count);
            }

            for (int i = 0; i < count; i++)
            {
                if (frequenciesHz[i] <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(frequenciesHz), "tone " + i + " frequency must be positive, was " + frequenciesHz[i] + " Hz");
                }

                if (powersPicowatts[i] < 0 || powersPicowatts[i] > MaxTonePowerPicowatts)
                {
                    throw new ArgumentOutOfRangeException(nameof(powersPicowatts), "tone " + i + " power must be in 0.." + MaxTonePowerPicowatts + " pW, was " + powersPicowatts[i] + " pW");
                }
            }

            if (_toneHz.Length < count)
            {
                _toneHz = new long[count];
                _tonePw = new long[count];
            }

            Array.Copy(frequenciesHz, _toneHz, count);
            Array.Copy(powersPicowatts, _tonePw, count);
            _toneCount = count;
            for (int d = 0; d < _signalNv.Length; d++)
            {
                _signalNv[d] = Signal(d);
            }
        }

        /// <summary>Removes every tone (no RF input).</summary>
        public void ClearTones()
        {
            _toneCount = 0;
            Array.Clear(_signalNv);
        }

        /// <summary>
        /// Sets device <paramref name="device"/>'s DC bias current (nA); its resonance moves to
        /// f_res0 + kappa (I - I0) (floored at 1 Hz) and its half-width follows.
        /// </summary>
        public void SetBiasCurrent(int device, long nanoamps)
        {
            CheckDevice(device);
            if (nanoamps < -1_000_000_000L || nanoamps > 1_000_000_000L)
            {
                throw new ArgumentOutOfRangeException(nameof(nanoamps), "bias must be within +/-1e9 nA, was " + nanoamps);
            }

            _biasNa[device] = nanoamps;
            Retune(device);
            _signalNv[device] = Signal(device);
        }

        /// <summary>Calibration record of device <paramref name="device"/>; <paramref name="gain"/> is the amplifier gain to record.</summary>
        public SpinDiodeCalibration GetCalibration(int device, int gain = 1)
        {
            CheckDevice(device);
            return new SpinDiodeCalibration(
                device,
                device / _p.ChainLength,
                _sign[device],
                _resonanceHz[device],
                _halfWidthHz[device],
                _sensitivity[device],
                _offsetNv[device],
                gain,
                _biasNa[device]);
        }

        /// <summary>Calibration records of every device, in device order.</summary>
        public IReadOnlyList<SpinDiodeCalibration> GetCalibrations(int gain = 1)
        {
            var list = new SpinDiodeCalibration[DeviceCount];
            for (int d = 0; d < list.Length; d++)
            {
                list[d] = GetCalibration(d, gain);
            }

            return list;
        }

        /// <summary>
        /// Noise-free voltage of channel <paramref name="channel"/> for the current input, including the
        /// frozen offsets: sum_k sign_k (signal_k + V_off,k), nV. Draws nothing.
        /// </summary>
        public long CleanNanovolts(int channel)
        {
            CheckChannel(channel);
            long v = 0;
            int first = channel * _p.ChainLength;
            for (int k = 0; k < _p.ChainLength; k++)
            {
                int d = first + k;
                v = SimMath.AddSaturate(v, SimMath.ApplySign(_sign[d], SimMath.AddSaturate(_signalNv[d], _offsetNv[d])));
            }

            return v;
        }

        /// <inheritdoc />
        public long SampleNanovolts(int channel)
        {
            CheckChannel(channel);
            long v = 0;
            int first = channel * _p.ChainLength;
            for (int k = 0; k < _p.ChainLength; k++)
            {
                int d = first + k;
                Xoshiro128 rng = _noise[d];
                int xm = rng.NextGaussianQ16();
                int xw = rng.NextGaussianQ16();
                long s = _signalNv[d];
                long mult = SimMath.ScaleQ16(SimMath.MulDivRound(s, _p.MultiplicativeNoisePpm, PpmOne), xm);
                long device = SimMath.AddSaturate(SimMath.AddSaturate(s, mult), SimMath.AddSaturate(_offsetNv[d], SimMath.ScaleQ16(_whiteSigmaNv, xw)));
                v = SimMath.AddSaturate(v, SimMath.ApplySign(_sign[d], device));
            }

            return v;
        }

        /// <summary>
        /// Noise-free signal of device d for the current tones, nV, without offset:
        /// S sum_i P_i (cos L_A + sin L_S). Accumulates P (pW) x response (Q15) in 64 bits, saturating.
        /// </summary>
        private long Signal(int d)
        {
            long acc = 0;
            long fres = _resonanceHz[d];
            long w = _halfWidthHz[d];
            for (int i = 0; i < _toneCount; i++)
            {
                long p = _tonePw[i];
                if (p == 0)
                {
                    continue;
                }

                Lorentzian.Q15(_toneHz[i] - fres, w, out int la, out int ls);
                long response = _sinQ15 == 0
                    ? la
                    : FixedPoint.RoundingShiftRight(((long)_cosQ15 * la) + ((long)_sinQ15 * ls), 15);
                acc = SimMath.AddSaturate(acc, p * response); // |p| <= 1e12 pW, |response| < 2^16: no overflow
            }

            // acc is in pW x Q15; S is nV per uW = nV per 1e6 pW.
            return SimMath.MulDivRound(acc, _sensitivity[d], PpmOne * Lorentzian.OneQ15);
        }

        private void Retune(int d)
        {
            long shift = SimMath.MulDivRound(_p.TuningHertzPerMilliamp, _biasNa[d] - _p.ReferenceBiasNanoamps, PpmOne);
            _resonanceHz[d] = Math.Max(1, SimMath.AddSaturate(_resonance0Hz[d], shift));
            _halfWidthHz[d] = Math.Max(1, SimMath.MulDivRound(_resonanceHz[d], _dampingPpm[d], PpmOne));
        }

        private void CheckChannel(int channel)
        {
            if ((uint)channel >= (uint)_p.ChannelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(channel), "channel must be in 0.." + (_p.ChannelCount - 1) + ", was " + channel);
            }
        }

        private void CheckDevice(int device)
        {
            if ((uint)device >= (uint)_resonanceHz.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(device), "device must be in 0.." + (_resonanceHz.Length - 1) + ", was " + device);
            }
        }
    }
}
