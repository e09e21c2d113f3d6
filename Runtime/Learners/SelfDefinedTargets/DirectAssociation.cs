// DirectAssociation: evaluation of an unsupervised output layer without a trained readout (ALGORITHMS.md 4a),
// computed on the device in integers.
//   1. labelling: over a labelled set, sum each neuron's response per class: S[c, j] = sum_{samples of c} y_j,
//      and count the samples of each class n_c;
//   2. assignment: neuron j gets the class with the largest mean response S[c, j] / n_c (first class on ties);
//      a neuron whose largest mean is 0 (it never responded) gets no class (-1);
//   3. prediction: the class whose assigned neurons have the largest mean response (classes without neurons are
//      skipped; -1 when no neuron has a class).
// Means are compared by cross-multiplication, so nothing is divided. Labelling can go on while a device sees
// more labelled samples; Assign() takes the current sums.
//
// Buffers (N = neurons, C = classes):
//   _sums      long[C * N]  S[c, j] at c * N + j (Q0.15 sums; 64 bits for any labelled set below 2^48 samples)
//   _counts    int[C]       n_c
//   _assigned  int[N]       class of each neuron or -1
//   _perClass  int[C]       neurons assigned to each class
//   _scores    long[C]      scratch of Predict (summed responses per class)
// Worst cases: S[c, j] * n_c' <= 2^15 n_c n_c' < 2^63 for n below 2^24 samples per class; the per-class score is
// at most N 2^15 < 2^31 and is multiplied by a neuron count <= N < 2^16.
using System;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Labels output neurons by their strongest class and predicts by mean response per class.</summary>
    public sealed class DirectAssociation
    {
        private readonly int _neurons;
        private readonly int _classes;
        private readonly long[] _sums;
        private readonly int[] _counts;
        private readonly int[] _assigned;
        private readonly int[] _perClass;
        private readonly long[] _scores;

        /// <summary>Creates the association of <paramref name="neurons"/> output neurons with <paramref name="classes"/> classes.</summary>
        public DirectAssociation(int neurons, int classes)
        {
            if (neurons < 1 || neurons > NetworkDescription.MaxWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(neurons), "neurons must be in [1, " + NetworkDescription.MaxWidth + "], got " + neurons);
            }

            if (classes < 1 || classes > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), "classes must be in [1, 65536], got " + classes);
            }

            _neurons = neurons;
            _classes = classes;
            _sums = new long[classes * neurons];
            _counts = new int[classes];
            _assigned = new int[neurons];
            _perClass = new int[classes];
            _scores = new long[classes];
            Clear();
        }

        /// <summary>Number of output neurons.</summary>
        public int NeuronCount
        {
            get { return _neurons; }
        }

        /// <summary>Number of classes.</summary>
        public int ClassCount
        {
            get { return _classes; }
        }

        /// <summary>Labelled samples observed since the last <see cref="Clear"/>.</summary>
        public long Observed { get; private set; }

        /// <summary>Neurons that got a class at the last <see cref="Assign"/>.</summary>
        public int AssignedNeurons { get; private set; }

        /// <summary>Exact bytes: sums, counts and assignment as learner state; the score buffer as scratch.</summary>
        public MemoryPlan Memory
        {
            get { return new MemoryPlan(0, 8L * _sums.Length + 4L * _counts.Length + 4L * _assigned.Length + 4L * _perClass.Length, 8L * _scores.Length); }
        }

        /// <summary>Forgets every observation and assignment.</summary>
        public void Clear()
        {
            Array.Clear(_sums, 0, _sums.Length);
            Array.Clear(_counts, 0, _classes);
            Array.Clear(_perClass, 0, _classes);
            for (int j = 0; j < _neurons; j++)
            {
                _assigned[j] = -1;
            }

            Observed = 0;
            AssignedNeurons = 0;
        }

        /// <summary>Adds the response y (N Q0.15 values from <paramref name="offset"/>, each &gt;= 0) of one sample of class <paramref name="label"/>.</summary>
        public void Observe(short[] y, int offset, int label)
        {
            if (label < 0 || label >= _classes)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [0, " + _classes + ")");
            }

            if (y == null)
            {
                throw new ArgumentNullException(nameof(y));
            }

            if (offset < 0 || offset > y.Length - _neurons)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "offset " + offset + " leaves fewer than " + _neurons + " responses in an array of " + y.Length);
            }

            int row = label * _neurons;
            for (int j = 0; j < _neurons; j++)
            {
                _sums[row + j] += y[offset + j];
            }

            _counts[label]++;
            Observed++;
        }

        /// <summary>Assigns every neuron its class from the sums so far (see the file header).</summary>
        public void Assign()
        {
            Array.Clear(_perClass, 0, _classes);
            AssignedNeurons = 0;
            for (int j = 0; j < _neurons; j++)
            {
                int best = -1;
                for (int c = 0; c < _classes; c++)
                {
                    if (_counts[c] == 0)
                    {
                        continue;
                    }

                    // S[c, j] / n_c > S[best, j] / n_best  <=>  S[c, j] n_best > S[best, j] n_c
                    if (best < 0 || _sums[c * _neurons + j] * _counts[best] > _sums[best * _neurons + j] * _counts[c])
                    {
                        best = c;
                    }
                }

                if (best >= 0 && _sums[best * _neurons + j] == 0)
                {
                    best = -1; // never responded to any class
                }

                _assigned[j] = best;
                if (best >= 0)
                {
                    _perClass[best]++;
                    AssignedNeurons++;
                }
            }
        }

        /// <summary>
        /// Sets the assignment directly (a saved map): neuron j gets classes[offset + j], a class index or -1. The map is
        /// checked before anything changes; observations are forgotten.
        /// </summary>
        public void SetAssignment(int[] classes, int offset)
        {
            if (classes == null)
            {
                throw new ArgumentNullException(nameof(classes));
            }

            if (offset < 0 || offset > classes.Length - _neurons)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "offset " + offset + " leaves fewer than " + _neurons + " classes in an array of " + classes.Length);
            }

            for (int j = 0; j < _neurons; j++)
            {
                int c = classes[offset + j];
                if (c < -1 || c >= _classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(classes), "neuron " + j + " has class " + c + ", outside [-1, " + _classes + ")");
                }
            }

            Clear();
            for (int j = 0; j < _neurons; j++)
            {
                int c = classes[offset + j];
                _assigned[j] = c;
                if (c >= 0)
                {
                    _perClass[c]++;
                    AssignedNeurons++;
                }
            }
        }

        /// <summary>
        /// Assigns the class groups of a supervised output layer: neuron j belongs to class j / G with
        /// G = neurons / classes (which must divide). Predict is then the argmax of the group sums, first on ties.
        /// </summary>
        public void AssignGroups()
        {
            if (_neurons % _classes != 0)
            {
                throw new InvalidOperationException(_neurons + " neurons do not split into groups for " + _classes + " classes");
            }

            int group = _neurons / _classes;
            Clear();
            for (int j = 0; j < _neurons; j++)
            {
                _assigned[j] = j / group;
                _perClass[j / group]++;
            }

            AssignedNeurons = _neurons;
        }

        /// <summary>Class of neuron <paramref name="neuron"/> from the last <see cref="Assign"/>, or -1.</summary>
        public int AssignedClass(int neuron)
        {
            return _assigned[neuron];
        }

        /// <summary>Neurons assigned to class <paramref name="label"/> at the last <see cref="Assign"/>.</summary>
        public int NeuronsOfClass(int label)
        {
            return _perClass[label];
        }

        /// <summary>
        /// Predicted class of a response y (N Q0.15 values from <paramref name="offset"/>): the class whose assigned
        /// neurons respond most on average (first on ties), or -1 when no neuron has a class.
        /// </summary>
        public int Predict(short[] y, int offset)
        {
            Array.Clear(_scores, 0, _classes);
            for (int j = 0; j < _neurons; j++)
            {
                int c = _assigned[j];
                if (c >= 0)
                {
                    _scores[c] += y[offset + j];
                }
            }

            int best = -1;
            for (int c = 0; c < _classes; c++)
            {
                if (_perClass[c] == 0)
                {
                    continue;
                }

                if (best < 0 || _scores[c] * _perClass[best] > _scores[best] * _perClass[c])
                {
                    best = c;
                }
            }

            return best;
        }
    }
}
