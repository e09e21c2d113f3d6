// SelfContrastiveForwardForwardImage: how an SCFF feature network, its learner and its fixed-point readout map to
// image sections (learner kind 2, "scff"). An inference image holds what a device needs to predict; a full image
// adds the learner state, so training on after a load gives the same integers as never having stopped, mid-batch
// included (SCFF learner and readout alike).
//
// Glossary: L SCFF layers of widths n_0 .. n_L; T the layer being trained (its rows n_{T+1}, cols n_T); D readout
// features (sum n_1 .. n_L when the readout reads all layers, n_L when it reads the last); C classes; R ring size.
//
// Sections written (in this order, which is the required (type, index) order):
//   MODEL                K = L + 1, G = 1, weights s16, activations code 1 (multi-bit), Q8.24 biases, Q0.15 scales, widths
//   SCALES               2 per layer: the value of one Q.14 weight LSB, 2^-14, in Q0.15
//   HYPERPARAMETERS      accumulator_bits i32, batch_size i32, classes i32, image_width i32, lambda f64[],
//                        learning_rate f64[], momentum f64, optimizer i32 (1 signum, 2 sgd), readout_layers i32 (1 all,
//                        2 last), readout_rate_shift i32, readout_softmax i32 (0 | 1), ring_size i32, seed i64,
//                        standardize_halves i32 (0 | 1), th1 f64[], th2 f64[], view_shift i32 -- all required, no others
//   WEIGHTS_S16          per layer: Weights[l], n_{l+1} x n_l Q.14
//   BIASES_S32           per layer: Biases[l], n_{l+1} Q.24
//   full images only (the learner keeps optimizer state for the training layer T alone: layers below are frozen,
//   and a layer's state is cleared when training moves on to it):
//   MOMENTUM_S16 | MOMENTUM_S32  n_{T+1} x n_T momentum M of layer T, units 2^-FM (the width is accumulator_bits)
//   BIAS_MOMENTUM_S32    n_{T+1} bias momentum MB of layer T, units 2^-FM
//   LAYER_LATENT_S32     n_{T+1} x n_T Q.30 latent weights of layer T (SGD only); each requantises to its weight
//   INPUT_RING_S16       ring_count x n_0: the recent inputs of ring slots 0 .. ring_count - 1 (Q0.15 as given)
//   READOUT_LATENT_S32   C x D Q.30 latent weights of the readout; each requantises to its readout weight
//   LEARNER_COUNTERS     in_batch i32 [0, B), negative_goodness_sum i64, negative_rng_state i32[4], pair_count i64,
//                        positive_goodness_sum i64, readout_samples_seen i64, ring_count i32 [0, R], ring_next i32,
//                        samples_seen i64, training_layer i32 [0, L), view_rng_state i32[4] -- all required, no others
//   READOUT_WEIGHTS_S16  C x D Q.14 (FixedPointReadout.Weights)
//   READOUT_BIASES_S32   C Q.24 (FixedPointReadout.Biases: Q.(14 + 10) for the Q.10 features)
//   METADATA             optional, written when the caller gives records
//
// Reading validates the whole image (container, then every rule above) before anything is allocated in proportion
// to the payload or overwritten; a refused image yields an ImageError, never an exception, and leaves the caller's
// learner and readout untouched.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>An SCFF network and readout read from an image, with settings and metadata.</summary>
    public sealed class SelfContrastiveForwardForwardModel
    {
        private readonly int[] _readoutLatent;

        internal SelfContrastiveForwardForwardModel(SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, bool allLayers, int classCount, short[] readoutWeights, int[] readoutBiases, int readoutRateShift, bool readoutSoftmax, int[] readoutLatent, long readoutSamplesSeen, ImageRecords metadata, ModelImage image)
        {
            _readoutLatent = readoutLatent;
            ReadoutSamplesSeen = readoutSamplesSeen;
            Network = network;
            Settings = settings;
            ImageWidth = imageWidth;
            ReadoutAllLayers = allLayers;
            ClassCount = classCount;
            ReadoutWeights = readoutWeights;
            ReadoutBiases = readoutBiases;
            ReadoutRateShift = readoutRateShift;
            ReadoutSoftmax = readoutSoftmax;
            Metadata = metadata;
            Image = image;
        }

        /// <summary>The SCFF network (weights and biases), freshly allocated.</summary>
        public SelfContrastiveForwardForwardNetwork Network { get; private set; }

        /// <summary>The SCFF hyperparameters the image holds.</summary>
        public SelfContrastiveForwardForwardSettings Settings { get; private set; }

        /// <summary>Width of image inputs (views shift along both axes), 0 for frames.</summary>
        public int ImageWidth { get; private set; }

        /// <summary>True when the readout reads the features of every layer, false for the last layer only.</summary>
        public bool ReadoutAllLayers { get; private set; }

        /// <summary>Number of classes C.</summary>
        public int ClassCount { get; private set; }

        /// <summary>Number of readout features D.</summary>
        public int FeatureCount
        {
            get { return ReadoutBiases.Length == 0 ? 0 : ReadoutWeights.Length / ReadoutBiases.Length; }
        }

        /// <summary>Readout weights, C x D row-major, Q.14.</summary>
        public short[] ReadoutWeights { get; private set; }

        /// <summary>Readout biases, C values, Q.24.</summary>
        public int[] ReadoutBiases { get; private set; }

        /// <summary>The readout's learning-rate shift p (rate 2^-p) when the image was written.</summary>
        public int ReadoutRateShift { get; private set; }

        /// <summary>True when the readout was trained with softmax errors (one-vs-rest otherwise).</summary>
        public bool ReadoutSoftmax { get; private set; }

        /// <summary>Samples the readout had trained on when a full image was written (0 from an inference image).</summary>
        public long ReadoutSamplesSeen { get; private set; }

        /// <summary>The METADATA records (empty when absent).</summary>
        public ImageRecords Metadata { get; private set; }

        /// <summary>The validated container.</summary>
        public ModelImage Image { get; private set; }

        /// <summary>True when the image holds learner state (a full image).</summary>
        public bool HasLearnerState
        {
            get { return Image.IsFull; }
        }

        /// <summary>A feature extractor of the network (all layers or the last, as the readout reads them).</summary>
        public SelfContrastiveFeatureExtractor CreateFeatureExtractor(KernelSet kernels)
        {
            return new SelfContrastiveFeatureExtractor(Network, kernels, ReadoutAllLayers);
        }

        /// <summary>
        /// A readout holding the image's weights, biases, rate and loss. From a full image its latent weights and sample
        /// count are the saved ones (its training goes on exactly); from an inference image the latent weights are the
        /// weights shifted left by 16 and the count is 0.
        /// </summary>
        public FixedPointReadout CreateReadout(KernelSet kernels)
        {
            FixedPointReadout readout = new FixedPointReadout(FeatureCount, ClassCount, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 32, kernels);
            readout.LearningRateShift = ReadoutRateShift;
            readout.Softmax = ReadoutSoftmax;
            readout.LoadParameters(ReadoutWeights, 0, ReadoutBiases, 0);
            if (_readoutLatent != null)
            {
                Array.Copy(_readoutLatent, readout.StateLatent, _readoutLatent.Length);
                readout.RestoreSamplesSeen(ReadoutSamplesSeen);
            }

            return readout;
        }

        /// <summary>A classifier (features, then readout) that predicts exactly as the model did when it was written.</summary>
        public SelfContrastiveClassifier CreateClassifier(KernelSet kernels)
        {
            return new SelfContrastiveClassifier(CreateFeatureExtractor(kernels), CreateReadout(kernels));
        }
    }

    /// <summary>Writes and reads SCFF networks with their readouts as model images.</summary>
    public static class SelfContrastiveForwardForwardImage
    {
        /// <summary>The SCALES value of every layer: one Q.14 weight LSB (2^-14) in Q0.15.</summary>
        public const int WeightScaleQ15 = 2;

        /// <summary>readout_layers value: the readout reads every layer's features.</summary>
        public const int ReadoutAllLayers = 1;

        /// <summary>readout_layers value: the readout reads the last layer's features.</summary>
        public const int ReadoutLastLayer = 2;

        /// <summary>Hyperparameter key: momentum accumulator width (16, 32).</summary>
        public const string KeyAccumulatorBits = "accumulator_bits";

        /// <summary>Hyperparameter key: mini-batch size.</summary>
        public const string KeyBatchSize = "batch_size";

        /// <summary>Hyperparameter key: number of classes of the readout.</summary>
        public const string KeyClasses = "classes";

        /// <summary>Hyperparameter key: width of image inputs, 0 for frames.</summary>
        public const string KeyImageWidth = "image_width";

        /// <summary>Hyperparameter key: per-layer lambda.</summary>
        public const string KeyLambda = "lambda";

        /// <summary>Hyperparameter key: per-layer learning rate (SGD) or step (Signum).</summary>
        public const string KeyLearningRate = "learning_rate";

        /// <summary>Hyperparameter key: momentum.</summary>
        public const string KeyMomentum = "momentum";

        /// <summary>Hyperparameter key: optimizer (1 Signum, 2 SGD with momentum).</summary>
        public const string KeyOptimizer = "optimizer";

        /// <summary>Hyperparameter key: features the readout reads (1 all layers, 2 the last).</summary>
        public const string KeyReadoutLayers = "readout_layers";

        /// <summary>Hyperparameter key: readout learning-rate shift p (rate 2^-p).</summary>
        public const string KeyReadoutRateShift = "readout_rate_shift";

        /// <summary>Hyperparameter key: readout loss (0 one-vs-rest, 1 softmax).</summary>
        public const string KeyReadoutSoftmax = "readout_softmax";

        /// <summary>Hyperparameter key: ring size (recent inputs for negatives).</summary>
        public const string KeyRingSize = "ring_size";

        /// <summary>Hyperparameter key: seed.</summary>
        public const string KeySeed = "seed";

        /// <summary>Hyperparameter key: views standardised on their own (1) or pairs jointly (0).</summary>
        public const string KeyStandardizeHalves = "standardize_halves";

        /// <summary>Hyperparameter key: per-layer positive threshold th1.</summary>
        public const string KeyThreshold1 = "th1";

        /// <summary>Hyperparameter key: per-layer negative threshold th2.</summary>
        public const string KeyThreshold2 = "th2";

        /// <summary>Hyperparameter key: largest view shift.</summary>
        public const string KeyViewShift = "view_shift";

        /// <summary>Counter key: samples in the open mini-batch.</summary>
        public const string KeyInBatch = "in_batch";

        /// <summary>Counter key: sum of the negative-pair goodness G- (Q.12) since the statistics were reset.</summary>
        public const string KeyNegativeGoodnessSum = "negative_goodness_sum";

        /// <summary>Counter key: the four state words of the negative-partner generator.</summary>
        public const string KeyNegativeRngState = "negative_rng_state";

        /// <summary>Counter key: samples with a negative pair since the statistics were reset.</summary>
        public const string KeyPairCount = "pair_count";

        /// <summary>Counter key: sum of the positive-pair goodness G+ (Q.12) since the statistics were reset.</summary>
        public const string KeyPositiveGoodnessSum = "positive_goodness_sum";

        /// <summary>Counter key: samples the readout has trained on.</summary>
        public const string KeyReadoutSamplesSeen = "readout_samples_seen";

        /// <summary>Counter key: inputs in the ring.</summary>
        public const string KeyRingCount = "ring_count";

        /// <summary>Counter key: the ring slot the next input goes to.</summary>
        public const string KeyRingNext = "ring_next";

        /// <summary>Counter key: samples the SCFF learner has trained on (all layers).</summary>
        public const string KeySamplesSeen = "samples_seen";

        /// <summary>Counter key: the layer being trained.</summary>
        public const string KeyTrainingLayer = "training_layer";

        /// <summary>Counter key: the four state words of the view-shift generator.</summary>
        public const string KeyViewRngState = "view_rng_state";

        private static readonly string[] HyperparameterKeys =
        {
            KeyAccumulatorBits, KeyBatchSize, KeyClasses, KeyImageWidth, KeyLambda, KeyLearningRate, KeyMomentum, KeyOptimizer,
            KeyReadoutLayers, KeyReadoutRateShift, KeyReadoutSoftmax, KeyRingSize, KeySeed, KeyStandardizeHalves,
            KeyThreshold1, KeyThreshold2, KeyViewShift,
        };

        private static readonly string[] CounterKeys =
        {
            KeyInBatch, KeyNegativeGoodnessSum, KeyNegativeRngState, KeyPairCount, KeyPositiveGoodnessSum, KeyReadoutSamplesSeen,
            KeyRingCount, KeyRingNext, KeySamplesSeen, KeyTrainingLayer, KeyViewRngState,
        };

        /// <summary>
        /// An inference image of <paramref name="network"/> (trained with <paramref name="settings"/> on inputs of
        /// <paramref name="imageWidth"/> columns, 0 for frames) and <paramref name="readout"/>, which reads the features of
        /// every layer (<paramref name="allLayers"/>) or of the last. <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, FixedPointReadout readout, bool allLayers, ImageRecords metadata)
        {
            CheckWritable(network, settings, imageWidth, readout, allLayers);
            ModelImageBuilder plan = new ModelImageBuilder(ImageFormat.InferenceImage, ImageLearnerKinds.Scff);
            Emit(plan, network, settings, imageWidth, readout, allLayers, null, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, network, settings, imageWidth, readout, allLayers, null, metadata);
            return writer.Finish();
        }

        /// <summary>
        /// A full image of <paramref name="learner"/> (its network, settings, image width and learner state) and of
        /// <paramref name="readout"/> (parameters, latent weights, sample count, rate), which reads the features of every
        /// layer (<paramref name="allLayers"/>) or of the last: enough to resume both with the same integers, mid-batch
        /// included. <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteFull(SelfContrastiveForwardForwardLearner learner, FixedPointReadout readout, bool allLayers, ImageRecords metadata)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            CheckWritable(learner.Network, learner.Settings, learner.ImageWidth, readout, allLayers);
            CheckLearner(learner, readout);
            ModelImageBuilder plan = new ModelImageBuilder(ImageFormat.FullImage, ImageLearnerKinds.Scff);
            Emit(plan, learner.Network, learner.Settings, learner.ImageWidth, readout, allLayers, learner, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, learner.Network, learner.Settings, learner.ImageWidth, readout, allLayers, learner, metadata);
            return writer.Finish();
        }

        /// <summary>Re-writes a model read from an image (the same bytes as the image it came from).</summary>
        public static byte[] WriteInference(SelfContrastiveForwardForwardModel model, KernelSet kernels)
        {
            if (model == null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            return WriteInference(model.Network, model.Settings, model.ImageWidth, model.CreateReadout(kernels), model.ReadoutAllLayers, model.Metadata);
        }

        /// <summary>
        /// Reads an SCFF image (inference or full; a full image's state is validated too) into a new network and readout
        /// parameters (see the file header for the rules).
        /// </summary>
        public static bool TryRead(byte[] buffer, int offset, int count, ImageLimits limits, out SelfContrastiveForwardForwardModel model, out ImageError error)
        {
            model = null;
            ModelImage image;
            if (!ModelImage.TryParse(buffer, offset, count, limits, out image, out error))
            {
                return false;
            }

            return TryRead(image, out model, out error);
        }

        /// <summary>Reads an already parsed container (see the other overload).</summary>
        public static bool TryRead(ModelImage image, out SelfContrastiveForwardForwardModel model, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            model = null;
            SelfContrastiveForwardForwardSettings settings;
            int imageWidth;
            bool allLayers;
            int classes;
            int rateShift;
            bool softmax;
            if (!Validate(image, out settings, out imageWidth, out allLayers, out classes, out rateShift, out softmax, out error))
            {
                return false;
            }

            byte[] buf = image.Buffer;
            SelfContrastiveForwardForwardNetwork network = new SelfContrastiveForwardForwardNetwork(image.Description);
            CopyNetwork(image, network);
            int features = FeatureCount(image.Description, allLayers);
            short[] rw = new short[classes * features];
            int rp = image.PayloadStart(image.FindSection(ImageSectionTypes.ReadoutWeightsS16, 0));
            for (int i = 0; i < rw.Length; i++)
            {
                rw[i] = ImageBytes.ReadInt16(buf, rp + 2 * i);
            }

            int[] rb = new int[classes];
            rp = image.PayloadStart(image.FindSection(ImageSectionTypes.ReadoutBiasesS32, 0));
            for (int i = 0; i < rb.Length; i++)
            {
                rb[i] = ImageBytes.ReadInt32(buf, rp + 4 * i);
            }

            int[] latent = null;
            long readoutSamples = 0;
            if (image.IsFull)
            {
                latent = new int[rw.Length];
                rp = image.PayloadStart(image.FindSection(ImageSectionTypes.ReadoutLatentS32, 0));
                for (int i = 0; i < latent.Length; i++)
                {
                    latent[i] = ImageBytes.ReadInt32(buf, rp + 4 * i);
                }

                image.Counters.TryGetInt64(KeyReadoutSamplesSeen, out readoutSamples);
            }

            model = new SelfContrastiveForwardForwardModel(network, settings, imageWidth, allLayers, classes, rw, rb, rateShift, softmax, latent, readoutSamples, image.Metadata, image);
            return true;
        }

        /// <summary>
        /// Builds the SCFF learner and its readout from a full image, both exactly as saved: training either on gives
        /// the same integers as if it had never stopped. <paramref name="model"/> holds the network (the learner's),
        /// settings, readout layout and metadata.
        /// </summary>
        public static bool TryCreateLearner(ModelImage image, KernelSet kernels, out SelfContrastiveForwardForwardModel model, out SelfContrastiveForwardForwardLearner learner, out FixedPointReadout readout, out ImageError error)
        {
            if (kernels == null)
            {
                throw new ArgumentNullException(nameof(kernels));
            }

            learner = null;
            readout = null;
            if (!TryRead(image, out model, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                model = null;
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state; a learner needs a full image");
                return false;
            }

            SelfContrastiveForwardForwardLearner created = new SelfContrastiveForwardForwardLearner(model.Network, model.Settings, kernels, model.ImageWidth);
            CopyLearnerState(image, created);
            learner = created;
            readout = model.CreateReadout(kernels);
            return true;
        }

        /// <summary>
        /// Restores a full image into an existing <paramref name="learner"/> and <paramref name="readout"/> (a checkpoint
        /// resume): the image must have the learner's architecture, image width and settings, and the readout's features,
        /// classes and loss; the readout's rate shift is restored with its state. Everything is checked before either is
        /// touched; on failure both are unchanged.
        /// </summary>
        public static bool TryRestore(ModelImage image, SelfContrastiveForwardForwardLearner learner, FixedPointReadout readout, out ImageError error)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            if (readout == null)
            {
                throw new ArgumentNullException(nameof(readout));
            }

            SelfContrastiveForwardForwardSettings settings;
            int imageWidth;
            bool allLayers;
            int classes;
            int rateShift;
            bool softmax;
            if (!Validate(image, out settings, out imageWidth, out allLayers, out classes, out rateShift, out softmax, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state to restore");
                return false;
            }

            string mismatch = Compatibility(image, allLayers, classes, rateShift, learner, readout);
            if (mismatch != null)
            {
                error = new ImageError(ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize, mismatch);
                return false;
            }

            CopyNetwork(image, learner.Network);
            CopyLearnerState(image, learner);
            CopyReadout(image, readout, rateShift);
            return true;
        }

        /// <summary>Readout features D of <paramref name="description"/>: sum n_1 .. n_L (all layers) or n_L.</summary>
        public static int FeatureCount(NetworkDescription description, bool allLayers)
        {
            if (description == null)
            {
                throw new ArgumentNullException(nameof(description));
            }

            int count = 0;
            for (int l = allLayers ? 1 : description.LayerCount - 1; l < description.LayerCount; l++)
            {
                count += description.Size(l);
            }

            return count;
        }

        /// <summary>The HYPERPARAMETERS records of an SCFF model.</summary>
        public static ImageRecords SettingsRecords(SelfContrastiveForwardForwardSettings settings, int imageWidth, FixedPointReadout readout, bool allLayers)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (readout == null)
            {
                throw new ArgumentNullException(nameof(readout));
            }

            ImageRecords r = new ImageRecords();
            r.SetInt32(KeyAccumulatorBits, settings.AccumulatorBits);
            r.SetInt32(KeyBatchSize, settings.BatchSize);
            r.SetInt32(KeyClasses, readout.ClassCount);
            r.SetInt32(KeyImageWidth, imageWidth);
            r.SetFloat64Array(KeyLambda, settings.Lambda);
            r.SetFloat64Array(KeyLearningRate, settings.LearningRate);
            r.SetFloat64(KeyMomentum, settings.Momentum);
            r.SetInt32(KeyOptimizer, (int)settings.Optimizer);
            r.SetInt32(KeyReadoutLayers, allLayers ? ReadoutAllLayers : ReadoutLastLayer);
            r.SetInt32(KeyReadoutRateShift, readout.LearningRateShift);
            r.SetInt32(KeyReadoutSoftmax, readout.Softmax ? 1 : 0);
            r.SetInt32(KeyRingSize, settings.RingSize);
            r.SetInt64(KeySeed, settings.Seed);
            r.SetInt32(KeyStandardizeHalves, settings.StandardizeHalves ? 1 : 0);
            r.SetFloat64Array(KeyThreshold1, settings.Threshold1);
            r.SetFloat64Array(KeyThreshold2, settings.Threshold2);
            r.SetInt32(KeyViewShift, settings.ViewShift);
            return r;
        }

        // ---------------------------------------------------------------- writing

        private static void CheckWritable(SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, FixedPointReadout readout, bool allLayers)
        {
            if (network == null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            if (readout == null)
            {
                throw new ArgumentNullException(nameof(readout));
            }

            settings.Validate();
            NetworkDescription d = network.Description;
            if (d.WeightLayerCount > ImageLimits.Default.MaxWeightLayers)
            {
                throw new ArgumentException("an image holds at most " + ImageLimits.Default.MaxWeightLayers + " weight layers (the default reader limit), the network has " + d.WeightLayerCount, nameof(network));
            }

            if (imageWidth < 0 || (imageWidth > 0 && d.InputSize % imageWidth != 0))
            {
                throw new ArgumentOutOfRangeException(nameof(imageWidth), "image width " + imageWidth + " does not divide the input size " + d.InputSize + " (use 0 for frames)");
            }

            int features = FeatureCount(d, allLayers);
            if (readout.FeatureCount != features || readout.FeatureFractionBits != SelfContrastiveForwardForwardSettings.InputFractionBits)
            {
                throw new ArgumentException("the readout takes " + readout.FeatureCount + " features in Q." + readout.FeatureFractionBits + "; network " + d + " gives " + features + " (" + (allLayers ? "all layers" : "last layer") + ") in Q." + SelfContrastiveForwardForwardSettings.InputFractionBits, nameof(readout));
            }
        }

        // What a reader checks of the state, so the writer never makes an image no reader accepts: settings changed after
        // the learner allocated its state, or weights changed behind the learner's back. The latent weights requantise
        // to the weights after every update and after StartLayer or LoadParameters.
        private static void CheckLearner(SelfContrastiveForwardForwardLearner learner, FixedPointReadout readout)
        {
            SelfContrastiveForwardForwardSettings s = learner.Settings;
            bool sgd = s.Optimizer == ContrastiveOptimizer.SgdMomentum;
            if ((learner.StateAccumulatorsS16 != null) != (s.AccumulatorBits == 16) || (learner.StateLatent != null) != sgd
                || learner.Pairs.Capacity != s.RingSize || learner.StateSamplesInBatch >= s.BatchSize)
            {
                throw new ArgumentException("the learner's settings were changed after it was created (optimizer, accumulator width, ring size or a batch size below the " + learner.StateSamplesInBatch + " samples of the open batch); its state no longer matches them", nameof(learner));
            }

            int[] latent = learner.StateLatent;
            if (latent != null)
            {
                int t = learner.TrainingLayer;
                short[] w = learner.Network.Weights[t];
                for (int i = 0; i < w.Length; i++)
                {
                    if (LayerWeight(latent[i]) != w[i])
                    {
                        throw new ArgumentException("latent weight " + i + " of training layer " + t + " (" + latent[i] + ") does not requantise to its weight " + w[i] + "; the weights were changed outside the learner", nameof(learner));
                    }
                }
            }

            int[] readoutLatent = readout.StateLatent;
            for (int i = 0; i < readoutLatent.Length; i++)
            {
                if (ReadoutWeight(readoutLatent[i]) != readout.Weights[i])
                {
                    throw new ArgumentException("readout latent weight " + i + " (" + readoutLatent[i] + ") does not requantise to its weight " + readout.Weights[i] + "; the weights were changed outside the readout", nameof(readout));
                }
            }
        }

        private static short LayerWeight(int latent)
        {
            return FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(latent, SelfContrastiveForwardForwardSettings.LatentExtraBits));
        }

        private static short ReadoutWeight(int latent)
        {
            return FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(latent, FixedPointReadout.LatentExtraBits));
        }

        private static void Emit(ModelImageBuilder b, SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, FixedPointReadout readout, bool allLayers, SelfContrastiveForwardForwardLearner learner, ImageRecords metadata)
        {
            NetworkDescription d = network.Description;
            int layers = d.WeightLayerCount;
            b.BeginSection(ImageSectionTypes.Model, 0);
            b.WriteUInt16(d.LayerCount);
            b.WriteUInt16(1);
            b.WriteByte(ImageFormat.WeightsS16);
            b.WriteByte(ImageFormat.ActivationsQ15);
            b.WriteByte(ImageFormat.BiasesQ8_24);
            b.WriteByte(ImageFormat.ScalesQ0_15);
            for (int l = 0; l < d.LayerCount; l++)
            {
                b.WriteUInt16(d.Size(l));
            }

            b.EndSection();

            b.BeginSection(ImageSectionTypes.Scales, 0);
            for (int l = 0; l < layers; l++)
            {
                b.WriteInt32(WeightScaleQ15);
            }

            b.EndSection();

            b.BeginSection(ImageSectionTypes.Hyperparameters, 0);
            SettingsRecords(settings, imageWidth, readout, allLayers).WriteTo(b);
            b.EndSection();

            for (int l = 0; l < layers; l++)
            {
                b.BeginSection(ImageSectionTypes.WeightsS16, l);
                b.WriteInt16s(network.Weights[l], 0, d.WeightCount(l));
                b.EndSection();
            }

            for (int l = 0; l < layers; l++)
            {
                b.BeginSection(ImageSectionTypes.BiasesS32, l);
                b.WriteInt32s(network.Biases[l], 0, d.Size(l + 1));
                b.EndSection();
            }

            if (learner != null)
            {
                int t = learner.TrainingLayer;
                int count = d.WeightCount(t);
                int rows = d.Size(t + 1);
                if (learner.StateAccumulatorsS16 != null)
                {
                    b.BeginSection(ImageSectionTypes.MomentumS16, 0);
                    b.WriteInt16s(learner.StateAccumulatorsS16, 0, count);
                }
                else
                {
                    b.BeginSection(ImageSectionTypes.MomentumS32, 0);
                    b.WriteInt32s(learner.StateAccumulatorsS32, 0, count);
                }

                b.EndSection();

                b.BeginSection(ImageSectionTypes.BiasMomentumS32, 0);
                b.WriteInt32s(learner.StateBiasAccumulators, 0, rows);
                b.EndSection();

                if (learner.StateLatent != null)
                {
                    b.BeginSection(ImageSectionTypes.LayerLatentS32, 0);
                    b.WriteInt32s(learner.StateLatent, 0, count);
                    b.EndSection();
                }

                // Only the slots in use: the others are never read before they are written.
                b.BeginSection(ImageSectionTypes.InputRingS16, 0);
                b.WriteInt16s(learner.Pairs.StateRing, 0, learner.Pairs.Count * d.InputSize);
                b.EndSection();

                b.BeginSection(ImageSectionTypes.ReadoutLatentS32, 0);
                b.WriteInt32s(readout.StateLatent, 0, readout.StateLatent.Length);
                b.EndSection();

                b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                CounterRecords(learner, readout).WriteTo(b);
                b.EndSection();
            }

            b.BeginSection(ImageSectionTypes.ReadoutWeightsS16, 0);
            b.WriteInt16s(readout.Weights, 0, readout.Weights.Length);
            b.EndSection();

            b.BeginSection(ImageSectionTypes.ReadoutBiasesS32, 0);
            b.WriteInt32s(readout.Biases, 0, readout.Biases.Length);
            b.EndSection();

            if (metadata != null && metadata.Count > 0)
            {
                b.BeginSection(ImageSectionTypes.Metadata, 0);
                metadata.WriteTo(b);
                b.EndSection();
            }
        }

        private static ImageRecords CounterRecords(SelfContrastiveForwardForwardLearner learner, FixedPointReadout readout)
        {
            SelfContrastivePairSource pairs = learner.Pairs;
            ImageRecords r = new ImageRecords();
            r.SetInt32(KeyInBatch, learner.StateSamplesInBatch);
            r.SetInt64(KeyNegativeGoodnessSum, learner.NegativeGoodnessSum);
            r.SetInt32Array(KeyNegativeRngState, ImageGeneratorState.Words(pairs.StateNegativeRandom));
            r.SetInt64(KeyPairCount, learner.PairCount);
            r.SetInt64(KeyPositiveGoodnessSum, learner.PositiveGoodnessSum);
            r.SetInt64(KeyReadoutSamplesSeen, readout.SamplesSeen);
            r.SetInt32(KeyRingCount, pairs.Count);
            r.SetInt32(KeyRingNext, pairs.StateNext);
            r.SetInt64(KeySamplesSeen, learner.SamplesSeen);
            r.SetInt32(KeyTrainingLayer, learner.TrainingLayer);
            r.SetInt32Array(KeyViewRngState, ImageGeneratorState.Words(pairs.StateViewRandom));
            return r;
        }

        // ---------------------------------------------------------------- reading

        private static bool Validate(ModelImage image, out SelfContrastiveForwardForwardSettings settings, out int imageWidth, out bool allLayers, out int classes, out int rateShift, out bool softmax, out ImageError error)
        {
            settings = null;
            imageWidth = 0;
            allLayers = false;
            classes = 0;
            rateShift = 0;
            softmax = false;
            if (image.LearnerKind != ImageLearnerKinds.Scff)
            {
                error = new ImageError(ImageErrorCode.WrongLearnerKind, ImageFormat.LearnerKindOffset, "image is for learner '" + ImageLearnerKinds.Name(image.LearnerKind) + "', not 'scff'");
                return false;
            }

            int modelEntry = image.FindSection(ImageSectionTypes.Model, 0);
            int model = image.SectionOffset(modelEntry);
            NetworkDescription d = image.Description;
            if (image.WeightFormat != ImageFormat.WeightsS16)
            {
                error = new ImageError(ImageErrorCode.UnsupportedFormat, model + 4, "SCFF networks have s16 weights, not " + ImageFormat.WeightFormatName(image.WeightFormat));
                return false;
            }

            if (image.ActivationFormat != ImageFormat.ActivationsQ15)
            {
                error = new ImageError(ImageErrorCode.UnsupportedFormat, model + 5, "SCFF networks have multi-bit activations (code 1), not " + ImageFormat.ActivationFormatName(image.ActivationFormat));
                return false;
            }

            if (d.NeuronsPerClass != 1)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, model + 2, "SCFF networks have no class layer: neurons per class must be 1, got " + d.NeuronsPerClass);
                return false;
            }

            if (d.InputSize > NormalizationKernels.MaxValues / 2)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, model + 8, "input size " + d.InputSize + " is above " + (NormalizationKernels.MaxValues / 2) + ", the largest pair the standardisation covers");
                return false;
            }

            int scales = image.FindSection(ImageSectionTypes.Scales, 0);
            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                int v = ImageBytes.ReadInt32(image.Buffer, image.PayloadStart(scales) + 4 * l);
                if (v != WeightScaleQ15)
                {
                    error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(scales) + 4 * l, "scale of layer " + l + " is " + v + "; SCFF weights are Q.14, scale " + WeightScaleQ15 + " (2^-14 in Q0.15)");
                    return false;
                }
            }

            ImageRecords h = image.Hyperparameters;
            int hOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.Hyperparameters, 0));
            if (!ImageRecordChecks.CheckKeys(h, HyperparameterKeys, "HYPERPARAMETERS", "scff", hOffset, out error))
            {
                return false;
            }

            int accumulatorBits;
            int batchSize;
            int width;
            double[] lambda;
            double[] rate;
            double momentum;
            int optimizer;
            int readoutLayers;
            int shift;
            int softmaxCode;
            int ring;
            long seed;
            int halves;
            double[] th1;
            double[] th2;
            int viewShift;
            if (!ImageRecordChecks.Int32(h, KeyAccumulatorBits, hOffset, out accumulatorBits, out error) || !ImageRecordChecks.Int32(h, KeyBatchSize, hOffset, out batchSize, out error)
                || !ImageRecordChecks.Int32(h, KeyClasses, hOffset, out classes, out error) || !ImageRecordChecks.Int32(h, KeyImageWidth, hOffset, out width, out error)
                || !ImageRecordChecks.Float64Array(h, KeyLambda, hOffset, out lambda, out error) || !ImageRecordChecks.Float64Array(h, KeyLearningRate, hOffset, out rate, out error)
                || !ImageRecordChecks.Float64(h, KeyMomentum, hOffset, out momentum, out error) || !ImageRecordChecks.Int32(h, KeyOptimizer, hOffset, out optimizer, out error)
                || !ImageRecordChecks.Int32(h, KeyReadoutLayers, hOffset, out readoutLayers, out error) || !ImageRecordChecks.Int32(h, KeyReadoutRateShift, hOffset, out shift, out error)
                || !ImageRecordChecks.Int32(h, KeyReadoutSoftmax, hOffset, out softmaxCode, out error) || !ImageRecordChecks.Int32(h, KeyRingSize, hOffset, out ring, out error)
                || !ImageRecordChecks.Int64(h, KeySeed, hOffset, out seed, out error) || !ImageRecordChecks.Int32(h, KeyStandardizeHalves, hOffset, out halves, out error)
                || !ImageRecordChecks.Float64Array(h, KeyThreshold1, hOffset, out th1, out error) || !ImageRecordChecks.Float64Array(h, KeyThreshold2, hOffset, out th2, out error)
                || !ImageRecordChecks.Int32(h, KeyViewShift, hOffset, out viewShift, out error))
            {
                return false;
            }

            string bad = null;
            string key = null;
            if (seed < 0 || seed > 0xFFFFFFFFL)
            {
                key = KeySeed;
                bad = "seed " + seed + " is outside [0, 4294967295]";
            }
            else if (optimizer != (int)ContrastiveOptimizer.Signum && optimizer != (int)ContrastiveOptimizer.SgdMomentum)
            {
                key = KeyOptimizer;
                bad = "optimizer " + optimizer + " is neither 1 (signum) nor 2 (sgd)";
            }
            else if (halves != 0 && halves != 1)
            {
                key = KeyStandardizeHalves;
                bad = "standardize_halves " + halves + " is neither 0 nor 1";
            }
            else if (width < 0 || (width > 0 && d.InputSize % width != 0))
            {
                key = KeyImageWidth;
                bad = "image width " + width + " does not divide the input size " + d.InputSize + " (0 for frames)";
            }
            else if (classes < 2 || classes > 256)
            {
                key = KeyClasses;
                bad = "class count " + classes + " is outside [2, 256]";
            }
            else if (readoutLayers != ReadoutAllLayers && readoutLayers != ReadoutLastLayer)
            {
                key = KeyReadoutLayers;
                bad = "readout layers " + readoutLayers + " is neither 1 (all) nor 2 (last)";
            }
            else if (shift < 15 - SelfContrastiveForwardForwardSettings.InputFractionBits || shift > 40)
            {
                key = KeyReadoutRateShift;
                bad = "readout rate shift " + shift + " is outside [" + (15 - SelfContrastiveForwardForwardSettings.InputFractionBits) + ", 40]";
            }
            else if (softmaxCode != 0 && softmaxCode != 1)
            {
                key = KeyReadoutSoftmax;
                bad = "readout_softmax " + softmaxCode + " is neither 0 nor 1";
            }

            if (bad != null)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, key, hOffset), bad);
                return false;
            }

            SelfContrastiveForwardForwardSettings s = new SelfContrastiveForwardForwardSettings();
            s.AccumulatorBits = accumulatorBits;
            s.BatchSize = batchSize;
            s.Lambda = lambda;
            s.LearningRate = rate;
            s.Momentum = momentum;
            s.Optimizer = (ContrastiveOptimizer)optimizer;
            s.RingSize = ring;
            s.Seed = (uint)seed;
            s.StandardizeHalves = halves == 1;
            s.Threshold1 = th1;
            s.Threshold2 = th2;
            s.ViewShift = viewShift;
            try
            {
                s.Validate();
            }
            catch (ArgumentException e)
            {
                error = new ImageError(ImageErrorCode.BadValue, hOffset, "hyperparameter out of range: " + e.Message);
                return false;
            }

            bool all = readoutLayers == ReadoutAllLayers;
            long features = FeatureCount(d, all);
            int map = image.FindSection(ImageSectionTypes.ClassMapS32, 0);
            if (map >= 0)
            {
                error = new ImageError(ImageErrorCode.UnexpectedSection, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * map, "section CLASS_MAP_S32 is not defined for learner 'scff' (its readout gives the classes)");
                return false;
            }

            int rwEntry = image.FindSection(ImageSectionTypes.ReadoutWeightsS16, 0);
            int rbEntry = image.FindSection(ImageSectionTypes.ReadoutBiasesS32, 0);
            if (rwEntry < 0 || rbEntry < 0)
            {
                error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the scff image has no " + ImageSectionTypes.Name(rwEntry < 0 ? ImageSectionTypes.ReadoutWeightsS16 : ImageSectionTypes.ReadoutBiasesS32) + " section");
                return false;
            }

            long expected = 2L * classes * features;
            if (image.SectionLength(rwEntry) != expected)
            {
                error = new ImageError(ImageErrorCode.ShapeMismatch, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * rwEntry + 8, "section READOUT_WEIGHTS_S16[0] holds " + image.SectionLength(rwEntry) + " bytes; " + classes + " classes x " + features + " features (" + (all ? "all layers" : "last layer") + " of " + d + ") need " + expected);
                return false;
            }

            if (image.SectionLength(rbEntry) != 4L * classes)
            {
                error = new ImageError(ImageErrorCode.ShapeMismatch, ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * rbEntry + 8, "section READOUT_BIASES_S32[0] holds " + image.SectionLength(rbEntry) + " bytes; " + classes + " classes need " + (4 * classes));
                return false;
            }

            if (image.IsFull && !ValidateState(image, s, classes, (int)features, out error))
            {
                return false;
            }

            settings = s;
            imageWidth = width;
            allLayers = all;
            rateShift = shift;
            softmax = softmaxCode == 1;
            error = null;
            return true;
        }

        // Full image: the state sections of this learner's configuration, the counters, the shapes of layer T and of the
        // ring, and the latent weights against the weights. Nothing is allocated in proportion to the payload.
        private static bool ValidateState(ModelImage image, SelfContrastiveForwardForwardSettings s, int classes, int features, out ImageError error)
        {
            NetworkDescription d = image.Description;
            bool sgd = s.Optimizer == ContrastiveOptimizer.SgdMomentum;
            int momentumType = s.AccumulatorBits == 16 ? ImageSectionTypes.MomentumS16 : ImageSectionTypes.MomentumS32;
            for (int i = 0; i < image.SectionCount; i++)
            {
                int t = image.SectionType(i);
                bool expected = t == ImageSectionTypes.LearnerCounters || t == momentumType || t == ImageSectionTypes.BiasMomentumS32
                    || (sgd && t == ImageSectionTypes.LayerLatentS32) || t == ImageSectionTypes.InputRingS16 || t == ImageSectionTypes.ReadoutLatentS32;
                if (ImageSectionTypes.IsLearnerState(t) && !expected)
                {
                    error = new ImageError(ImageErrorCode.UnexpectedSection, EntryOffset(i), "section " + ImageSectionTypes.Name(t) + " is not state of an scff learner with " + (sgd ? "sgd" : "signum") + " and " + s.AccumulatorBits + "-bit momentum (its state is " + ImageSectionTypes.Name(momentumType) + ", BIAS_MOMENTUM_S32, " + (sgd ? "LAYER_LATENT_S32, " : "") + "INPUT_RING_S16, READOUT_LATENT_S32 and LEARNER_COUNTERS)");
                    return false;
                }
            }

            int[] required = { momentumType, ImageSectionTypes.BiasMomentumS32, sgd ? ImageSectionTypes.LayerLatentS32 : -1, ImageSectionTypes.InputRingS16, ImageSectionTypes.ReadoutLatentS32 };
            for (int k = 0; k < required.Length; k++)
            {
                if (required[k] >= 0 && image.FindSection(required[k], 0) < 0)
                {
                    error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the full scff image has no " + ImageSectionTypes.Name(required[k]) + " section");
                    return false;
                }
            }

            ImageRecords c = image.Counters;
            int cOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.LearnerCounters, 0));
            if (!ImageRecordChecks.CheckKeys(c, CounterKeys, "LEARNER_COUNTERS", "scff", cOffset, out error))
            {
                return false;
            }

            int inBatch;
            long negativeSum;
            int[] negativeRng;
            long pairCount;
            long positiveSum;
            long readoutSamples;
            int ringCount;
            int ringNext;
            long samples;
            int layer;
            int[] viewRng;
            if (!ImageRecordChecks.Int32(c, KeyInBatch, cOffset, out inBatch, out error) || !ImageRecordChecks.Int64(c, KeyNegativeGoodnessSum, cOffset, out negativeSum, out error)
                || !ImageRecordChecks.Int32Array(c, KeyNegativeRngState, cOffset, out negativeRng, out error) || !ImageRecordChecks.Int64(c, KeyPairCount, cOffset, out pairCount, out error)
                || !ImageRecordChecks.Int64(c, KeyPositiveGoodnessSum, cOffset, out positiveSum, out error) || !ImageRecordChecks.Int64(c, KeyReadoutSamplesSeen, cOffset, out readoutSamples, out error)
                || !ImageRecordChecks.Int32(c, KeyRingCount, cOffset, out ringCount, out error) || !ImageRecordChecks.Int32(c, KeyRingNext, cOffset, out ringNext, out error)
                || !ImageRecordChecks.Int64(c, KeySamplesSeen, cOffset, out samples, out error) || !ImageRecordChecks.Int32(c, KeyTrainingLayer, cOffset, out layer, out error)
                || !ImageRecordChecks.Int32Array(c, KeyViewRngState, cOffset, out viewRng, out error))
            {
                return false;
            }

            string bad = null;
            string key = null;
            if (layer < 0 || layer >= d.WeightLayerCount)
            {
                key = KeyTrainingLayer;
                bad = "training layer " + layer + " is outside [0, " + d.WeightLayerCount + ")";
            }
            else if (samples < 0 || readoutSamples < 0)
            {
                key = samples < 0 ? KeySamplesSeen : KeyReadoutSamplesSeen;
                bad = "sample counts must be non-negative (learner " + samples + ", readout " + readoutSamples + ")";
            }
            else if (inBatch < 0 || inBatch >= s.BatchSize || inBatch > samples)
            {
                key = KeyInBatch;
                bad = "samples in the open batch " + inBatch + " is outside [0, " + s.BatchSize + ") or above the " + samples + " samples seen";
            }
            else if (pairCount < 0 || pairCount > samples)
            {
                key = KeyPairCount;
                bad = "pair count " + pairCount + " is outside [0, " + samples + "] (the samples seen)";
            }
            else if (!GoodnessSumFits(positiveSum, pairCount) || !GoodnessSumFits(negativeSum, pairCount))
            {
                key = GoodnessSumFits(positiveSum, pairCount) ? KeyNegativeGoodnessSum : KeyPositiveGoodnessSum;
                bad = "goodness sum " + (key == KeyPositiveGoodnessSum ? positiveSum : negativeSum) + " is outside [0, " + pairCount + " x 2147483647] (" + pairCount + " pairs of goodness in [0, 2^31))";
            }
            else if (ringCount < 0 || ringCount > s.RingSize)
            {
                key = KeyRingCount;
                bad = "ring count " + ringCount + " is outside [0, " + s.RingSize + "]";
            }
            else if (ringCount < s.RingSize ? ringNext != ringCount : (ringNext < 0 || ringNext >= s.RingSize))
            {
                key = KeyRingNext;
                bad = "next ring slot " + ringNext + (ringCount < s.RingSize ? " must be the ring count " + ringCount + " while the ring is not full" : " is outside [0, " + s.RingSize + ")");
            }
            else if (!ImageGeneratorState.IsValid(viewRng) || !ImageGeneratorState.IsValid(negativeRng))
            {
                key = ImageGeneratorState.IsValid(viewRng) ? KeyNegativeRngState : KeyViewRngState;
                bad = "random state " + key + " must be 4 words, not all zero";
            }

            if (bad != null)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, key, cOffset), bad);
                return false;
            }

            long rows = d.Size(layer + 1);
            long cols = d.Size(layer);
            if (!CheckLength(image, momentumType, (momentumType == ImageSectionTypes.MomentumS16 ? 2 : 4) * rows * cols, "n_" + (layer + 1) + " x n_" + layer + " of training layer " + layer, out error)
                || !CheckLength(image, ImageSectionTypes.BiasMomentumS32, 4 * rows, "n_" + (layer + 1) + " of training layer " + layer, out error)
                || (sgd && !CheckLength(image, ImageSectionTypes.LayerLatentS32, 4 * rows * cols, "n_" + (layer + 1) + " x n_" + layer + " of training layer " + layer, out error))
                || !CheckLength(image, ImageSectionTypes.InputRingS16, 2L * ringCount * d.InputSize, ringCount + " ring inputs of " + d.InputSize + " values", out error)
                || !CheckLength(image, ImageSectionTypes.ReadoutLatentS32, 4L * classes * features, classes + " classes x " + features + " features", out error))
            {
                return false;
            }

            if (sgd)
            {
                int latentAt = image.FindSection(ImageSectionTypes.LayerLatentS32, 0);
                int weightsAt = image.FindSection(ImageSectionTypes.WeightsS16, layer);
                if (!CheckRequantised(image, latentAt, weightsAt, (int)(rows * cols), SelfContrastiveForwardForwardSettings.LatentExtraBits, "latent weight", out error))
                {
                    return false;
                }
            }

            return CheckRequantised(image, image.FindSection(ImageSectionTypes.ReadoutLatentS32, 0), image.FindSection(ImageSectionTypes.ReadoutWeightsS16, 0), classes * features, FixedPointReadout.LatentExtraBits, "readout latent weight", out error);
        }

        // Every goodness is in [0, 2^31); the sum of `pairs` of them is in [0, pairs (2^31 - 1)] (no overflow).
        private static bool GoodnessSumFits(long sum, long pairs)
        {
            if (sum < 0)
            {
                return false;
            }

            long whole = sum / int.MaxValue;
            return whole < pairs || (whole == pairs && sum % int.MaxValue == 0);
        }


        private static bool CheckLength(ModelImage image, int type, long expected, string shape, out ImageError error)
        {
            int i = image.FindSection(type, 0);
            if (image.SectionLength(i) != expected)
            {
                error = new ImageError(ImageErrorCode.ShapeMismatch, EntryOffset(i) + 8, "section " + ImageSectionTypes.Name(type) + "[0] holds " + image.SectionLength(i) + " bytes; " + shape + " need " + expected);
                return false;
            }

            error = null;
            return true;
        }

        // Each s32 latent value of section `latentAt` must requantise (RoundingShiftRight by `extraBits`, saturated) to
        // the s16 weight at the same position of section `weightsAt`.
        private static bool CheckRequantised(ModelImage image, int latentAt, int weightsAt, int count, int extraBits, string what, out ImageError error)
        {
            byte[] buf = image.Buffer;
            int lp = image.PayloadStart(latentAt);
            int wp = image.PayloadStart(weightsAt);
            for (int i = 0; i < count; i++)
            {
                int latent = ImageBytes.ReadInt32(buf, lp + 4 * i);
                short w = ImageBytes.ReadInt16(buf, wp + 2 * i);
                short q = FixedPoint.SaturateToS16(FixedPoint.RoundingShiftRight(latent, extraBits));
                if (q != w)
                {
                    error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(latentAt) + 4 * i, what + " " + i + " is " + latent + ", which requantises to " + q + "; its weight (" + ImageSectionTypes.Name(image.SectionType(weightsAt)) + "[" + image.SectionIndex(weightsAt) + "]) is " + w);
                    return false;
                }
            }

            error = null;
            return true;
        }

        private static int EntryOffset(int i)
        {
            return ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
        }

        // Null when the image can be restored into the learner and readout, else what differs.
        private static string Compatibility(ModelImage image, bool allLayers, int classes, int rateShift, SelfContrastiveForwardForwardLearner learner, FixedPointReadout readout)
        {
            NetworkDescription a = image.Description;
            NetworkDescription b = learner.Network.Description;
            bool same = a.LayerCount == b.LayerCount;
            for (int l = 0; same && l < a.LayerCount; l++)
            {
                same = a.Size(l) == b.Size(l);
            }

            if (!same)
            {
                return "image architecture " + a.ToString() + " differs from the learner's " + b.ToString();
            }

            int features = FeatureCount(a, allLayers);
            if (readout.FeatureCount != features || readout.ClassCount != classes || readout.FeatureFractionBits != SelfContrastiveForwardForwardSettings.InputFractionBits)
            {
                return "the image's readout maps " + features + " features (" + (allLayers ? "all layers" : "last layer") + ") to " + classes + " classes; the readout given maps " + readout.FeatureCount + " features in Q." + readout.FeatureFractionBits + " to " + readout.ClassCount;
            }

            // Everything but the readout's rate shift, which is state the image restores.
            ImageRecords mine = SettingsRecords(learner.Settings, learner.ImageWidth, readout, allLayers);
            mine.SetInt32(KeyReadoutRateShift, rateShift);
            if (!mine.ContentEquals(image.Hyperparameters))
            {
                return "image hyperparameters differ from the learner's settings, image width or readout loss";
            }

            return null;
        }

        private static void CopyNetwork(ModelImage image, SelfContrastiveForwardForwardNetwork network)
        {
            byte[] buf = image.Buffer;
            for (int l = 0; l < network.LayerCount; l++)
            {
                short[] w = network.Weights[l];
                int p = image.PayloadStart(image.FindSection(ImageSectionTypes.WeightsS16, l));
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = ImageBytes.ReadInt16(buf, p + 2 * i);
                }

                int[] b = network.Biases[l];
                p = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasesS32, l));
                for (int i = 0; i < b.Length; i++)
                {
                    b[i] = ImageBytes.ReadInt32(buf, p + 4 * i);
                }
            }
        }

        // The learner's state arrays are sized for the largest layer; entries beyond layer T's size are cleared (they are
        // never read before StartLayer clears them anyway), so a restored learner holds exactly what a fresh one would.
        private static void CopyLearnerState(ModelImage image, SelfContrastiveForwardForwardLearner learner)
        {
            byte[] buf = image.Buffer;
            ImageRecords c = image.Counters;
            int layer;
            int inBatch;
            long samples;
            long pairCount;
            long positiveSum;
            long negativeSum;
            int ringCount;
            int ringNext;
            int[] viewRng;
            int[] negativeRng;
            c.TryGetInt32(KeyTrainingLayer, out layer);
            c.TryGetInt32(KeyInBatch, out inBatch);
            c.TryGetInt64(KeySamplesSeen, out samples);
            c.TryGetInt64(KeyPairCount, out pairCount);
            c.TryGetInt64(KeyPositiveGoodnessSum, out positiveSum);
            c.TryGetInt64(KeyNegativeGoodnessSum, out negativeSum);
            c.TryGetInt32(KeyRingCount, out ringCount);
            c.TryGetInt32(KeyRingNext, out ringNext);
            c.TryGetInt32Array(KeyViewRngState, out viewRng);
            c.TryGetInt32Array(KeyNegativeRngState, out negativeRng);

            NetworkDescription d = learner.Network.Description;
            int count = d.WeightCount(layer);
            int rows = d.Size(layer + 1);
            if (learner.StateAccumulatorsS16 != null)
            {
                short[] m = learner.StateAccumulatorsS16;
                Array.Clear(m, 0, m.Length);
                int p = image.PayloadStart(image.FindSection(ImageSectionTypes.MomentumS16, 0));
                for (int i = 0; i < count; i++)
                {
                    m[i] = ImageBytes.ReadInt16(buf, p + 2 * i);
                }
            }
            else
            {
                ReadInt32s(image, ImageSectionTypes.MomentumS32, learner.StateAccumulatorsS32, count);
            }

            ReadInt32s(image, ImageSectionTypes.BiasMomentumS32, learner.StateBiasAccumulators, rows);
            if (learner.StateLatent != null)
            {
                ReadInt32s(image, ImageSectionTypes.LayerLatentS32, learner.StateLatent, count);
            }

            SelfContrastivePairSource pairs = learner.Pairs;
            short[] ring = pairs.StateRing;
            Array.Clear(ring, 0, ring.Length);
            int values = ringCount * d.InputSize;
            int rp = image.PayloadStart(image.FindSection(ImageSectionTypes.InputRingS16, 0));
            for (int i = 0; i < values; i++)
            {
                ring[i] = ImageBytes.ReadInt16(buf, rp + 2 * i);
            }

            pairs.RestoreRing(ringCount, ringNext);
            ImageGeneratorState.Restore(pairs.StateViewRandom, viewRng);
            ImageGeneratorState.Restore(pairs.StateNegativeRandom, negativeRng);
            learner.RestoreCounters(layer, inBatch, samples, pairCount, positiveSum, negativeSum);
        }

        // Clears `target`, then reads `count` s32 values of section (type, 0) into its start.
        private static void ReadInt32s(ModelImage image, int type, int[] target, int count)
        {
            Array.Clear(target, 0, target.Length);
            int p = image.PayloadStart(image.FindSection(type, 0));
            for (int i = 0; i < count; i++)
            {
                target[i] = ImageBytes.ReadInt32(image.Buffer, p + 4 * i);
            }
        }

        private static void CopyReadout(ModelImage image, FixedPointReadout readout, int rateShift)
        {
            byte[] buf = image.Buffer;
            short[] w = readout.Weights;
            int p = image.PayloadStart(image.FindSection(ImageSectionTypes.ReadoutWeightsS16, 0));
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = ImageBytes.ReadInt16(buf, p + 2 * i);
            }

            int[] b = readout.Biases;
            p = image.PayloadStart(image.FindSection(ImageSectionTypes.ReadoutBiasesS32, 0));
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = ImageBytes.ReadInt32(buf, p + 4 * i);
            }

            int[] latent = readout.StateLatent;
            ReadInt32s(image, ImageSectionTypes.ReadoutLatentS32, latent, latent.Length);
            long samples;
            image.Counters.TryGetInt64(KeyReadoutSamplesSeen, out samples);
            readout.RestoreSamplesSeen(samples);
            readout.LearningRateShift = rateShift;
        }
    }
}
