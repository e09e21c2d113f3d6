// SelfContrastiveForwardForwardImage: how an SCFF feature network and its fixed-point readout map to image sections
// (learner kind 2, "scff"). Inference images only in this version: the learner state (momentum, SGD latent weights,
// ring of recent inputs, generator states, readout latent weights) has no mapping yet, and a full scff image is
// refused.
//
// Glossary: L SCFF layers of widths n_0 .. n_L; D readout features (sum n_1 .. n_L when the readout reads all
// layers, n_L when it reads the last); C classes.
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
//   READOUT_WEIGHTS_S16  C x D Q.14 (FixedPointReadout.Weights)
//   READOUT_BIASES_S32   C Q.24 (FixedPointReadout.Biases: Q.(14 + 10) for the Q.10 features)
//   METADATA             optional, written when the caller gives records
//
// Reading validates the whole image (container, then every rule above) before anything is allocated in proportion
// to the payload; a refused image yields an ImageError, never an exception.
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
        internal SelfContrastiveForwardForwardModel(SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, bool allLayers, int classCount, short[] readoutWeights, int[] readoutBiases, int readoutRateShift, bool readoutSoftmax, ImageRecords metadata, ModelImage image)
        {
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

        /// <summary>The METADATA records (empty when absent).</summary>
        public ImageRecords Metadata { get; private set; }

        /// <summary>The validated container.</summary>
        public ModelImage Image { get; private set; }

        /// <summary>A feature extractor of the network (all layers or the last, as the readout reads them).</summary>
        public SelfContrastiveFeatureExtractor CreateFeatureExtractor(KernelSet kernels)
        {
            return new SelfContrastiveFeatureExtractor(Network, kernels, ReadoutAllLayers);
        }

        /// <summary>A readout holding the image's weights, biases, rate and loss (latent weights from the weights).</summary>
        public FixedPointReadout CreateReadout(KernelSet kernels)
        {
            FixedPointReadout readout = new FixedPointReadout(FeatureCount, ClassCount, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 32, kernels);
            readout.LearningRateShift = ReadoutRateShift;
            readout.Softmax = ReadoutSoftmax;
            readout.LoadParameters(ReadoutWeights, 0, ReadoutBiases, 0);
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

        private static readonly string[] HyperparameterKeys =
        {
            KeyAccumulatorBits, KeyBatchSize, KeyClasses, KeyImageWidth, KeyLambda, KeyLearningRate, KeyMomentum, KeyOptimizer,
            KeyReadoutLayers, KeyReadoutRateShift, KeyReadoutSoftmax, KeyRingSize, KeySeed, KeyStandardizeHalves,
            KeyThreshold1, KeyThreshold2, KeyViewShift,
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
            Emit(plan, network, settings, imageWidth, readout, allLayers, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            Emit(writer, network, settings, imageWidth, readout, allLayers, metadata);
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

        /// <summary>Reads an SCFF image into a new network and readout parameters (see the file header for the rules).</summary>
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
            if (!TryValidate(image, out settings, out imageWidth, out allLayers, out classes, out rateShift, out softmax, out error))
            {
                return false;
            }

            byte[] buf = image.Buffer;
            SelfContrastiveForwardForwardNetwork network = new SelfContrastiveForwardForwardNetwork(image.Description);
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

            model = new SelfContrastiveForwardForwardModel(network, settings, imageWidth, allLayers, classes, rw, rb, rateShift, softmax, image.Metadata, image);
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

        private static void Emit(ModelImageBuilder b, SelfContrastiveForwardForwardNetwork network, SelfContrastiveForwardForwardSettings settings, int imageWidth, FixedPointReadout readout, bool allLayers, ImageRecords metadata)
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

        // ---------------------------------------------------------------- reading

        private static bool TryValidate(ModelImage image, out SelfContrastiveForwardForwardSettings settings, out int imageWidth, out bool allLayers, out int classes, out int rateShift, out bool softmax, out ImageError error)
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

            if (image.IsFull)
            {
                error = new ImageError(ImageErrorCode.UnknownImageKind, ImageFormat.ImageKindOffset, "scff images are inference images (kind 1); full scff images (learner state) are not defined in this version");
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

            settings = s;
            imageWidth = width;
            allLayers = all;
            rateShift = shift;
            softmax = softmaxCode == 1;
            error = null;
            return true;
        }
    }
}
