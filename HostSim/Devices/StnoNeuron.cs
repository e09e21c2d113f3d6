// StnoNeuron: one spin-torque nano-oscillator as a dynamical neuron, integrated in fixed point.
//
// Normalised power p in [0, 1), drive zeta = I / I_th (I clamped to [I_th, 4 I_th]), SPINTRONICS.md 2:
//   dp/dt = 2 Gamma_G p ( zeta (1 - p) - (1 + Q p) )
//   steady state p0 = (zeta - 1) / (zeta + Q);  relaxation time tau = 1 / (2 Gamma_G (zeta - 1))
// With tau_2 = tau(zeta = 2) = 1 / (2 Gamma_G), one explicit Euler step of length dt is
//   p <- p + k p ( zeta (1 - p) - 1 - Q p ),   k = 2 Gamma_G dt = dt / tau_2   (k <= 1/60: dt <= tau(4)/20)
// Formats: p, zeta, Q and k in Q2.30 held in long (2^30 = 1.0); products of two Q30 values stay below
// 2^63 because |zeta| <= 4, Q <= 4 and p < 1. Every product rounds (FixedPoint.RoundingShiftRight) and
// p is clamped to [floor, 1 - 2^-30] after each step ("saturate every update").
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>One STNO neuron: Euler integration of the normalised power in Q2.30. Deterministic, no noise (see <see cref="StnoReservoir"/>).</summary>
    public sealed class StnoNeuron
    {
        /// <summary>Fractional bits of the internal format.</summary>
        public const int FractionBits = 30;

        /// <summary>1.0 in the internal format.</summary>
        public const long One = 1L << FractionBits;

        private readonly StnoParameters _p;
        private readonly long _kQ30;
        private readonly long _nonlinearityQ30;
        private readonly long _floorQ30;
        private readonly long _dtPs;
        private long _power;

        /// <summary>Creates a neuron at rest (p at its floor).</summary>
        public StnoNeuron(StnoParameters parameters)
        {
            _p = parameters ?? throw new ArgumentNullException(nameof(parameters));
            _p.Validate();
            _dtPs = _p.EffectiveTimeStepPicoseconds;
            _kQ30 = SimMath.MulDivRound(One, _dtPs, _p.RelaxationAtZeta2Picoseconds);
            _nonlinearityQ30 = SimMath.MulDivRound(One, _p.NonlinearityMilli, 1000);
            _floorQ30 = SimMath.MulDivRound(One, _p.PowerFloorPpm, 1_000_000);
            _power = _floorQ30;
        }

        /// <summary>Normalised power p in Q2.30.</summary>
        public long PowerQ30 => _power;

        /// <summary>Integration step in use, ps.</summary>
        public long TimeStepPicoseconds => _dtPs;

        /// <summary>k = dt / tau_2 in Q2.30.</summary>
        public long StepGainQ30 => _kQ30;

        /// <summary>Returns p to its floor (device at rest).</summary>
        public void Reset()
        {
            _power = _floorQ30;
        }

        /// <summary>The drive actually applied for a requested current: clamp to [I_th, 4 I_th], nA.</summary>
        public long ClampDrive(long nanoamps)
        {
            return SimMath.Clamp(nanoamps, _p.ThresholdNanoamps, 4 * _p.ThresholdNanoamps);
        }

        /// <summary>
        /// Holds drive <paramref name="nanoamps"/> (clamped) for <paramref name="durationPicoseconds"/>,
        /// rounded to whole steps (at least one). Returns the number of steps taken.
        /// </summary>
        public long Run(long nanoamps, long durationPicoseconds)
        {
            if (durationPicoseconds <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(durationPicoseconds), "duration must be positive, was " + durationPicoseconds + " ps");
            }

            long zeta = SimMath.MulDivRound(ClampDrive(nanoamps), One, _p.ThresholdNanoamps);
            long steps = Math.Max(1, SimMath.DivRound(durationPicoseconds, _dtPs));
            long p = _power;
            for (long s = 0; s < steps; s++)
            {
                long gain = FixedPoint.RoundingShiftRight(zeta * (One - p), FractionBits);
                long loss = One + FixedPoint.RoundingShiftRight(_nonlinearityQ30 * p, FractionBits);
                long kp = FixedPoint.RoundingShiftRight(_kQ30 * p, FractionBits);
                long dp = FixedPoint.RoundingShiftRight(kp * (gain - loss), FractionBits);
                p = SimMath.Clamp(p + dp, _floorQ30, One - 1);
            }

            _power = p;
            return steps;
        }
    }
}
