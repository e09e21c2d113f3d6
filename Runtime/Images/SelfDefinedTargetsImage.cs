// SelfDefinedTargetsImage: how a self-defined-targets learner maps to image sections (learner kind 3, "sdt").
// Supported: the single-layer delta rule (DeltaRuleLearner) driven by SelfDefinedTargetProvider (unsupervised)
// or by SemiSupervisedTargetProvider (semi-supervised, class groups), with its neuron -> class map. Not
// supported (writers refuse, readers refuse rule != 1): the EP target learner and the delta-rule stack.
//
// Sections written (in this order, which is the required (type, index) order):
//   MODEL                  K = 2, G (1 unsupervised, n_L / classes semi-supervised), weights s16, activations
//                          q0.15, Q8.24 biases, Q0.15 scales, widths n_0 n_1
//   SCALES                 alpha_0 = 8 (2^-12 in Q0.15): a weight w is worth w 2^-12 (Q3.12), nothing else accepted
//   HYPERPARAMETERS        average_rate f64, batch_size i32, bias_learning_rate f64, classes i32,
//                          homeostasis_batch_size i32, homeostasis_mode i32 (1 mini-batch, 2 streaming),
//                          homeostasis_rate f64, leak_shift i32, learning_rate f64, rule i32 (1 delta), seed i64,
//                          smoothing f64, supervision i32 (1 unsupervised, 2 semi-supervised), winners i32
//   WEIGHTS_S16[0]         N x M Q3.12, row-major
//   BIASES_S32[0]          N Q8.24
//   full images only:
//   LATENT_WEIGHTS_S32[0]  N x M Q8.24 latent weights
//   HOMEOSTASIS_S32[0]     N thresholds H, Q8.24
//   BIAS_PENDING_S32[0]    N bias steps of the open mini-batch, Q8.24
//   HOMEOSTASIS_TRACE_S32[0] N values: streaming mode the running averages a (Q8.24); mini-batch mode the Q0.15
//                          target sums of the open homeostasis batch, each in [0, 32767 homeostasis_pending]
//   LEARNER_COUNTERS       homeostasis_pending i32, homeostasis_updates i64, in_batch i32, samples_seen i64
//   CLASS_MAP_S32          N classes in [-1, classes): the direct association (unsupervised) or j / G (semi)
//   METADATA               optional
//
// The learner draws random numbers only at initialisation, so a full image needs no generator state; it
// restores learner and homeostasis exactly, mid-batch included. Reading validates everything before anything is
// allocated in proportion to the payload or overwritten; a refused image leaves the caller's objects untouched.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>A delta-rule layer, its class map and target settings read from an sdt image.</summary>
    public sealed class SelfDefinedTargetsModel
    {
        internal SelfDefinedTargetsModel(DeltaRuleLearner layer, DirectAssociation association, SelfDefinedTargetSettings targets, bool semiSupervised, ImageRecords metadata, ModelImage image)
        {
            Layer = layer;
            Association = association;
            Targets = targets;
            SemiSupervised = semiSupervised;
            Metadata = metadata;
            Image = image;
        }

        /// <summary>
        /// The layer, freshly allocated. From an inference image its latent weights are the forward weights in Q8.24 and
        /// its counters are 0; from a full image it is the saved learner.
        /// </summary>
        public DeltaRuleLearner Layer { get; private set; }

        /// <summary>The neuron -> class map (prediction as the training run evaluated).</summary>
        public DirectAssociation Association { get; private set; }

        /// <summary>The target settings (k, smoothing, homeostasis).</summary>
        public SelfDefinedTargetSettings Targets { get; private set; }

        /// <summary>True when the learner was trained semi-supervised (class groups), false when unsupervised.</summary>
        public bool SemiSupervised { get; private set; }

        /// <summary>The METADATA records (empty when absent).</summary>
        public ImageRecords Metadata { get; private set; }

        /// <summary>The validated container.</summary>
        public ModelImage Image { get; private set; }

        /// <summary>True when the image holds learner state (a full image).</summary>
        public bool HasLearnerState
        {
            get { return Image.IsFull; }
        }

        /// <summary>Predicted class of x (n_0 Q0.15 values from <paramref name="offset"/>), or -1 when no neuron has a class.</summary>
        public int Predict(short[] x, int offset)
        {
            return Association.Predict(Layer.Respond(x, offset), 0);
        }
    }

    /// <summary>Writes and reads self-defined-targets delta-rule learners as model images.</summary>
    public static class SelfDefinedTargetsImage
    {
        /// <summary>Q0.15 scale of the s16 weights: 2^-12 (Q3.12).</summary>
        public const int WeightScaleQ15 = 1 << (FixedPoint.Q15Bits - DeltaRuleLearner.WeightFractionBits);

        /// <summary>The only rule code of this version: the single-layer delta rule.</summary>
        public const int RuleDelta = 1;

        /// <summary>Supervision code: self-defined targets only.</summary>
        public const int SupervisionUnsupervised = 1;

        /// <summary>Supervision code: label targets when a sample has a label, self-defined ones otherwise.</summary>
        public const int SupervisionSemiSupervised = 2;

        /// <summary>Hyperparameter key: running-average rate eta.</summary>
        public const string KeyAverageRate = "average_rate";

        /// <summary>Hyperparameter key: delta-rule mini-batch size.</summary>
        public const string KeyBatchSize = "batch_size";

        /// <summary>Hyperparameter key: delta-rule bias learning rate.</summary>
        public const string KeyBiasLearningRate = "bias_learning_rate";

        /// <summary>Hyperparameter key: number of classes of the class map.</summary>
        public const string KeyClasses = "classes";

        /// <summary>Hyperparameter key: homeostasis mini-batch size.</summary>
        public const string KeyHomeostasisBatchSize = "homeostasis_batch_size";

        /// <summary>Hyperparameter key: homeostasis mode (1 mini-batch, 2 streaming).</summary>
        public const string KeyHomeostasisMode = "homeostasis_mode";

        /// <summary>Hyperparameter key: homeostasis rate gamma_H.</summary>
        public const string KeyHomeostasisRate = "homeostasis_rate";

        /// <summary>Hyperparameter key: homeostasis leak shift.</summary>
        public const string KeyLeakShift = "leak_shift";

        /// <summary>Hyperparameter key: delta-rule weight learning rate.</summary>
        public const string KeyLearningRate = "learning_rate";

        /// <summary>Hyperparameter key: learner rule (1 delta).</summary>
        public const string KeyRule = "rule";

        /// <summary>Hyperparameter key: seed of the initial weights.</summary>
        public const string KeySeed = "seed";

        /// <summary>Hyperparameter key: target smoothing s.</summary>
        public const string KeySmoothing = "smoothing";

        /// <summary>Hyperparameter key: supervision (1 unsupervised, 2 semi-supervised).</summary>
        public const string KeySupervision = "supervision";

        /// <summary>Hyperparameter key: winners k of the k-WTA.</summary>
        public const string KeyWinners = "winners";

        /// <summary>Counter key: targets in the open homeostasis mini-batch.</summary>
        public const string KeyHomeostasisPending = "homeostasis_pending";

        /// <summary>Counter key: homeostasis updates so far.</summary>
        public const string KeyHomeostasisUpdates = "homeostasis_updates";

        /// <summary>Counter key: samples in the open delta-rule mini-batch.</summary>
        public const string KeyInBatch = "in_batch";

        /// <summary>Counter key: samples learnt so far.</summary>
        public const string KeySamplesSeen = "samples_seen";

        private static readonly string[] HyperparameterKeys =
        {
            KeyAverageRate, KeyBatchSize, KeyBiasLearningRate, KeyClasses, KeyHomeostasisBatchSize, KeyHomeostasisMode,
            KeyHomeostasisRate, KeyLeakShift, KeyLearningRate, KeyRule, KeySeed, KeySmoothing, KeySupervision, KeyWinners,
        };

        private static readonly string[] CounterKeys = { KeyHomeostasisPending, KeyHomeostasisUpdates, KeyInBatch, KeySamplesSeen };

        private static readonly int[] StateTypes =
        {
            ImageSectionTypes.LatentWeightsS32, ImageSectionTypes.HomeostasisS32, ImageSectionTypes.BiasPendingS32, ImageSectionTypes.HomeostasisTraceS32,
        };

        /// <summary>
        /// An inference image: the layer's weights and biases, the class map of <paramref name="association"/> and the
        /// settings. <paramref name="semiSupervised"/> says how the layer was trained (then the map must be the class
        /// groups, see <see cref="DirectAssociation.AssignGroups"/>). <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(DeltaRuleLearner layer, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            CheckWritable(layer, targets, association, semiSupervised);
            return Write(ImageFormat.InferenceImage, layer, targets, null, association, semiSupervised, metadata);
        }

        /// <summary>
        /// A full image: as <see cref="WriteInference"/> plus the learner state of <paramref name="layer"/> and the
        /// homeostasis of <paramref name="provider"/>, enough to resume learning with the same integers.
        /// </summary>
        public static byte[] WriteFull(DeltaRuleLearner layer, SelfDefinedTargetProvider provider, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            if (provider == null)
            {
                throw new ArgumentNullException(nameof(provider));
            }

            CheckWritable(layer, provider.Settings, association, semiSupervised);
            if (provider.OutputSize != layer.OutputSize)
            {
                throw new ArgumentException("the provider makes targets for " + provider.OutputSize + " neurons, the layer has " + layer.OutputSize, nameof(provider));
            }

            return Write(ImageFormat.FullImage, layer, provider.Settings, provider.Homeostasis, association, semiSupervised, metadata);
        }

        /// <summary>Reads an sdt image (inference or full; a full image's state is validated and restored too).</summary>
        public static bool TryRead(byte[] buffer, int offset, int count, ImageLimits limits, KernelSet kernels, out SelfDefinedTargetsModel model, out ImageError error)
        {
            model = null;
            ModelImage image;
            if (!ModelImage.TryParse(buffer, offset, count, limits, out image, out error))
            {
                return false;
            }

            return TryRead(image, kernels, out model, out error);
        }

        /// <summary>Checks an already parsed container against every sdt rule without allocating a learner.</summary>
        public static bool TryValidate(ModelImage image, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            DeltaRuleSettings delta;
            SelfDefinedTargetSettings targets;
            int classes;
            bool semi;
            return Validate(image, out delta, out targets, out classes, out semi, out error);
        }

        /// <summary>Reads an already parsed container into a new layer and class map (see the other overload).</summary>
        public static bool TryRead(ModelImage image, KernelSet kernels, out SelfDefinedTargetsModel model, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            model = null;
            DeltaRuleSettings delta;
            SelfDefinedTargetSettings targets;
            int classes;
            bool semi;
            if (!Validate(image, out delta, out targets, out classes, out semi, out error))
            {
                return false;
            }

            NetworkDescription d = image.Description;
            DeltaRuleLearner layer = new DeltaRuleLearner(d.InputSize, d.OutputSize, delta, kernels);
            CopyParameters(image, layer);
            DirectAssociation association = new DirectAssociation(d.OutputSize, classes);
            int[] map = new int[d.OutputSize];
            int p = image.PayloadStart(image.FindSection(ImageSectionTypes.ClassMapS32, 0));
            for (int j = 0; j < map.Length; j++)
            {
                map[j] = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
            }

            association.SetAssignment(map, 0);
            model = new SelfDefinedTargetsModel(layer, association, targets, semi, image.Metadata, image);
            return true;
        }

        /// <summary>
        /// Builds the learner and its self-defined-target provider from a full image, both exactly as saved (the
        /// provider's homeostasis included). A semi-supervised image's caller wraps the provider in a
        /// <see cref="SemiSupervisedTargetProvider"/> itself (the supervised half has no state).
        /// </summary>
        public static bool TryCreateLearner(ModelImage image, KernelSet kernels, out SelfDefinedTargetsModel model, out SelfDefinedTargetProvider provider, out ImageError error)
        {
            provider = null;
            if (!TryRead(image, kernels, out model, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                model = null;
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state; a learner needs a full image");
                return false;
            }

            SelfDefinedTargetProvider created = new SelfDefinedTargetProvider(model.Layer.OutputSize, model.Targets);
            CopyHomeostasis(image, created.Homeostasis);
            provider = created;
            return true;
        }

        /// <summary>The HYPERPARAMETERS records of a configuration.</summary>
        public static ImageRecords SettingsRecords(DeltaRuleSettings delta, SelfDefinedTargetSettings targets, int classes, bool semiSupervised)
        {
            if (delta == null)
            {
                throw new ArgumentNullException(nameof(delta));
            }

            if (targets == null)
            {
                throw new ArgumentNullException(nameof(targets));
            }

            ImageRecords r = new ImageRecords();
            r.SetFloat64(KeyAverageRate, targets.AverageRate);
            r.SetInt32(KeyBatchSize, delta.BatchSize);
            r.SetFloat64(KeyBiasLearningRate, delta.BiasLearningRate);
            r.SetInt32(KeyClasses, classes);
            r.SetInt32(KeyHomeostasisBatchSize, targets.BatchSize);
            r.SetInt32(KeyHomeostasisMode, (int)targets.Mode);
            r.SetFloat64(KeyHomeostasisRate, targets.HomeostasisRate);
            r.SetInt32(KeyLeakShift, targets.LeakShift);
            r.SetFloat64(KeyLearningRate, delta.LearningRate);
            r.SetInt32(KeyRule, RuleDelta);
            r.SetInt64(KeySeed, delta.Seed);
            r.SetFloat64(KeySmoothing, targets.Smoothing);
            r.SetInt32(KeySupervision, semiSupervised ? SupervisionSemiSupervised : SupervisionUnsupervised);
            r.SetInt32(KeyWinners, targets.Winners);
            return r;
        }

        // ---------------------------------------------------------------- writing

        private static void CheckWritable(DeltaRuleLearner layer, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised)
        {
            if (layer == null)
            {
                throw new ArgumentNullException(nameof(layer));
            }

            if (targets == null)
            {
                throw new ArgumentNullException(nameof(targets));
            }

            if (association == null)
            {
                throw new ArgumentNullException(nameof(association));
            }

            targets.Validate(layer.OutputSize);
            if (association.NeuronCount != layer.OutputSize)
            {
                throw new ArgumentException("the class map has " + association.NeuronCount + " neurons, the layer " + layer.OutputSize, nameof(association));
            }

            if (semiSupervised)
            {
                int classes = association.ClassCount;
                if (layer.OutputSize % classes != 0)
                {
                    throw new ArgumentException("a semi-supervised layer of " + layer.OutputSize + " neurons does not split into " + classes + " class groups", nameof(association));
                }

                int group = layer.OutputSize / classes;
                for (int j = 0; j < layer.OutputSize; j++)
                {
                    if (association.AssignedClass(j) != j / group)
                    {
                        throw new ArgumentException("a semi-supervised layer predicts by class groups; neuron " + j + " has class " + association.AssignedClass(j) + ", not " + (j / group) + " (use AssignGroups)", nameof(association));
                    }
                }
            }
        }

        private static byte[] Write(int kind, DeltaRuleLearner layer, SelfDefinedTargetSettings targets, Homeostasis homeostasis, DirectAssociation association, bool semi, ImageRecords metadata)
        {
            ModelImageBuilder plan = new ModelImageBuilder(kind, ImageLearnerKinds.Sdt);
            Emit(plan, layer, targets, homeostasis, association, semi, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, layer, targets, homeostasis, association, semi, metadata);
            return writer.Finish();
        }

        private static void Emit(ModelImageBuilder b, DeltaRuleLearner layer, SelfDefinedTargetSettings targets, Homeostasis homeostasis, DirectAssociation association, bool semi, ImageRecords metadata)
        {
            int n = layer.OutputSize;
            int m = layer.InputSize;
            int classes = association.ClassCount;

            b.BeginSection(ImageSectionTypes.Model, 0);
            b.WriteUInt16(2);
            b.WriteUInt16(semi ? n / classes : 1);
            b.WriteByte(ImageFormat.WeightsS16);
            b.WriteByte(ImageFormat.ActivationsQ15);
            b.WriteByte(ImageFormat.BiasesQ8_24);
            b.WriteByte(ImageFormat.ScalesQ0_15);
            b.WriteUInt16(m);
            b.WriteUInt16(n);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.Scales, 0);
            b.WriteInt32(WeightScaleQ15);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.Hyperparameters, 0);
            SettingsRecords(layer.Settings, targets, classes, semi).WriteTo(b);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.WeightsS16, 0);
            b.WriteInt16s(layer.Weights, 0, n * m);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.BiasesS32, 0);
            b.WriteInt32s(layer.Biases, 0, n);
            b.EndSection();

            if (homeostasis != null)
            {
                b.BeginSection(ImageSectionTypes.LatentWeightsS32, 0);
                b.WriteInt32s(layer.LatentWeights, 0, n * m);
                b.EndSection();

                b.BeginSection(ImageSectionTypes.HomeostasisS32, 0);
                b.WriteInt32s(homeostasis.Values, 0, n);
                b.EndSection();

                b.BeginSection(ImageSectionTypes.BiasPendingS32, 0);
                b.WriteInt32s(layer.PendingBiasSteps, 0, n);
                b.EndSection();

                b.BeginSection(ImageSectionTypes.HomeostasisTraceS32, 0);
                b.WriteInt32s(homeostasis.IsStreaming ? homeostasis.Averages : homeostasis.BatchSums, 0, n);
                b.EndSection();

                ImageRecords c = new ImageRecords();
                c.SetInt32(KeyHomeostasisPending, homeostasis.PendingCount);
                c.SetInt64(KeyHomeostasisUpdates, homeostasis.Updates);
                c.SetInt32(KeyInBatch, layer.SamplesInBatch);
                c.SetInt64(KeySamplesSeen, layer.SamplesSeen);
                b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                c.WriteTo(b);
                b.EndSection();
            }

            b.BeginSection(ImageSectionTypes.ClassMapS32, 0);
            for (int j = 0; j < n; j++)
            {
                b.WriteInt32(association.AssignedClass(j));
            }

            b.EndSection();

            if (metadata != null && metadata.Count > 0)
            {
                b.BeginSection(ImageSectionTypes.Metadata, 0);
                metadata.WriteTo(b);
                b.EndSection();
            }
        }

        // ---------------------------------------------------------------- reading

        private static bool Validate(ModelImage image, out DeltaRuleSettings delta, out SelfDefinedTargetSettings targets, out int classes, out bool semi, out ImageError error)
        {
            delta = null;
            targets = null;
            classes = 0;
            semi = false;
            if (image.LearnerKind != ImageLearnerKinds.Sdt)
            {
                error = new ImageError(ImageErrorCode.WrongLearnerKind, ImageFormat.LearnerKindOffset, "image is for learner '" + ImageLearnerKinds.Name(image.LearnerKind) + "', not 'sdt'");
                return false;
            }

            int modelAt = image.SectionOffset(image.FindSection(ImageSectionTypes.Model, 0));
            NetworkDescription d = image.Description;
            if (d.LayerCount != 2)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, modelAt, "sdt images hold one delta-rule layer (2 layer widths), this one has " + d.LayerCount + " widths");
                return false;
            }

            if (image.WeightFormat != ImageFormat.WeightsS16)
            {
                error = new ImageError(ImageErrorCode.UnsupportedFormat, modelAt + 4, "the sdt delta rule has s16 weights, not " + ImageFormat.WeightFormatName(image.WeightFormat));
                return false;
            }

            if (image.ActivationFormat != ImageFormat.ActivationsQ15)
            {
                error = new ImageError(ImageErrorCode.UnsupportedFormat, modelAt + 5, "the sdt delta rule has q0.15 activations, not " + ImageFormat.ActivationFormatName(image.ActivationFormat));
                return false;
            }

            int scalesAt = image.SectionOffset(image.FindSection(ImageSectionTypes.Scales, 0));
            int scale = ImageBytes.ReadInt32(image.Buffer, image.Start + scalesAt);
            if (scale != WeightScaleQ15)
            {
                error = new ImageError(ImageErrorCode.BadValue, scalesAt, "the s16 weights are Q3.12: the scale must be " + WeightScaleQ15 + " (2^-12 in Q0.15), not " + scale);
                return false;
            }

            if (!ReadSettings(image, out delta, out targets, out classes, out semi, out error))
            {
                return false;
            }

            for (int i = 0; i < image.SectionCount; i++)
            {
                int t = image.SectionType(i);
                bool known = false;
                for (int k = 0; k < StateTypes.Length; k++)
                {
                    known |= t == StateTypes[k];
                }

                if (ImageSectionTypes.IsLearnerState(t) && t != ImageSectionTypes.LearnerCounters && !known)
                {
                    error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i, "section " + ImageSectionTypes.Name(t) + " is not state of an sdt delta-rule learner");
                    return false;
                }

                if (t == ImageSectionTypes.ReadoutWeightsS16 || t == ImageSectionTypes.ReadoutBiasesS32)
                {
                    error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i, "section " + ImageSectionTypes.Name(t) + " is not defined for learner 'sdt' (its class map gives the classes)");
                    return false;
                }
            }

            int mapIndex = image.FindSection(ImageSectionTypes.ClassMapS32, 0);
            if (mapIndex < 0)
            {
                error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the sdt image has no CLASS_MAP_S32 section");
                return false;
            }

            int group = d.OutputSize / classes;
            int p = image.PayloadStart(mapIndex);
            for (int j = 0; j < d.OutputSize; j++)
            {
                int c = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
                if (c < -1 || c >= classes || (semi && c != j / group))
                {
                    string rule = semi ? "the class group " + (j / group) : "a class in [-1, " + classes + ")";
                    error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(mapIndex) + 4 * j, "neuron " + j + " has class " + c + "; it must be " + rule);
                    return false;
                }
            }

            if (image.IsFull)
            {
                for (int k = 0; k < StateTypes.Length; k++)
                {
                    if (!image.HasSectionType(StateTypes[k]))
                    {
                        error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the full image has no " + ImageSectionTypes.Name(StateTypes[k]) + " section");
                        return false;
                    }
                }

                if (!CheckCounters(image, delta, targets, out error))
                {
                    return false;
                }
            }

            error = null;
            return true;
        }

        private static bool ReadSettings(ModelImage image, out DeltaRuleSettings delta, out SelfDefinedTargetSettings targets, out int classes, out bool semi, out ImageError error)
        {
            delta = null;
            targets = null;
            classes = 0;
            semi = false;
            ImageRecords h = image.Hyperparameters;
            int hOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.Hyperparameters, 0));
            if (!ImageRecordChecks.CheckKeys(h, HyperparameterKeys, "HYPERPARAMETERS", "sdt", hOffset, out error))
            {
                return false;
            }

            double averageRate;
            int batchSize;
            double biasRate;
            int classCount;
            int homeostasisBatch;
            int mode;
            double homeostasisRate;
            int leak;
            double rate;
            int rule;
            long seed;
            double smoothing;
            int supervision;
            int winners;
            if (!ImageRecordChecks.Float64(h, KeyAverageRate, hOffset, out averageRate, out error) || !ImageRecordChecks.Int32(h, KeyBatchSize, hOffset, out batchSize, out error)
                || !ImageRecordChecks.Float64(h, KeyBiasLearningRate, hOffset, out biasRate, out error) || !ImageRecordChecks.Int32(h, KeyClasses, hOffset, out classCount, out error)
                || !ImageRecordChecks.Int32(h, KeyHomeostasisBatchSize, hOffset, out homeostasisBatch, out error) || !ImageRecordChecks.Int32(h, KeyHomeostasisMode, hOffset, out mode, out error)
                || !ImageRecordChecks.Float64(h, KeyHomeostasisRate, hOffset, out homeostasisRate, out error) || !ImageRecordChecks.Int32(h, KeyLeakShift, hOffset, out leak, out error)
                || !ImageRecordChecks.Float64(h, KeyLearningRate, hOffset, out rate, out error) || !ImageRecordChecks.Int32(h, KeyRule, hOffset, out rule, out error)
                || !ImageRecordChecks.Int64(h, KeySeed, hOffset, out seed, out error) || !ImageRecordChecks.Float64(h, KeySmoothing, hOffset, out smoothing, out error)
                || !ImageRecordChecks.Int32(h, KeySupervision, hOffset, out supervision, out error) || !ImageRecordChecks.Int32(h, KeyWinners, hOffset, out winners, out error))
            {
                return false;
            }

            if (rule != RuleDelta)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyRule, hOffset), "rule " + rule + " is not supported; sdt images of this version hold the delta rule (1)");
                return false;
            }

            if (seed < 0 || seed > 0xFFFFFFFFL)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeySeed, hOffset), "seed " + seed + " is outside [0, 4294967295]");
                return false;
            }

            if (supervision != SupervisionUnsupervised && supervision != SupervisionSemiSupervised)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeySupervision, hOffset), "supervision " + supervision + " is neither 1 (unsupervised) nor 2 (semi-supervised)");
                return false;
            }

            NetworkDescription d = image.Description;
            bool isSemi = supervision == SupervisionSemiSupervised;
            if (classCount < 1 || classCount > 65536 || (isSemi && d.OutputSize % classCount != 0))
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyClasses, hOffset), "classes " + classCount + " is outside [1, 65536]" + (isSemi ? " or does not divide the " + d.OutputSize + " outputs into class groups" : ""));
                return false;
            }

            int group = isSemi ? d.OutputSize / classCount : 1;
            if (d.NeuronsPerClass != group)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, image.SectionOffset(image.FindSection(ImageSectionTypes.Model, 0)) + 2, "MODEL declares " + d.NeuronsPerClass + " neurons per class; " + (isSemi ? "a semi-supervised layer of " + d.OutputSize + " outputs and " + classCount + " classes has " + group : "an unsupervised layer has 1"));
                return false;
            }

            DeltaRuleSettings ds = new DeltaRuleSettings();
            ds.BatchSize = batchSize;
            ds.LearningRate = rate;
            ds.BiasLearningRate = biasRate;
            ds.Seed = (uint)seed;
            SelfDefinedTargetSettings ts = new SelfDefinedTargetSettings();
            ts.AverageRate = averageRate;
            ts.BatchSize = homeostasisBatch;
            ts.HomeostasisRate = homeostasisRate;
            ts.LeakShift = leak;
            ts.Mode = (HomeostasisMode)mode;
            ts.Smoothing = smoothing;
            ts.Winners = winners;
            try
            {
                ds.Validate();
                ts.Validate(d.OutputSize);
            }
            catch (ArgumentException e)
            {
                // Validate names the setting and its range; the image is refused with that message.
                error = new ImageError(ImageErrorCode.BadValue, hOffset, "hyperparameter out of range: " + e.Message);
                return false;
            }

            delta = ds;
            targets = ts;
            classes = classCount;
            semi = isSemi;
            error = null;
            return true;
        }

        private static bool CheckCounters(ModelImage image, DeltaRuleSettings delta, SelfDefinedTargetSettings targets, out ImageError error)
        {
            ImageRecords c = image.Counters;
            int cOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.LearnerCounters, 0));
            if (!ImageRecordChecks.CheckKeys(c, CounterKeys, "LEARNER_COUNTERS", "sdt", cOffset, out error))
            {
                return false;
            }

            int pending;
            long updates;
            int inBatch;
            long samples;
            if (!ImageRecordChecks.Int32(c, KeyHomeostasisPending, cOffset, out pending, out error) || !ImageRecordChecks.Int64(c, KeyHomeostasisUpdates, cOffset, out updates, out error)
                || !ImageRecordChecks.Int32(c, KeyInBatch, cOffset, out inBatch, out error) || !ImageRecordChecks.Int64(c, KeySamplesSeen, cOffset, out samples, out error))
            {
                return false;
            }

            if (updates < 0 || samples < 0)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, updates < 0 ? KeyHomeostasisUpdates : KeySamplesSeen, cOffset), "counters must be non-negative (homeostasis updates " + updates + ", samples " + samples + ")");
                return false;
            }

            if (inBatch < 0 || inBatch >= delta.BatchSize)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyInBatch, cOffset), "samples in the open batch " + inBatch + " is outside [0, " + delta.BatchSize + ")");
                return false;
            }

            bool streaming = targets.Mode == HomeostasisMode.Streaming;
            int most = streaming ? 0 : targets.BatchSize - 1;
            if (pending < 0 || pending > most)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyHomeostasisPending, cOffset), "targets in the open homeostasis batch " + pending + " is outside [0, " + most + "]" + (streaming ? " (streaming homeostasis has no batch)" : ""));
                return false;
            }

            if (!streaming)
            {
                // Each sum adds `pending` Q0.15 targets in [0, 32767].
                int trace = image.FindSection(ImageSectionTypes.HomeostasisTraceS32, 0);
                int p = image.PayloadStart(trace);
                long top = (long)pending * FixedPoint.Q15Max;
                for (int j = 0; j < image.Description.OutputSize; j++)
                {
                    int v = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
                    if (v < 0 || v > top)
                    {
                        error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(trace) + 4 * j, "target sum of neuron " + j + " is " + v + "; " + pending + " pending targets give [0, " + top + "]");
                        return false;
                    }
                }
            }

            error = null;
            return true;
        }

        private static void CopyParameters(ModelImage image, DeltaRuleLearner layer)
        {
            byte[] buf = image.Buffer;
            short[] w = layer.Weights;
            int[] latent = layer.LatentWeights;
            int[] bias = layer.Biases;
            int wp = image.PayloadStart(image.FindSection(ImageSectionTypes.WeightsS16, 0));
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = ImageBytes.ReadInt16(buf, wp + 2 * i);
            }

            int bp = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasesS32, 0));
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = ImageBytes.ReadInt32(buf, bp + 4 * i);
            }

            if (!image.IsFull)
            {
                // No latent copy: the one that requantises to the forward weights, so learning can start from here.
                for (int i = 0; i < w.Length; i++)
                {
                    latent[i] = w[i] << (DeltaRuleLearner.LatentFractionBits - DeltaRuleLearner.WeightFractionBits);
                }

                layer.RestoreCounters(0, 0);
                Array.Clear(layer.PendingBiasSteps, 0, layer.PendingBiasSteps.Length);
                return;
            }

            int lp = image.PayloadStart(image.FindSection(ImageSectionTypes.LatentWeightsS32, 0));
            for (int i = 0; i < latent.Length; i++)
            {
                latent[i] = ImageBytes.ReadInt32(buf, lp + 4 * i);
            }

            int[] steps = layer.PendingBiasSteps;
            int sp = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasPendingS32, 0));
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = ImageBytes.ReadInt32(buf, sp + 4 * i);
            }

            long samples;
            int inBatch;
            image.Counters.TryGetInt64(KeySamplesSeen, out samples);
            image.Counters.TryGetInt32(KeyInBatch, out inBatch);
            layer.RestoreCounters(samples, inBatch);
        }

        private static void CopyHomeostasis(ModelImage image, Homeostasis homeostasis)
        {
            byte[] buf = image.Buffer;
            int[] h = homeostasis.Values;
            int hp = image.PayloadStart(image.FindSection(ImageSectionTypes.HomeostasisS32, 0));
            for (int j = 0; j < h.Length; j++)
            {
                h[j] = ImageBytes.ReadInt32(buf, hp + 4 * j);
            }

            int[] trace = homeostasis.IsStreaming ? homeostasis.Averages : homeostasis.BatchSums;
            int tp = image.PayloadStart(image.FindSection(ImageSectionTypes.HomeostasisTraceS32, 0));
            for (int j = 0; j < trace.Length; j++)
            {
                trace[j] = ImageBytes.ReadInt32(buf, tp + 4 * j);
            }

            int pending;
            long updates;
            image.Counters.TryGetInt32(KeyHomeostasisPending, out pending);
            image.Counters.TryGetInt64(KeyHomeostasisUpdates, out updates);
            homeostasis.RestoreCounters(pending, updates);
        }

    }
}
