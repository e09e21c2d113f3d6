// SelfContrastiveClassifier: prediction with a frozen SCFF network and its fixed-point readout, as a device runs a
// model read from an image (SelfContrastiveForwardForwardImage): features f = extractor(x) (Q.10), class =
// argmax(V f + c). The same integers as training's readout evaluation, which computes the same features and calls the
// same FixedPointReadout.Predict.
//
// Buffers: _features short[D] (scratch); the extractor's pass and the readout's own buffers.
using System;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>Classifies inputs with SCFF features and a linear fixed-point readout.</summary>
    public sealed class SelfContrastiveClassifier
    {
        private readonly SelfContrastiveFeatureExtractor _extractor;
        private readonly FixedPointReadout _readout;
        private readonly short[] _features;

        /// <summary>Creates a classifier; the readout must take the extractor's features (count and Q.10 format).</summary>
        public SelfContrastiveClassifier(SelfContrastiveFeatureExtractor extractor, FixedPointReadout readout)
        {
            if (extractor == null)
            {
                throw new ArgumentNullException(nameof(extractor));
            }

            if (readout == null)
            {
                throw new ArgumentNullException(nameof(readout));
            }

            if (readout.FeatureCount != extractor.FeatureCount || readout.FeatureFractionBits != SelfContrastiveForwardForwardSettings.InputFractionBits)
            {
                throw new ArgumentException("the readout takes " + readout.FeatureCount + " features in Q." + readout.FeatureFractionBits + "; the extractor gives " + extractor.FeatureCount + " in Q." + SelfContrastiveForwardForwardSettings.InputFractionBits, nameof(readout));
            }

            _extractor = extractor;
            _readout = readout;
            _features = new short[extractor.FeatureCount];
        }

        /// <summary>The feature extractor.</summary>
        public SelfContrastiveFeatureExtractor Extractor
        {
            get { return _extractor; }
        }

        /// <summary>The readout.</summary>
        public FixedPointReadout Readout
        {
            get { return _readout; }
        }

        /// <summary>Features of the last <see cref="Predict"/> (Q.10, D values; valid until the next call).</summary>
        public short[] Features
        {
            get { return _features; }
        }

        /// <summary>Memory of both parts and the feature buffer (the readout's latent weights count as learner state).</summary>
        public MemoryPlan Memory
        {
            get
            {
                MemoryPlan e = _extractor.Memory;
                MemoryPlan r = _readout.Memory;
                return new MemoryPlan(e.Persistent + r.Persistent, e.LearnerState + r.LearnerState, e.Scratch + r.Scratch + 2L * _features.Length);
            }
        }

        /// <summary>Predicted class of the n_0 Q0.15 inputs at <paramref name="offset"/>.</summary>
        public int Predict(short[] x, int offset)
        {
            _extractor.Compute(x, offset, _features, 0);
            return _readout.Predict(_features, 0);
        }
    }
}
