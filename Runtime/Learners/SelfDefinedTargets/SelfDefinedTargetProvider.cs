// SelfDefinedTargetProvider: the network defines its own target (ALGORITHMS.md section 4, Liu et al. 2024):
//   score_j = y_j - H_j                    y the learner's response (Q0.15), H the homeostasis (Q8.24 -> Q0.15)
//   d = kWTA(score)                        1 for the k largest scores (ties: lower index first), else 0
//   d <- (1 - s) d + s k / N_out           optional smoothing, rounded to Q0.15 once
// and the target is then observed by the homeostasis (which changes H for the following samples).
// The label is ignored: this provider makes a supervised learner unsupervised.
//
// Scratch: _scores int[N] (Q0.15 scores), _winners int[k] (indices of the last winners, largest score first).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>k-WTA over the output minus homeostasis, with optional smoothing (see the file header).</summary>
    public sealed class SelfDefinedTargetProvider : ITargetProvider
    {
        private readonly int _outputs;
        private readonly int _k;
        private readonly short _winnerValue;
        private readonly short _loserValue;
        private readonly int[] _scores;
        private readonly int[] _winners;
        private readonly Homeostasis _homeostasis;

        /// <summary>Creates the provider for <paramref name="outputs"/> output neurons; <paramref name="settings"/> is validated here.</summary>
        public SelfDefinedTargetProvider(int outputs, SelfDefinedTargetSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            settings.Validate(outputs);
            _outputs = outputs;
            _k = settings.Winners;
            _winnerValue = SelfDefinedTargetSettings.SmoothedTargetQ15(true, settings.Smoothing, _k, outputs);
            _loserValue = SelfDefinedTargetSettings.SmoothedTargetQ15(false, settings.Smoothing, _k, outputs);
            _scores = new int[outputs];
            _winners = new int[_k];
            long total = (long)_winnerValue * _k + (long)_loserValue * (outputs - _k);
            int setPoint = (int)FixedPoint.RoundingShiftRight((total << (Homeostasis.TargetToQ24Shift + 1)) / outputs, 1);
            _homeostasis = new Homeostasis(outputs, setPoint, settings);
            Settings = settings;
        }

        /// <summary>The settings in use.</summary>
        public SelfDefinedTargetSettings Settings { get; private set; }

        /// <inheritdoc />
        public int OutputSize
        {
            get { return _outputs; }
        }

        /// <summary>The homeostasis (H per neuron).</summary>
        public Homeostasis Homeostasis
        {
            get { return _homeostasis; }
        }

        /// <summary>Target value of a winner, Q0.15.</summary>
        public short WinnerValue
        {
            get { return _winnerValue; }
        }

        /// <summary>Target value of a loser, Q0.15.</summary>
        public short LoserValue
        {
            get { return _loserValue; }
        }

        /// <summary>Indices of the winners of the last target, largest score first (k values; live array).</summary>
        public int[] LastWinners
        {
            get { return _winners; }
        }

        /// <summary>Scores y - H of the last target, Q0.15 (live array).</summary>
        public int[] LastScores
        {
            get { return _scores; }
        }

        /// <inheritdoc />
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(0, _homeostasis.StateBytes, 4L * _scores.Length + 4L * _winners.Length); }
        }

        /// <inheritdoc />
        public bool FillTarget(short[] output, int outputOffset, int label, short[] target, int targetOffset)
        {
            int[] h = _homeostasis.Values;
            for (int j = 0; j < _outputs; j++)
            {
                _scores[j] = output[outputOffset + j] - FixedPoint.RoundingShiftRight(h[j], Homeostasis.TargetToQ24Shift);
                target[targetOffset + j] = _loserValue;
            }

            ActivationKernels.TopKS32(_scores, 0, _outputs, _k, _winners, 0);
            for (int i = 0; i < _k; i++)
            {
                target[targetOffset + _winners[i]] = _winnerValue;
            }

            _homeostasis.Observe(target, targetOffset);
            return false;
        }

        /// <inheritdoc />
        public void EndBatch()
        {
            _homeostasis.EndBatch();
        }
    }
}
