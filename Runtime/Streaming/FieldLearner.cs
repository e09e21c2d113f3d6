// FieldLearner: learning in the field from a sensor stream (frame -> normalisation -> learner step ->
// periodic checkpoint), with back-pressure and sensor-fault handling.
//
//   Acquire(label)   producer side: reads one frame from the sensor. A faulty read (bus error, stuck or
//                    rail-saturated codes, missing data-ready) is counted by kind, pauses learning and
//                    touches nothing else; the next good frame resumes (a recovery). A good frame is queued
//                    with its label; when the queue is full the OLDEST queued frame is dropped and counted
//                    (frames arriving faster than learning: the freshest data wins).
//   LearnNext()      consumer side: takes the oldest queued frame, converts codes to signed Q0.15 (the one
//                    converter), updates the running normaliser, and trains on it when it carries a label
//                    (label >= 0). An unlabelled frame is learned from with a self-defined target when the
//                    learner can (IUnlabelledLearner, e.g. SemiSupervisedClassifier), else only predicted.
//                    Prediction before learning gives the prequential (test-then-train) accuracy, overall and
//                    over the last RecentWindow labelled frames. Every CheckpointInterval learned samples
//                    (labelled and unlabelled) the checkpoint writer is called.
// Nothing here knows clocks, files or consoles: the caller decides how often each side runs.
//
// Buffers: _queueCodes short[(Q + 1) * N], _queueLabels int[Q + 1] (one spare slot), _values short[N], _inputs short[N],
// _recent byte[RecentWindow] (N = channels, Q = queue capacity).
using System;

namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>Receives a request to persist learned state (implemented with checkpoints by the caller).</summary>
    public interface ICheckpointWriter
    {
        /// <summary>Persists the learner's state; <paramref name="samplesLearned"/> (labelled and unlabelled) tells how far learning got.</summary>
        void WriteCheckpoint(long samplesLearned);
    }

    /// <summary>The field loop's core: sensor frames in, learning steps out, faults and drops counted.</summary>
    public sealed class FieldLearner
    {
        /// <summary>Labelled frames over which <see cref="RecentAccuracy"/> is measured.</summary>
        public const int RecentWindow = 500;

        private readonly ISensorFrameSource _source;
        private readonly Learners.ISupervisedLearner _learner;
        private readonly Learners.IUnlabelledLearner _unlabelled;
        private readonly RunningNormalizer _normalizer;
        private readonly ICheckpointWriter _checkpoints;
        private readonly int _channels;
        private readonly short[] _queueCodes;
        private readonly int[] _queueLabels;
        private readonly short[] _values;
        private readonly short[] _inputs;
        private readonly byte[] _recent;
        private readonly long[] _faults;
        private readonly int _checkpointInterval;
        private readonly int _capacity;
        private int _head;
        private int _count;
        private int _recentCount;
        private int _recentCorrect;
        private int _recentNext;

        /// <summary>
        /// Creates a field learner. <paramref name="queueCapacity"/> frames can wait for learning;
        /// <paramref name="checkpointInterval"/> learned samples between checkpoints (0 = never);
        /// <paramref name="checkpoints"/> may be null when <paramref name="checkpointInterval"/> is 0.
        /// </summary>
        public FieldLearner(ISensorFrameSource source, Learners.ISupervisedLearner learner, RunningNormalizer normalizer, int queueCapacity, int checkpointInterval, ICheckpointWriter checkpoints)
        {
            if (source == null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            if (normalizer == null)
            {
                throw new ArgumentNullException(nameof(normalizer));
            }

            if (learner.InputSize != source.ChannelCount || normalizer.Channels != source.ChannelCount)
            {
                throw new ArgumentException("the sensor has " + source.ChannelCount + " channels but the learner takes " + learner.InputSize + " inputs and the normaliser " + normalizer.Channels, nameof(learner));
            }

            if (queueCapacity < 1 || queueCapacity > 4096)
            {
                throw new ArgumentOutOfRangeException(nameof(queueCapacity), "queue capacity must be in [1, 4096], got " + queueCapacity);
            }

            if (checkpointInterval < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(checkpointInterval), "checkpoint interval must be >= 0, got " + checkpointInterval);
            }

            if (checkpointInterval > 0 && checkpoints == null)
            {
                throw new ArgumentNullException(nameof(checkpoints), "a checkpoint interval needs a checkpoint writer");
            }

            _source = source;
            _learner = learner;
            _unlabelled = learner as Learners.IUnlabelledLearner;
            _normalizer = normalizer;
            _checkpoints = checkpoints;
            _checkpointInterval = checkpointInterval;
            _channels = source.ChannelCount;
            // One spare slot: a frame is read into a free slot first, so a failed read never damages a queued frame.
            _capacity = queueCapacity;
            _queueCodes = new short[(queueCapacity + 1) * _channels];
            _queueLabels = new int[queueCapacity + 1];
            _values = new short[_channels];
            _inputs = new short[_channels];
            _recent = new byte[RecentWindow];
            _faults = new long[5];
        }

        /// <summary>True while the sensor is faulty: frames are not learned from until a good frame arrives.</summary>
        public bool Paused { get; private set; }

        /// <summary>Status of the last read.</summary>
        public SensorStatus LastStatus { get; private set; }

        /// <summary>Good frames read from the sensor.</summary>
        public long FramesRead { get; private set; }

        /// <summary>Good frames dropped because the queue was full (back-pressure).</summary>
        public long FramesDropped { get; private set; }

        /// <summary>Times learning resumed after a fault.</summary>
        public long Recoveries { get; private set; }

        /// <summary>Frames taken from the queue and processed.</summary>
        public long FramesProcessed { get; private set; }

        /// <summary>Labelled frames learned from.</summary>
        public long SamplesLearned { get; private set; }

        /// <summary>Unlabelled frames learned from with a self-defined target (0 unless the learner can).</summary>
        public long SamplesSelfLearned { get; private set; }

        /// <summary>True when unlabelled frames are learned from (the learner is an IUnlabelledLearner).</summary>
        public bool LearnsFromUnlabelled
        {
            get { return _unlabelled != null; }
        }

        /// <summary>Labelled frames whose prediction (made before learning) was right.</summary>
        public long CorrectPredictions { get; private set; }

        /// <summary>Checkpoints requested so far.</summary>
        public long CheckpointsWritten { get; private set; }

        /// <summary>Frames waiting in the queue.</summary>
        public int Queued
        {
            get { return _count; }
        }

        /// <summary>Prequential accuracy over every labelled frame so far (0 before the first).</summary>
        public double Accuracy
        {
            get { return SamplesLearned == 0 ? 0 : CorrectPredictions / (double)SamplesLearned; }
        }

        /// <summary>Prequential accuracy over the last <see cref="RecentWindow"/> labelled frames.</summary>
        public double RecentAccuracy
        {
            get { return _recentCount == 0 ? 0 : _recentCorrect / (double)_recentCount; }
        }

        /// <summary>Faulty reads of one kind so far.</summary>
        public long Faults(SensorStatus status)
        {
            int i = (int)status;
            return i > 0 && i < _faults.Length ? _faults[i] : 0;
        }

        /// <summary>The normaliser (its statistics are part of the learned state).</summary>
        public RunningNormalizer Normalizer
        {
            get { return _normalizer; }
        }

        /// <summary>
        /// Reads one frame; queues it with <paramref name="label"/> (-1 = unlabelled) when good. Returns false on a
        /// faulty read (counted, learning paused, nothing else touched).
        /// </summary>
        public bool Acquire(int label)
        {
            if (label < -1 || label >= _learner.ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(label), "label " + label + " is outside [-1, " + _learner.ClassCount + ")");
            }

            int slot = (_head + _count) % _queueLabels.Length;
            SensorStatus status;
            bool ok = _source.TryReadFrame(_queueCodes, slot * _channels, out status);
            LastStatus = status;
            if (!ok || status != SensorStatus.Ok)
            {
                int kind = (int)status;
                if (kind > 0 && kind < _faults.Length)
                {
                    _faults[kind]++;
                }

                Paused = true;
                return false;
            }

            if (Paused)
            {
                Paused = false;
                Recoveries++;
            }

            _queueLabels[slot] = label;
            _count++;
            if (_count > _capacity)
            {
                _head = (_head + 1) % _queueLabels.Length;
                _count--;
                FramesDropped++;
            }

            FramesRead++;
            return true;
        }

        /// <summary>
        /// Processes the oldest queued frame: normalise, then train (labelled), learn with a self-defined target
        /// (unlabelled, when the learner can) or predict (unlabelled).
        /// Returns false when the queue is empty or learning is paused; <paramref name="prediction"/> is the class
        /// predicted before learning.
        /// </summary>
        public bool LearnNext(out int prediction)
        {
            prediction = -1;
            if (_count == 0 || Paused)
            {
                return false;
            }

            int slot = _head;
            _head = (_head + 1) % _queueLabels.Length;
            _count--;
            int label = _queueLabels[slot];
            SensorCodeConverter.ToQ15(_source.CodeFormat, _queueCodes, slot * _channels, _values, 0, _channels);
            _normalizer.Update(_values, 0, _inputs, 0);
            FramesProcessed++;
            if (label < 0)
            {
                if (_unlabelled == null)
                {
                    prediction = _learner.Predict(_inputs, 0);
                    return true;
                }

                if (_unlabelled.LearnUnlabelled(_inputs, 0, out prediction))
                {
                    SamplesSelfLearned++;
                    CheckpointWhenDue();
                }

                return true;
            }

            prediction = _learner.TrainSample(_inputs, 0, label);
            SamplesLearned++;
            bool right = prediction == label;
            if (right)
            {
                CorrectPredictions++;
            }

            if (_recentCount == RecentWindow)
            {
                _recentCorrect -= _recent[_recentNext];
            }
            else
            {
                _recentCount++;
            }

            _recent[_recentNext] = right ? (byte)1 : (byte)0;
            _recentCorrect += _recent[_recentNext];
            _recentNext = (_recentNext + 1) % RecentWindow;

            CheckpointWhenDue();
            return true;
        }

        // Every CheckpointInterval learned samples (labelled and unlabelled): end the open batch and checkpoint.
        private void CheckpointWhenDue()
        {
            long learned = SamplesLearned + SamplesSelfLearned;
            if (_checkpointInterval > 0 && learned % _checkpointInterval == 0)
            {
                _learner.EndBatch();
                _checkpoints.WriteCheckpoint(learned);
                CheckpointsWritten++;
            }
        }

        /// <summary>Copies the normalised inputs (Q0.15) of the latest processed frame into <paramref name="into"/>.</summary>
        public void CopyLatestInputs(short[] into, int offset)
        {
            Array.Copy(_inputs, 0, into, offset, _channels);
        }

        /// <summary>Predicts the class of the latest processed inputs without learning (for evaluation of a held-out frame).</summary>
        public int PredictLatest()
        {
            return _learner.Predict(_inputs, 0);
        }

        /// <summary>Bytes of the loop's own buffers and normaliser state.</summary>
        public long ScratchBytes
        {
            get { return 2L * _queueCodes.Length + 4L * _queueLabels.Length + 4L * _channels + _recent.Length + 8L * _faults.Length + _normalizer.StateBytes; }
        }
    }
}
