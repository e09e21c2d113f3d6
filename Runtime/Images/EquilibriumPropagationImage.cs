// EquilibriumPropagationImage: how a binary-weight EP network and its learner map to image sections (learner
// kind 1, "bep"). Other learners add their own mapping file next to this one. The sdt mapping's EP rule
// (SelfDefinedTargetsImage, rule 2) writes and checks its network and learner with the internal helpers below
// (EmitParameters, EmitLearnerState, EmitBiasPending, CounterRecords, ReadSettingsValues, CheckCounterValues,
// CopyParameters, CopyLearnerState), so both kinds lay out an EP network identically.
//
// Sections written (in this order, which is the required (type, index) order):
//   MODEL                   K = L + 1, G, weight format (b1 | s8), activation format, Q8.24 biases, Q0.15 scales, widths
//   SCALES                  alpha_l in Q0.15, l = 0 .. L-1
//   HYPERPARAMETERS         accumulator_bits i32, batch_size i32, beta f64, bias_learning_rate f64[], free_steps i32,
//                           gamma f64[], learning_rate f64[], nudged_steps i32, nudging i32 (1 symmetric, 2 random
//                           sign), seed i64 (0 .. 2^32-1), tau f64[]  -- all required, no others
//   WEIGHTS_B1 | WEIGHTS_S8 per layer: Signs[l] (padding bits cleared) or Weights[l]
//   BIASES_S32              per layer: Biases[l] (Q8.24)
//   full images only:
//   BOP_ACCUMULATORS_S8/S16/S32 per layer (b1 weights; the width is accumulator_bits)
//   LATENT_WEIGHTS_S32      per layer (s8 weights; Q16 in units alpha_l / 32)
//   LEARNER_COUNTERS        batch_sign i32 (+1 | -1), flips i64 >= 0, in_batch i32 in [0, batch_size),
//                           rng_state i32[4] (xoshiro128** words, not all zero), samples_seen i64 >= 0
//   METADATA                optional, written when the caller gives records
//
// A full image restores a learner exactly: continuing to train from it gives the same integers as never
// having stopped. Reading validates the whole image (container, then every rule above) before anything is
// allocated or overwritten, so a refused image leaves the caller's learner untouched.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>A network read from an EP image, with its settings and metadata.</summary>
    public sealed class EquilibriumPropagationModel
    {
        internal EquilibriumPropagationModel(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, ImageRecords metadata, ModelImage image)
        {
            Network = network;
            Settings = settings;
            Metadata = metadata;
            Image = image;
        }

        /// <summary>The network (weights, scales, biases), freshly allocated.</summary>
        public EquilibriumPropagationNetwork Network { get; private set; }

        /// <summary>The hyperparameters the image holds.</summary>
        public EquilibriumPropagationSettings Settings { get; private set; }

        /// <summary>The METADATA records (empty when absent).</summary>
        public ImageRecords Metadata { get; private set; }

        /// <summary>The validated container (header fields, section table).</summary>
        public ModelImage Image { get; private set; }

        /// <summary>True when the image also holds learner state (a full image).</summary>
        public bool HasLearnerState
        {
            get { return Image.IsFull; }
        }
    }

    /// <summary>Writes and reads EP networks and learners as model images.</summary>
    public static class EquilibriumPropagationImage
    {
        /// <summary>Hyperparameter key: BOP accumulator width (8, 16, 32).</summary>
        public const string KeyAccumulatorBits = "accumulator_bits";

        /// <summary>Hyperparameter key: mini-batch size.</summary>
        public const string KeyBatchSize = "batch_size";

        /// <summary>Hyperparameter key: nudging strength beta.</summary>
        public const string KeyBeta = "beta";

        /// <summary>Hyperparameter key: per-layer bias learning rates.</summary>
        public const string KeyBiasLearningRate = "bias_learning_rate";

        /// <summary>Hyperparameter key: free-phase steps T.</summary>
        public const string KeyFreeSteps = "free_steps";

        /// <summary>Hyperparameter key: per-layer BOP gamma.</summary>
        public const string KeyGamma = "gamma";

        /// <summary>Hyperparameter key: per-layer s8 learning rates.</summary>
        public const string KeyLearningRate = "learning_rate";

        /// <summary>Hyperparameter key: nudged-phase steps K.</summary>
        public const string KeyNudgedSteps = "nudged_steps";

        /// <summary>Hyperparameter key: nudging mode (1 symmetric, 2 random sign).</summary>
        public const string KeyNudging = "nudging";

        /// <summary>Hyperparameter key: seed.</summary>
        public const string KeySeed = "seed";

        /// <summary>Hyperparameter key: per-layer BOP threshold tau.</summary>
        public const string KeyTau = "tau";

        /// <summary>Counter key: sign of the current random-sign batch.</summary>
        public const string KeyBatchSign = "batch_sign";

        /// <summary>Counter key: weight flips so far.</summary>
        public const string KeyFlips = "flips";

        /// <summary>Counter key: samples in the open mini-batch.</summary>
        public const string KeyInBatch = "in_batch";

        /// <summary>Counter key: the state of the learner's nudge-sign generator.</summary>
        public const string KeyRngState = "rng_state";

        /// <summary>Counter key: the state of the learner's stochastic-rounding generator.</summary>
        public const string KeyRoundingRngState = "rounding_rng_state";

        /// <summary>Hyperparameter key: output nudge placement (1 outside the hard sigmoid, 2 inside).</summary>
        public const string KeyNudgePlacement = "nudge_placement";

        /// <summary>Counter key: samples trained so far.</summary>
        public const string KeySamplesSeen = "samples_seen";

        /// <summary>The HYPERPARAMETERS keys of an EP learner (the sdt mapping reuses them for its EP rule).</summary>
        internal static readonly string[] HyperparameterKeys =
        {
            KeyAccumulatorBits, KeyBatchSize, KeyBeta, KeyBiasLearningRate, KeyFreeSteps, KeyGamma, KeyLearningRate,
            KeyNudgedSteps, KeyNudgePlacement, KeyNudging, KeySeed, KeyTau,
        };

        /// <summary>The LEARNER_COUNTERS keys of an EP learner.</summary>
        internal static readonly string[] CounterKeys = { KeyBatchSign, KeyFlips, KeyInBatch, KeyRngState, KeyRoundingRngState, KeySamplesSeen };

        /// <summary>
        /// An inference image of <paramref name="network"/>: parameters and hyperparameters, no learner state.
        /// <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, ImageRecords metadata)
        {
            CheckWritable(network, settings);
            ModelImageBuilder plan = new ModelImageBuilder(ImageFormat.InferenceImage, ImageLearnerKinds.Bep);
            Emit(plan, network, settings, null, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, network, settings, null, metadata);
            return writer.Finish();
        }

        /// <summary>A full image of <paramref name="learner"/>: its network, settings and learner state.</summary>
        public static byte[] WriteFull(EquilibriumPropagationLearner learner, ImageRecords metadata)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            CheckWritable(learner.Network, learner.Settings);
            ModelImageBuilder plan = new ModelImageBuilder(ImageFormat.FullImage, ImageLearnerKinds.Bep);
            Emit(plan, learner.Network, learner.Settings, learner, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, learner.Network, learner.Settings, learner, metadata);
            return writer.Finish();
        }

        /// <summary>
        /// Reads an EP image (inference or full; a full image's learner state is validated too) into a new network.
        /// </summary>
        public static bool TryRead(byte[] buffer, int offset, int count, ImageLimits limits, out EquilibriumPropagationModel model, out ImageError error)
        {
            model = null;
            ModelImage image;
            if (!ModelImage.TryParse(buffer, offset, count, limits, out image, out error))
            {
                return false;
            }

            return TryRead(image, out model, out error);
        }

        /// <summary>Reads an already parsed container into a new network (see the other overload).</summary>
        public static bool TryRead(ModelImage image, out EquilibriumPropagationModel model, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            model = null;
            EquilibriumPropagationSettings settings;
            if (!TryValidate(image, out settings, out error))
            {
                return false;
            }

            EquilibriumPropagationNetwork network = new EquilibriumPropagationNetwork(image.Description, settings.WeightFormat, settings.ActivationFormat);
            CopyParameters(image, network);
            model = new EquilibriumPropagationModel(network, settings, image.Metadata, image);
            return true;
        }

        /// <summary>
        /// Builds a learner from a full image: network, settings and learner state exactly as saved.
        /// </summary>
        public static bool TryCreateLearner(ModelImage image, KernelSet kernels, out EquilibriumPropagationLearner learner, out ImageError error)
        {
            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            learner = null;
            EquilibriumPropagationModel model;
            if (!TryRead(image, out model, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state; a learner needs a full image");
                return false;
            }

            EquilibriumPropagationLearner created = new EquilibriumPropagationLearner(model.Network, model.Settings, kernels);
            CopyLearnerState(image, created);
            learner = created;
            return true;
        }

        /// <summary>
        /// Restores a full image into an existing <paramref name="learner"/> (a checkpoint resume): the image must have
        /// the learner's architecture, formats, scales and settings. Everything is checked before the learner is
        /// touched; on failure the learner is unchanged.
        /// </summary>
        public static bool TryRestore(ModelImage image, EquilibriumPropagationLearner learner, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            EquilibriumPropagationSettings settings;
            if (!TryValidate(image, out settings, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state to restore");
                return false;
            }

            string mismatch = Compatibility(image, settings, learner);
            if (mismatch != null)
            {
                error = new ImageError(ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize, mismatch);
                return false;
            }

            CopyParameters(image, learner.Network);
            CopyLearnerState(image, learner);
            return true;
        }

        // ---------------------------------------------------------------- writing

        internal static void CheckWritable(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            settings.Validate();
            if (settings.WeightFormat != network.WeightFormat || settings.ActivationFormat != network.ActivationFormat)
            {
                throw new ArgumentException("settings are " + settings.WeightFormat + "/" + settings.ActivationFormat + " but the network is " + network.WeightFormat + "/" + network.ActivationFormat, nameof(settings));
            }

            if (network.Description.WeightLayerCount > ImageLimits.Default.MaxWeightLayers)
            {
                throw new ArgumentException("an image holds at most " + ImageLimits.Default.MaxWeightLayers + " weight layers (the default reader limit), the network has " + network.Description.WeightLayerCount, nameof(network));
            }

            for (int l = 0; l < network.AlphaQ15.Length; l++)
            {
                if (network.AlphaQ15[l] <= 0)
                {
                    throw new ArgumentException("layer " + l + " has scale " + network.AlphaQ15[l] + "; scales must be positive", nameof(network));
                }
            }
        }

        private static void Emit(ModelImageBuilder b, EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, EquilibriumPropagationLearner learner, ImageRecords metadata)
        {
            EmitParameters(b, network, SettingsRecords(settings));
            if (learner != null)
            {
                EmitLearnerState(b, learner);
                EmitBiasPending(b, learner);
                b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                CounterRecords(learner).WriteTo(b);
                b.EndSection();
            }

            if (metadata != null && metadata.Count > 0)
            {
                b.BeginSection(ImageSectionTypes.Metadata, 0);
                metadata.WriteTo(b);
                b.EndSection();
            }
        }

        /// <summary>MODEL, SCALES, HYPERPARAMETERS (<paramref name="hyperparameters"/>), the weights and the biases of every layer.</summary>
        internal static void EmitParameters(ModelImageBuilder b, EquilibriumPropagationNetwork network, ImageRecords hyperparameters)
        {
            NetworkDescription d = network.Description;
            int layers = d.WeightLayerCount;
            bool binary = network.WeightFormat == WeightFormat.B1;

            b.BeginSection(ImageSectionTypes.Model, 0);
            b.WriteUInt16(d.LayerCount);
            b.WriteUInt16(d.NeuronsPerClass);
            b.WriteByte(binary ? ImageFormat.WeightsB1 : ImageFormat.WeightsS8);
            b.WriteByte(network.ActivationFormat == ActivationFormat.Binary ? ImageFormat.ActivationsBinary : ImageFormat.ActivationsQ15);
            b.WriteByte(ImageFormat.BiasesQ8_24);
            b.WriteByte(ImageFormat.ScalesQ0_15);
            for (int l = 0; l < d.LayerCount; l++)
            {
                b.WriteUInt16(d.Size(l));
            }

            b.EndSection();

            b.BeginSection(ImageSectionTypes.Scales, 0);
            b.WriteInt32s(network.AlphaQ15, 0, layers);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.Hyperparameters, 0);
            hyperparameters.WriteTo(b);
            b.EndSection();

            for (int l = 0; l < layers; l++)
            {
                int rows = d.Size(l + 1);
                int cols = d.Size(l);
                if (binary)
                {
                    b.BeginSection(ImageSectionTypes.WeightsB1, l);
                    int words = BinaryKernels.WordsPerRow(cols);
                    uint last = BinaryKernels.LastWordMask(cols);
                    uint[] w = network.Signs[l];
                    for (int r = 0; r < rows; r++)
                    {
                        // Padding bits never reach a result; clearing them makes the bytes a function of the weights.
                        b.WriteUInt32s(w, r * words, words - 1);
                        b.WriteUInt32(w[r * words + words - 1] & last);
                    }
                }
                else
                {
                    b.BeginSection(ImageSectionTypes.WeightsS8, l);
                    b.WriteSBytes(network.Weights[l], 0, rows * cols);
                }

                b.EndSection();
            }

            for (int l = 0; l < layers; l++)
            {
                b.BeginSection(ImageSectionTypes.BiasesS32, l);
                b.WriteInt32s(network.Biases[l], 0, d.Size(l + 1));
                b.EndSection();
            }
        }

        /// <summary>The per-layer learner state of the weights: BOP accumulators of the configured width, or s8 latent weights.</summary>
        internal static void EmitLearnerState(ModelImageBuilder b, EquilibriumPropagationLearner learner)
        {
            NetworkDescription d = learner.Network.Description;
            int layers = d.WeightLayerCount;
            int type = StateSectionType(learner.Network.WeightFormat, learner.Settings.AccumulatorBits);
            for (int l = 0; l < layers; l++)
            {
                int count = d.WeightCount(l);
                b.BeginSection(type, l);
                if (type == ImageSectionTypes.BopAccumulatorsS8)
                {
                    b.WriteSBytes(learner.StateAccumulatorsS8[l], 0, count);
                }
                else if (type == ImageSectionTypes.BopAccumulatorsS16)
                {
                    b.WriteInt16s(learner.StateAccumulatorsS16[l], 0, count);
                }
                else if (type == ImageSectionTypes.BopAccumulatorsS32)
                {
                    b.WriteInt32s(learner.StateAccumulatorsS32[l], 0, count);
                }
                else
                {
                    b.WriteInt32s(learner.StateLatent[l], 0, count);
                }

                b.EndSection();
            }
        }

        /// <summary>BIAS_PENDING_S32 of every layer: the bias steps of the open mini-batch.</summary>
        internal static void EmitBiasPending(ModelImageBuilder b, EquilibriumPropagationLearner learner)
        {
            NetworkDescription d = learner.Network.Description;
            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                b.BeginSection(ImageSectionTypes.BiasPendingS32, l);
                b.WriteInt32s(learner.StateBiasDelta[l], 0, d.Size(l + 1));
                b.EndSection();
            }
        }

        /// <summary>The HYPERPARAMETERS records of <paramref name="settings"/>.</summary>
        public static ImageRecords SettingsRecords(EquilibriumPropagationSettings settings)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            ImageRecords r = new ImageRecords();
            r.SetInt32(KeyAccumulatorBits, settings.AccumulatorBits);
            r.SetInt32(KeyBatchSize, settings.BatchSize);
            r.SetFloat64(KeyBeta, settings.Beta);
            r.SetFloat64Array(KeyBiasLearningRate, settings.BiasLearningRate);
            r.SetInt32(KeyFreeSteps, settings.FreeSteps);
            r.SetFloat64Array(KeyGamma, settings.Gamma);
            r.SetFloat64Array(KeyLearningRate, settings.LearningRate);
            r.SetInt32(KeyNudgedSteps, settings.NudgedSteps);
            r.SetInt32(KeyNudgePlacement, (int)settings.NudgePlacement);
            r.SetInt32(KeyNudging, (int)settings.Nudging);
            r.SetInt64(KeySeed, settings.Seed);
            r.SetFloat64Array(KeyTau, settings.Tau);
            return r;
        }

        internal static ImageRecords CounterRecords(EquilibriumPropagationLearner learner)
        {
            int[] words = ImageGeneratorState.Words(learner.StateRandom);
            int[] rounding = ImageGeneratorState.Words(learner.StateRoundingRandom);

            ImageRecords r = new ImageRecords();
            r.SetInt32(KeyBatchSign, learner.StateBatchSign);
            r.SetInt32Array(KeyRoundingRngState, rounding);
            r.SetInt64(KeyFlips, learner.Flips);
            r.SetInt32(KeyInBatch, learner.StateSamplesInBatch);
            r.SetInt32Array(KeyRngState, words);
            r.SetInt64(KeySamplesSeen, learner.SamplesSeen);
            return r;
        }

        internal static int StateSectionType(WeightFormat weights, int accumulatorBits)
        {
            if (weights != WeightFormat.B1)
            {
                return ImageSectionTypes.LatentWeightsS32;
            }

            return accumulatorBits == 8 ? ImageSectionTypes.BopAccumulatorsS8
                : accumulatorBits == 16 ? ImageSectionTypes.BopAccumulatorsS16 : ImageSectionTypes.BopAccumulatorsS32;
        }

        // ---------------------------------------------------------------- reading

        private static bool TryValidate(ModelImage image, out EquilibriumPropagationSettings settings, out ImageError error)
        {
            settings = null;
            if (image.LearnerKind != ImageLearnerKinds.Bep)
            {
                error = new ImageError(ImageErrorCode.WrongLearnerKind, ImageFormat.LearnerKindOffset, "image is for learner '" + ImageLearnerKinds.Name(image.LearnerKind) + "', not 'bep'");
                return false;
            }

            int model = image.FindSection(ImageSectionTypes.Model, 0);
            if (image.WeightFormat != ImageFormat.WeightsB1 && image.WeightFormat != ImageFormat.WeightsS8)
            {
                error = new ImageError(ImageErrorCode.UnsupportedFormat, image.SectionOffset(model) + 4, "EP networks have b1 or s8 weights, not " + ImageFormat.WeightFormatName(image.WeightFormat));
                return false;
            }

            ImageRecords h = image.Hyperparameters;
            int hOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.Hyperparameters, 0));
            if (!ImageRecordChecks.CheckKeys(h, HyperparameterKeys, "HYPERPARAMETERS", "bep", hOffset, out error))
            {
                return false;
            }

            EquilibriumPropagationSettings s;
            if (!ReadSettingsValues(image, h, hOffset, out s, out error))
            {
                return false;
            }

            int stateType = StateSectionType(s.WeightFormat, s.AccumulatorBits);
            for (int i = 0; i < image.SectionCount; i++)
            {
                int t = image.SectionType(i);
                if (ImageSectionTypes.IsLearnerState(t) && t != stateType && t != ImageSectionTypes.BiasPendingS32 && t != ImageSectionTypes.LearnerCounters)
                {
                    error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i, "section " + ImageSectionTypes.Name(t) + " is not state of a " + ImageFormat.WeightFormatName(image.WeightFormat) + " EP learner with " + s.AccumulatorBits + "-bit accumulators (expected " + ImageSectionTypes.Name(stateType) + ")");
                    return false;
                }
            }

            int map = image.FindSection(ImageSectionTypes.ClassMapS32, 0);
            if (map >= 0)
            {
                error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * map, "section CLASS_MAP_S32 is not defined for learner 'bep' (its classes are the output groups)");
                return false;
            }

            if (image.HasSectionType(ImageSectionTypes.ReadoutWeightsS16) || image.HasSectionType(ImageSectionTypes.ReadoutBiasesS32))
            {
                int at = image.FindSection(image.HasSectionType(ImageSectionTypes.ReadoutWeightsS16) ? ImageSectionTypes.ReadoutWeightsS16 : ImageSectionTypes.ReadoutBiasesS32, 0);
                error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * (at < 0 ? 0 : at), "EP networks have no readout section");
                return false;
            }

            if (image.IsFull)
            {
                if (!image.HasSectionType(stateType) || !image.HasSectionType(ImageSectionTypes.BiasPendingS32))
                {
                    int missing = image.HasSectionType(stateType) ? ImageSectionTypes.BiasPendingS32 : stateType;
                    error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the full image has no " + ImageSectionTypes.Name(missing) + " sections");
                    return false;
                }

                if (!CheckCounters(image, s, out error))
                {
                    return false;
                }
            }

            settings = s;
            error = null;
            return true;
        }

        /// <summary>
        /// The EP settings of HYPERPARAMETERS (keys checked by the caller): formats from MODEL, every value type and range.
        /// </summary>
        internal static bool ReadSettingsValues(ModelImage image, ImageRecords h, int hOffset, out EquilibriumPropagationSettings settings, out ImageError error)
        {
            settings = null;
            EquilibriumPropagationSettings s = new EquilibriumPropagationSettings();
            s.WeightFormat = image.WeightFormat == ImageFormat.WeightsB1 ? WeightFormat.B1 : WeightFormat.S8;
            s.ActivationFormat = image.ActivationFormat == ImageFormat.ActivationsBinary ? ActivationFormat.Binary : ActivationFormat.MultiBit;
            int accumulatorBits;
            int batchSize;
            double beta;
            double[] biasRate;
            int freeSteps;
            double[] gamma;
            double[] rate;
            int nudgedSteps;
            int nudging;
            int placement;
            long seed;
            double[] tau;
            if (!ImageRecordChecks.Int32(h, KeyAccumulatorBits, hOffset, out accumulatorBits, out error) || !ImageRecordChecks.Int32(h, KeyBatchSize, hOffset, out batchSize, out error)
                || !ImageRecordChecks.Float64(h, KeyBeta, hOffset, out beta, out error) || !ImageRecordChecks.Float64Array(h, KeyBiasLearningRate, hOffset, out biasRate, out error)
                || !ImageRecordChecks.Int32(h, KeyFreeSteps, hOffset, out freeSteps, out error) || !ImageRecordChecks.Float64Array(h, KeyGamma, hOffset, out gamma, out error)
                || !ImageRecordChecks.Float64Array(h, KeyLearningRate, hOffset, out rate, out error) || !ImageRecordChecks.Int32(h, KeyNudgedSteps, hOffset, out nudgedSteps, out error)
                || !ImageRecordChecks.Int32(h, KeyNudging, hOffset, out nudging, out error) || !ImageRecordChecks.Int64(h, KeySeed, hOffset, out seed, out error)
                || !ImageRecordChecks.Int32(h, KeyNudgePlacement, hOffset, out placement, out error)
                || !ImageRecordChecks.Float64Array(h, KeyTau, hOffset, out tau, out error))
            {
                return false;
            }

            if (seed < 0 || seed > 0xFFFFFFFFL)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeySeed, hOffset), "seed " + seed + " is outside [0, 4294967295]");
                return false;
            }

            if (nudging != (int)NudgingMode.Symmetric && nudging != (int)NudgingMode.RandomSign)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyNudging, hOffset), "nudging mode " + nudging + " is neither 1 (symmetric) nor 2 (random sign)");
                return false;
            }

            if (placement != (int)NudgePlacement.OutsideRho && placement != (int)NudgePlacement.InsideRho)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyNudgePlacement, hOffset), "nudge placement " + placement + " is neither 1 (outside) nor 2 (inside)");
                return false;
            }

            s.NudgePlacement = (NudgePlacement)placement;
            s.AccumulatorBits = accumulatorBits;
            s.BatchSize = batchSize;
            s.Beta = beta;
            s.BiasLearningRate = biasRate;
            s.FreeSteps = freeSteps;
            s.Gamma = gamma;
            s.LearningRate = rate;
            s.NudgedSteps = nudgedSteps;
            s.Nudging = (NudgingMode)nudging;
            s.Seed = (uint)seed;
            s.Tau = tau;
            try
            {
                s.Validate();
            }
            catch (ArgumentException e)
            {
                // Validate names the setting and the range; an image is refused with that message.
                error = new ImageError(ImageErrorCode.BadValue, hOffset, "hyperparameter out of range: " + e.Message);
                return false;
            }

            settings = s;
            error = null;
            return true;
        }

        private static bool CheckCounters(ModelImage image, EquilibriumPropagationSettings s, out ImageError error)
        {
            ImageRecords c = image.Counters;
            int cOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.LearnerCounters, 0));
            if (!ImageRecordChecks.CheckKeys(c, CounterKeys, "LEARNER_COUNTERS", "bep", cOffset, out error))
            {
                return false;
            }

            return CheckCounterValues(c, cOffset, s, out error);
        }

        /// <summary>The values of the EP counters (keys checked by the caller): batch sign, counts, open batch, generator states.</summary>
        internal static bool CheckCounterValues(ImageRecords c, int cOffset, EquilibriumPropagationSettings s, out ImageError error)
        {
            int batchSign;
            long flips;
            int inBatch;
            long samples;
            int[] rng;
            int[] rounding;
            if (!ImageRecordChecks.Int32(c, KeyBatchSign, cOffset, out batchSign, out error) || !ImageRecordChecks.Int64(c, KeyFlips, cOffset, out flips, out error)
                || !ImageRecordChecks.Int32(c, KeyInBatch, cOffset, out inBatch, out error) || !ImageRecordChecks.Int32Array(c, KeyRngState, cOffset, out rng, out error)
                || !ImageRecordChecks.Int32Array(c, KeyRoundingRngState, cOffset, out rounding, out error)
                || !ImageRecordChecks.Int64(c, KeySamplesSeen, cOffset, out samples, out error))
            {
                return false;
            }

            if (batchSign != 1 && batchSign != -1)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyBatchSign, cOffset), "batch sign " + batchSign + " is neither +1 nor -1");
                return false;
            }

            if (flips < 0 || samples < 0)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, flips < 0 ? KeyFlips : KeySamplesSeen, cOffset), "counters must be non-negative (flips " + flips + ", samples " + samples + ")");
                return false;
            }

            if (inBatch < 0 || inBatch >= s.BatchSize)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyInBatch, cOffset), "samples in the open batch " + inBatch + " is outside [0, " + s.BatchSize + ")");
                return false;
            }

            if (!ImageGeneratorState.IsValid(rng))
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyRngState, cOffset), "random state must be 4 words, not all zero (got " + rng.Length + " words)");
                return false;
            }

            if (!ImageGeneratorState.IsValid(rounding))
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, KeyRoundingRngState, cOffset), "rounding random state must be 4 words, not all zero (got " + rounding.Length + " words)");
                return false;
            }


            error = null;
            return true;
        }

        // Null when the image can be restored into the learner, else what differs.
        private static string Compatibility(ModelImage image, EquilibriumPropagationSettings s, EquilibriumPropagationLearner learner)
        {
            EquilibriumPropagationNetwork n = learner.Network;
            NetworkDescription a = image.Description;
            NetworkDescription b = n.Description;
            if (a.LayerCount != b.LayerCount || a.NeuronsPerClass != b.NeuronsPerClass)
            {
                return "image architecture " + a.ToString() + " (G " + a.NeuronsPerClass + ") differs from the learner's " + b.ToString() + " (G " + b.NeuronsPerClass + ")";
            }

            for (int l = 0; l < a.LayerCount; l++)
            {
                if (a.Size(l) != b.Size(l))
                {
                    return "image architecture " + a.ToString() + " differs from the learner's " + b.ToString();
                }
            }

            if (s.WeightFormat != n.WeightFormat || s.ActivationFormat != n.ActivationFormat)
            {
                return "image formats " + s.WeightFormat + "/" + s.ActivationFormat + " differ from the learner's " + n.WeightFormat + "/" + n.ActivationFormat;
            }

            int scales = image.PayloadStart(image.FindSection(ImageSectionTypes.Scales, 0));
            for (int l = 0; l < a.WeightLayerCount; l++)
            {
                if (ImageBytes.ReadInt32(image.Buffer, scales + 4 * l) != n.AlphaQ15[l])
                {
                    return "image scale of layer " + l + " differs from the learner's";
                }
            }

            if (!SettingsRecords(s).ContentEquals(SettingsRecords(learner.Settings)))
            {
                return "image hyperparameters differ from the learner's settings";
            }

            return null;
        }

        internal static void CopyParameters(ModelImage image, EquilibriumPropagationNetwork network)
        {
            byte[] buf = image.Buffer;
            NetworkDescription d = network.Description;
            int layers = d.WeightLayerCount;
            int scales = image.PayloadStart(image.FindSection(ImageSectionTypes.Scales, 0));
            for (int l = 0; l < layers; l++)
            {
                network.AlphaQ15[l] = ImageBytes.ReadInt32(buf, scales + 4 * l);
                int count = d.WeightCount(l);
                if (network.WeightFormat == WeightFormat.B1)
                {
                    uint[] w = network.Signs[l];
                    int p = image.PayloadStart(image.FindSection(ImageSectionTypes.WeightsB1, l));
                    for (int i = 0; i < w.Length; i++)
                    {
                        w[i] = ImageBytes.ReadUInt32(buf, p + 4 * i);
                    }
                }
                else
                {
                    sbyte[] w = network.Weights[l];
                    int p = image.PayloadStart(image.FindSection(ImageSectionTypes.WeightsS8, l));
                    for (int i = 0; i < count; i++)
                    {
                        w[i] = (sbyte)buf[p + i];
                    }
                }

                int[] bias = network.Biases[l];
                int bp = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasesS32, l));
                for (int i = 0; i < bias.Length; i++)
                {
                    bias[i] = ImageBytes.ReadInt32(buf, bp + 4 * i);
                }
            }
        }

        internal static void CopyLearnerState(ModelImage image, EquilibriumPropagationLearner learner)
        {
            byte[] buf = image.Buffer;
            EquilibriumPropagationSettings s = learner.Settings;
            NetworkDescription d = learner.Network.Description;
            int type = StateSectionType(s.WeightFormat, s.AccumulatorBits);
            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                int count = d.WeightCount(l);
                int p = image.PayloadStart(image.FindSection(type, l));
                if (type == ImageSectionTypes.BopAccumulatorsS8)
                {
                    sbyte[] a = learner.StateAccumulatorsS8[l];
                    for (int i = 0; i < count; i++)
                    {
                        a[i] = (sbyte)buf[p + i];
                    }
                }
                else if (type == ImageSectionTypes.BopAccumulatorsS16)
                {
                    short[] a = learner.StateAccumulatorsS16[l];
                    for (int i = 0; i < count; i++)
                    {
                        a[i] = ImageBytes.ReadInt16(buf, p + 2 * i);
                    }
                }
                else
                {
                    int[] a = type == ImageSectionTypes.BopAccumulatorsS32 ? learner.StateAccumulatorsS32[l] : learner.StateLatent[l];
                    for (int i = 0; i < count; i++)
                    {
                        a[i] = ImageBytes.ReadInt32(buf, p + 4 * i);
                    }
                }
            }

            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                int p = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasPendingS32, l));
                int[] delta = learner.StateBiasDelta[l];
                for (int i = 0; i < delta.Length; i++)
                {
                    delta[i] = ImageBytes.ReadInt32(buf, p + 4 * i);
                }
            }

            ImageRecords c = image.Counters;
            int batchSign;
            long flips;
            int inBatch;
            long samples;
            int[] rng;
            c.TryGetInt32(KeyBatchSign, out batchSign);
            c.TryGetInt64(KeyFlips, out flips);
            c.TryGetInt32(KeyInBatch, out inBatch);
            c.TryGetInt64(KeySamplesSeen, out samples);
            c.TryGetInt32Array(KeyRngState, out rng);
            int[] rounding;
            c.TryGetInt32Array(KeyRoundingRngState, out rounding);
            ImageGeneratorState.Restore(learner.StateRandom, rng);
            ImageGeneratorState.Restore(learner.StateRoundingRandom, rounding);
            learner.RestoreCounters(samples, flips, inBatch, batchSign);
        }
    }
}
