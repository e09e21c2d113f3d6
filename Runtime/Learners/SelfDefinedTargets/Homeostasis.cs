// Homeostasis: one threshold H per output neuron that keeps every neuron winning the k-WTA about k / N_out of
// the time (ALGORITHMS.md section 4). A neuron that wins too often has its H raised, one that never wins has it
// lowered, until the competition is fair. Two forms:
//   mini-batch  sum the targets of B observed samples; then H += gamma_H (sum / B - set point)     (the paper's)
//   streaming   after every sample a += eta (d - a); H += gamma_H (a - set point)                  (no batch)
// The paper resets H to 0 at every epoch; a device that learns from a stream has no epoch, so the streaming
// form relies on the running average alone and may add a leak H -= H 2^-LeakShift after every update, which
// forgets old imbalances with a time constant of 2^LeakShift updates instead of a hard reset. Reset() is
// there for hosts that keep the per-epoch reset.
// The set point is the mean of the (rounded) target vector, k / N up to rounding, so the common part of H
// does not drift: sum_j (mean d_j - set point) = 0 for every batch.
//
// State (N = neurons):  _h int[N] H in Q8.24;  _average int[N] a in Q8.24 (streaming);  _sum int[N] Q0.15 target
// sums of the current batch (mini-batch). Worst case of _sum: 65535 samples x 32767 < 2^31.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Fixed-point homeostasis of the k-WTA (see the file header).</summary>
    public sealed class Homeostasis
    {
        /// <summary>Fractional bits of H and of the running average (Q8.24).</summary>
        public const int FractionBits = 24;

        /// <summary>Shift from a Q0.15 target to Q8.24.</summary>
        public const int TargetToQ24Shift = FractionBits - FixedPoint.Q15Bits;

        private readonly int[] _h;
        private readonly int[] _average;
        private readonly int[] _sum;
        private readonly int _setPoint;
        private readonly int _rate;
        private readonly int _eta;
        private readonly int _leakShift;
        private readonly int _batchSize;
        private readonly bool _streaming;
        private int _observed;

        /// <summary>
        /// Creates the homeostasis of <paramref name="neurons"/> output neurons with set point
        /// <paramref name="setPointQ24"/> (Q8.24 activity each neuron should have), using the rates, mode and batch size
        /// of <paramref name="settings"/> (validated by the caller). H starts at 0, the running average at the set point.
        /// </summary>
        public Homeostasis(int neurons, int setPointQ24, SelfDefinedTargetSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (neurons < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(neurons), "homeostasis needs at least one neuron, got " + neurons);
            }

            _h = new int[neurons];
            _setPoint = setPointQ24;
            _rate = settings.HomeostasisRateQ16;
            _eta = settings.AverageRateQ16;
            _leakShift = settings.LeakShift;
            _batchSize = settings.BatchSize;
            _streaming = settings.Mode == HomeostasisMode.Streaming;
            if (_streaming)
            {
                _average = new int[neurons];
            }
            else
            {
                _sum = new int[neurons];
            }

            Reset();
        }

        /// <summary>H per neuron, Q8.24 (read only for callers; the array is live).</summary>
        public int[] Values
        {
            get { return _h; }
        }

        /// <summary>Running average a per neuron, Q8.24 (streaming mode; null in mini-batch mode).</summary>
        public int[] Averages
        {
            get { return _average; }
        }

        /// <summary>Q0.15 target sums of the open mini-batch (mini-batch mode; null in streaming mode; live array).</summary>
        public int[] BatchSums
        {
            get { return _sum; }
        }

        /// <summary>True in <see cref="HomeostasisMode.Streaming"/> mode.</summary>
        public bool IsStreaming
        {
            get { return _streaming; }
        }

        /// <summary>Activity each neuron is regulated to, Q8.24.</summary>
        public int SetPoint
        {
            get { return _setPoint; }
        }

        /// <summary>Targets observed in the current mini-batch (0 in streaming mode).</summary>
        public int PendingCount
        {
            get { return _observed; }
        }

        /// <summary>Number of H updates so far (mini-batches or streamed samples).</summary>
        public long Updates { get; private set; }

        /// <summary>Bytes of state: H, and the running average or the batch sums.</summary>
        public long StateBytes
        {
            get { return 4L * _h.Length * 2; }
        }

        /// <summary>
        /// Observes one target d (N Q0.15 values from <paramref name="offset"/>). Mini-batch mode: adds it to the batch
        /// and updates H once B targets were seen. Streaming mode: updates a and H now.
        /// </summary>
        public void Observe(short[] target, int offset)
        {
            int n = _h.Length;
            if (_streaming)
            {
                for (int j = 0; j < n; j++)
                {
                    int d = target[offset + j] << TargetToQ24Shift;
                    int a = _average[j] + (int)FixedPoint.RoundingShiftRight((long)(d - _average[j]) * _eta, 16);
                    _average[j] = a;
                    Move(j, a);
                }

                Updates++;
                return;
            }

            for (int j = 0; j < n; j++)
            {
                _sum[j] += target[offset + j];
            }

            _observed++;
            if (_observed >= _batchSize)
            {
                EndBatch();
            }
        }

        /// <summary>Mini-batch mode: updates H from the targets observed so far (none: nothing happens). Streaming: no-op.</summary>
        public void EndBatch()
        {
            if (_streaming || _observed == 0)
            {
                return;
            }

            int b = _observed;
            _observed = 0;
            for (int j = 0; j < _h.Length; j++)
            {
                // mean in Q8.24 = sum * 2^9 / b, rounded to nearest: floor(2 sum 2^9 / b), then one rounding shift.
                long mean = FixedPoint.RoundingShiftRight(((long)_sum[j] << (TargetToQ24Shift + 1)) / b, 1);
                _sum[j] = 0;
                Move(j, mean);
            }

            Updates++;
        }

        /// <summary>Sets H to 0, the running average to the set point and drops a partial batch (the paper's per-epoch reset).</summary>
        public void Reset()
        {
            for (int j = 0; j < _h.Length; j++)
            {
                _h[j] = 0;
                if (_streaming)
                {
                    _average[j] = _setPoint;
                }
                else
                {
                    _sum[j] = 0;
                }
            }

            _observed = 0;
        }

        /// <summary>
        /// Restores saved state (a checkpoint): H from <paramref name="values"/> and, in streaming mode, the running
        /// average from <paramref name="averages"/> (ignored in mini-batch mode, where a partial batch is dropped), and
        /// the update count. Both arrays are checked before anything changes; a mismatch throws and changes nothing.
        /// </summary>
        public void Restore(int[] values, int[] averages, long updates)
        {
            if (values == null || values.Length != _h.Length)
            {
                throw new ArgumentException("saved homeostasis has " + (values == null ? 0 : values.Length) + " values, expected " + _h.Length, nameof(values));
            }

            if (_streaming && (averages == null || averages.Length != _h.Length))
            {
                throw new ArgumentException("saved streaming homeostasis has " + (averages == null ? 0 : averages.Length) + " running averages, expected " + _h.Length, nameof(averages));
            }

            if (updates < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(updates), "update count must be >= 0, got " + updates);
            }

            Array.Copy(values, _h, _h.Length);
            if (_streaming)
            {
                Array.Copy(averages, _average, _h.Length);
            }
            else
            {
                for (int j = 0; j < _sum.Length; j++)
                {
                    _sum[j] = 0;
                }
            }

            _observed = 0;
            Updates = updates;
        }

        /// <summary>
        /// Restores the counters of an exact checkpoint after <see cref="Values"/> and <see cref="Averages"/> or
        /// <see cref="BatchSums"/> were copied in: <paramref name="pendingCount"/> targets in the open mini-batch (0 in
        /// streaming mode) and the update count. Unlike <see cref="Restore"/> the open mini-batch is kept.
        /// </summary>
        public void RestoreCounters(int pendingCount, long updates)
        {
            int most = _streaming ? 0 : _batchSize - 1;
            if (pendingCount < 0 || pendingCount > most)
            {
                throw new ArgumentOutOfRangeException(nameof(pendingCount), "targets in the open batch must be in [0, " + most + "], got " + pendingCount);
            }

            if (updates < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(updates), "update count must be >= 0, got " + updates);
            }

            _observed = pendingCount;
            Updates = updates;
        }

        // H += gamma_H (activity - set point), then the optional leak; saturating.
        private void Move(int j, long activity)
        {
            long h = _h[j] + FixedPoint.RoundingShiftRight((activity - _setPoint) * _rate, 16);
            if (_leakShift > 0)
            {
                h -= FixedPoint.RoundingShiftRight(h, _leakShift);
            }

            _h[j] = FixedPoint.SaturateToS32(h);
        }
    }
}
