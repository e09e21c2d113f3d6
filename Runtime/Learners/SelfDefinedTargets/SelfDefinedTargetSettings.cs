// SelfDefinedTargetSettings: the hyperparameters of self-defined targets (ALGORITHMS.md section 4) in the units
// of the paper, and their one-time conversion to the integers the providers use.
//
//   target      d = kWTA(y - H): 1 for the k largest entries of y - H, else 0
//   smoothing   d <- (1 - s) d + s k / N_out          (s = Smoothing; 0 turns it off)
//   homeostasis mini-batch: H <- H + gamma_H (mean_batch d - k / N_out)
//               streaming:  a <- (1 - eta) a + eta d;  H <- H + gamma_H (a - k / N_out) after every sample
//               optional leak after every update: H <- H - H 2^-LeakShift (a device has no epoch to reset at)
// Number formats: targets Q0.15; H and a Q8.24 (2^24 = 1.0, range +/- 128); gamma_H and eta become Q16
// multipliers (rounded: EffectiveHomeostasisRate and EffectiveAverageRate say what is applied). The smoothed
// target values are rounded to Q0.15 once: with k = 5 of N = 2000 and s = 0.3 a loser's 7.5e-4 becomes
// 25 / 32768 (7.6e-4), so smoothing survives 16 bits; at Q0.8 it would round to 0.
using System;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>How the homeostasis averages the targets it regulates.</summary>
    public enum HomeostasisMode
    {
        /// <summary>Mean of the targets of each mini-batch of <see cref="SelfDefinedTargetSettings.BatchSize"/> samples (the paper's form).</summary>
        MiniBatch = 1,

        /// <summary>Running average a with rate eta, H updated after every sample (no batch, no epoch).</summary>
        Streaming = 2,
    }

    /// <summary>Settings of <see cref="SelfDefinedTargetProvider"/> and its <see cref="Homeostasis"/>.</summary>
    public sealed class SelfDefinedTargetSettings
    {
        /// <summary>Q16 one, the unit of the rate multipliers.</summary>
        public const int RateOne = 65536;

        /// <summary>Creates the settings of the paper's 784-2000 configuration (k 5, smoothing 0.3, gamma_H 0.3, batch 16).</summary>
        public SelfDefinedTargetSettings()
        {
            Winners = 5;
            Smoothing = 0.3;
            HomeostasisRate = 0.3;
            Mode = HomeostasisMode.MiniBatch;
            BatchSize = 16;
            AverageRate = 0.1;
            LeakShift = 0;
        }

        /// <summary>k, the number of winners of the k-WTA, in [1, N_out].</summary>
        public int Winners { get; set; }

        /// <summary>Label smoothing s in [0, 1): d &lt;- (1 - s) d + s k / N_out.</summary>
        public double Smoothing { get; set; }

        /// <summary>gamma_H in [0, 16): how fast H follows the activity error.</summary>
        public double HomeostasisRate { get; set; }

        /// <summary>Mini-batch or streaming homeostasis.</summary>
        public HomeostasisMode Mode { get; set; }

        /// <summary>Samples per homeostasis update in <see cref="HomeostasisMode.MiniBatch"/> mode, in [1, 65535].</summary>
        public int BatchSize { get; set; }

        /// <summary>eta in (0, 1]: rate of the running average of <see cref="HomeostasisMode.Streaming"/> mode.</summary>
        public double AverageRate { get; set; }

        /// <summary>Leak of H after every update, H &lt;- H - H 2^-LeakShift; 0 = no leak. In [0, 30].</summary>
        public int LeakShift { get; set; }

        /// <summary>gamma_H as a Q16 multiplier (rounded).</summary>
        public int HomeostasisRateQ16
        {
            get { return (int)(HomeostasisRate * RateOne + 0.5); }
        }

        /// <summary>eta as a Q16 multiplier (rounded, at least 1).</summary>
        public int AverageRateQ16
        {
            get
            {
                int q = (int)(AverageRate * RateOne + 0.5);
                return q < 1 ? 1 : q;
            }
        }

        /// <summary>The gamma_H the integer homeostasis applies.</summary>
        public double EffectiveHomeostasisRate
        {
            get { return HomeostasisRateQ16 / (double)RateOne; }
        }

        /// <summary>The eta the integer running average applies.</summary>
        public double EffectiveAverageRate
        {
            get { return AverageRateQ16 / (double)RateOne; }
        }

        /// <summary>Checks every setting against an output layer of <paramref name="outputs"/> neurons; throws naming the first bad one.</summary>
        public void Validate(int outputs)
        {
            if (outputs < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), "the output layer needs at least one neuron, got " + outputs);
            }

            if (Winners < 1 || Winners > outputs)
            {
                throw new ArgumentOutOfRangeException(nameof(Winners), "winners k must be in [1, " + outputs + "] (the output width), got " + Winners);
            }

            if (!(Smoothing >= 0 && Smoothing < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(Smoothing), "smoothing must be in [0, 1), got " + Smoothing);
            }

            if (!(HomeostasisRate >= 0 && HomeostasisRate < 16))
            {
                throw new ArgumentOutOfRangeException(nameof(HomeostasisRate), "homeostasis rate gamma_H must be in [0, 16), got " + HomeostasisRate);
            }

            if (Mode != HomeostasisMode.MiniBatch && Mode != HomeostasisMode.Streaming)
            {
                throw new ArgumentOutOfRangeException(nameof(Mode), "unknown homeostasis mode " + (int)Mode);
            }

            if (BatchSize < 1 || BatchSize > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(BatchSize), "homeostasis batch size must be in [1, 65535], got " + BatchSize);
            }

            if (!(AverageRate > 0 && AverageRate <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(AverageRate), "running-average rate eta must be in (0, 1], got " + AverageRate);
            }

            if (LeakShift < 0 || LeakShift > 30)
            {
                throw new ArgumentOutOfRangeException(nameof(LeakShift), "leak shift must be in [0, 30] (0 = no leak), got " + LeakShift);
            }
        }

        /// <summary>
        /// A smoothed one-of-many target value in Q0.15: (1 - s) + s k / N for a winner, s k / N for a loser, rounded
        /// and capped at 32767 (so an unsmoothed winner is 32767).
        /// </summary>
        public static short SmoothedTargetQ15(bool winner, double smoothing, int winners, int outputs)
        {
            double v = smoothing * winners / outputs + (winner ? 1 - smoothing : 0);
            int q = (int)(v * 32768 + 0.5);
            return q > 32767 ? (short)32767 : (short)q;
        }
    }
}
