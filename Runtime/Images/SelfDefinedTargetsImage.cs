// SelfDefinedTargetsImage: how a self-defined-targets learner maps to image sections (learner kind 3, "sdt").
// The HYPERPARAMETERS record `rule` says which learner the targets drive:
//   rule 1  the single-layer delta rule (DeltaRuleLearner), K = 2
//   rule 2  an Equilibrium Propagation network (EquilibriumPropagationTargetLearner over EquilibriumPropagationLearner),
//           b1 or s8 weights, any depth: the network and its learner are written by the bep mapping's own code
//           (EquilibriumPropagationImage), so their sections, keys and checks are exactly those of learner kind 1
//   rule 3  the delta-rule stack (StackedTargetLearner): an unsupervised feature layer (index 0) under a head
//           (index 1), both DeltaRuleLearner, K = 3
// Each is driven by SelfDefinedTargetProvider (unsupervised) or SemiSupervisedTargetProvider (class groups), and
// every sdt image holds the neuron -> class map its evaluation used.
//
// Sections written (in this order, which is the required (type, index) order); l = weight layer 0 .. L-1:
//   MODEL                  delta (1, 3): weights s16, activations q0.15; EP (2): weights b1 | s8, activations
//                          q0.15 | binary; G = 1 unsupervised, n_L / classes semi-supervised
//   SCALES                 delta: alpha_l = 8 (2^-12 in Q0.15, Q3.12 weights); EP: the network's alpha_l
//   HYPERPARAMETERS        target keys average_rate f64, classes i32, homeostasis_batch_size i32, homeostasis_mode
//                          i32 (1 mini-batch, 2 streaming), homeostasis_rate f64, leak_shift i32, rule i32, smoothing
//                          f64, supervision i32 (1 unsupervised, 2 semi-supervised), winners i32; then
//                          rule 1: batch_size i32, bias_learning_rate f64, learning_rate f64, seed i64 (the layer)
//                          rule 2: the 12 bep keys (accumulator_bits ... tau; batch_size and seed are the network's)
//                          rule 3: as rule 1 for the head, and feature_ + each delta and target key for the feature
//                          layer (feature_average_rate ... feature_winners; 11 keys, no classes/rule/supervision)
//   WEIGHTS_S16[l] | WEIGHTS_B1[l] | WEIGHTS_S8[l],  BIASES_S32[l]
//   full images only:
//   LATENT_WEIGHTS_S32[l] (delta, Q8.24)  |  BOP_ACCUMULATORS_S8/S16/S32[l] or LATENT_WEIGHTS_S32[l] (EP, as bep)
//   HOMEOSTASIS_S32[l]     n_{l+1} thresholds H, Q8.24 (EP: hidden layers have no homeostasis and hold zeros)
//   BIAS_PENDING_S32[l]    n_{l+1} bias steps of the open mini-batch, Q8.24
//   HOMEOSTASIS_TRACE_S32[l] streaming: running averages a (Q8.24); mini-batch: Q0.15 target sums of the open
//                          homeostasis batch, each in [0, 32767 homeostasis_pending] (EP hidden layers: zeros)
//   LEARNER_COUNTERS       homeostasis_pending i32, homeostasis_updates i64 (output layer), and
//                          rule 1: in_batch i32, samples_seen i64; rule 2: the 6 bep counters (batch_sign, flips,
//                          in_batch, rng_state, rounding_rng_state, samples_seen); rule 3: in_batch, samples_seen of
//                          the head and feature_homeostasis_pending, feature_homeostasis_updates, feature_in_batch,
//                          feature_samples_seen of the feature layer
//   CLASS_MAP_S32          n_L classes in [-1, classes): the direct association (unsupervised) or j / G (semi)
//   METADATA               optional
//
// Prediction is the training run's evaluation: the class map over the output layer's response (the delta layer's
// output, the head's output on the feature layer's output, or the EP output layer's free-phase internal state).
// A full image restores learner(s) and homeostasis exactly, mid-batch included (the delta rule draws random
// numbers only at initialisation; EP's generator states are in its counters). Reading validates everything before
// anything is allocated in proportion to the payload or overwritten; a refused image leaves the caller's objects
// untouched.
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Images
{
    /// <summary>A self-defined-targets learner, its class map and target settings read from an sdt image.</summary>
    public sealed class SelfDefinedTargetsModel
    {
        private readonly EquilibriumPropagationRelaxation _relaxation;
        private readonly short[][] _states;
        private readonly short[] _noTarget;

        internal SelfDefinedTargetsModel(int rule, DeltaRuleLearner feature, SelfDefinedTargetSettings featureTargets, DeltaRuleLearner layer, EquilibriumPropagationNetwork network, EquilibriumPropagationSettings networkSettings, DirectAssociation association, SelfDefinedTargetSettings targets, bool semiSupervised, ImageRecords metadata, ModelImage image, KernelSet kernels)
        {
            Rule = rule;
            FeatureLayer = feature;
            FeatureTargets = featureTargets;
            Layer = layer;
            Network = network;
            NetworkSettings = networkSettings;
            Association = association;
            Targets = targets;
            SemiSupervised = semiSupervised;
            Metadata = metadata;
            Image = image;
            if (network != null)
            {
                // The free phase of EquilibriumPropagationLearner.BeginSample, without the learner's state.
                NetworkDescription d = network.Description;
                _relaxation = new EquilibriumPropagationRelaxation(network, kernels, networkSettings.NudgePlacement);
                _states = new short[d.LayerCount][];
                for (int l = 1; l < d.LayerCount; l++)
                {
                    _states[l] = new short[d.Size(l)];
                }

                _noTarget = new short[d.OutputSize];
            }
        }

        /// <summary>The learner the targets drive: <see cref="SelfDefinedTargetsImage.RuleDelta"/>, <see cref="SelfDefinedTargetsImage.RuleEquilibriumPropagation"/> or <see cref="SelfDefinedTargetsImage.RuleDeltaStack"/>.</summary>
        public int Rule { get; private set; }

        /// <summary>
        /// The delta-rule output layer, freshly allocated: the only layer (rule 1) or the head (rule 3); null for rule 2.
        /// From an inference image its latent weights are the forward weights in Q8.24 and its counters are 0; from a full
        /// image it is the saved learner.
        /// </summary>
        public DeltaRuleLearner Layer { get; private set; }

        /// <summary>The feature layer of a delta-rule stack (rule 3), else null; allocated like <see cref="Layer"/>.</summary>
        public DeltaRuleLearner FeatureLayer { get; private set; }

        /// <summary>The target settings of the feature layer (rule 3), else null.</summary>
        public SelfDefinedTargetSettings FeatureTargets { get; private set; }

        /// <summary>The EP network (rule 2), else null.</summary>
        public EquilibriumPropagationNetwork Network { get; private set; }

        /// <summary>The EP settings (rule 2), else null.</summary>
        public EquilibriumPropagationSettings NetworkSettings { get; private set; }

        /// <summary>The neuron -> class map (prediction as the training run evaluated).</summary>
        public DirectAssociation Association { get; private set; }

        /// <summary>The target settings of the output layer (k, smoothing, homeostasis).</summary>
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

        /// <summary>Inputs n_0 per sample.</summary>
        public int InputSize
        {
            get { return Image.Description.InputSize; }
        }

        /// <summary>Output neurons n_L (the neurons of the class map).</summary>
        public int OutputSize
        {
            get { return Image.Description.OutputSize; }
        }

        /// <summary>The output layer's self-defined-target provider with its homeostasis (from TryCreateLearner), else null.</summary>
        public SelfDefinedTargetProvider Provider { get; private set; }

        /// <summary>The feature layer's provider and homeostasis (rule 3, from TryCreateLearner), else null.</summary>
        public SelfDefinedTargetProvider FeatureProvider { get; private set; }

        /// <summary>The EP learner over <see cref="Network"/> (rule 2, from TryCreateLearner), else null.</summary>
        public EquilibriumPropagationLearner NetworkLearner { get; private set; }

        /// <summary>
        /// The learner to train on (from TryCreateLearner, else null): <see cref="Layer"/> (rule 1), an
        /// <see cref="EquilibriumPropagationTargetLearner"/> over <see cref="NetworkLearner"/> (rule 2), or a
        /// <see cref="StackedTargetLearner"/> of <see cref="FeatureLayer"/> and <see cref="Layer"/> (rule 3).
        /// </summary>
        public ITargetLearner Learner { get; private set; }

        /// <summary>Exact memory of inference: parameters and class map, and the scratch of one prediction.</summary>
        public MemoryPlan InferenceMemory
        {
            get
            {
                long classMap = 4L * OutputSize;
                long mapScratch = Association.Memory.Scratch;
                if (Network != null)
                {
                    long states = 0;
                    for (int l = 1; l < _states.Length; l++)
                    {
                        states += 2L * _states[l].Length;
                    }

                    return new MemoryPlan(Network.PersistentBytes + classMap, 0, _relaxation.ScratchBytes + states + 2L * _noTarget.Length + mapScratch);
                }

                MemoryPlan head = Layer.Memory;
                if (FeatureLayer == null)
                {
                    return new MemoryPlan(head.Persistent + classMap, 0, head.Scratch + mapScratch);
                }

                MemoryPlan f = FeatureLayer.Memory;
                return new MemoryPlan(f.Persistent + head.Persistent + classMap, 0, f.Scratch + head.Scratch + mapScratch);
            }
        }

        /// <summary>
        /// The response the class map reads (n_L Q0.15 values from index 0, valid until the next call) to x (n_0 Q0.15
        /// values from <paramref name="offset"/>): the delta layer's output, the head's output on the feature layer's
        /// output, or the EP output layer's internal state after the free phase. Changes no parameter.
        /// </summary>
        public short[] Respond(short[] x, int offset)
        {
            if (Network == null)
            {
                return FeatureLayer == null ? Layer.Respond(x, offset) : Layer.Respond(FeatureLayer.Respond(x, offset), 0);
            }

            if (x == null)
            {
                throw new ArgumentNullException(nameof(x));
            }

            if (offset < 0 || offset > x.Length - InputSize)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "input offset " + offset + " leaves fewer than " + InputSize + " values in an array of " + x.Length);
            }

            _relaxation.SetInput(x, offset);
            _relaxation.Reset();
            _relaxation.Relax(NetworkSettings.FreeSteps, 0, _noTarget, 0);
            _relaxation.SaveStates(_states);
            return _states[_states.Length - 1];
        }

        /// <summary>Predicted class of x (n_0 Q0.15 values from <paramref name="offset"/>), or -1 when no neuron has a class.</summary>
        public int Predict(short[] x, int offset)
        {
            return Association.Predict(Respond(x, offset), 0);
        }

        /// <summary>
        /// A trainer that goes on learning as the image's run did: <see cref="Learner"/> with <see cref="Provider"/>
        /// (unsupervised), or with labels for class groups and <see cref="Provider"/> otherwise (semi-supervised). Needs a
        /// learner (TryCreateLearner). The feature layer of a stack stays frozen, as in the run.
        /// </summary>
        public SelfDefinedTargetsTrainer CreateTrainer()
        {
            if (Learner == null)
            {
                throw new InvalidOperationException("the model has no learner: read the full image with SelfDefinedTargetsImage.TryCreateLearner");
            }

            ITargetProvider provider = Provider;
            if (SemiSupervised)
            {
                provider = new SemiSupervisedTargetProvider(new SupervisedTargetProvider(OutputSize, OutputSize / Association.ClassCount, Targets.Smoothing), Provider);
            }

            return new SelfDefinedTargetsTrainer(Learner, provider);
        }

        internal void AttachLearner(ITargetLearner learner, EquilibriumPropagationLearner networkLearner, SelfDefinedTargetProvider featureProvider, SelfDefinedTargetProvider provider)
        {
            Learner = learner;
            NetworkLearner = networkLearner;
            FeatureProvider = featureProvider;
            Provider = provider;
        }
    }

    /// <summary>Writes and reads self-defined-targets learners (delta rule, EP network, delta-rule stack) as model images.</summary>
    public static class SelfDefinedTargetsImage
    {
        /// <summary>Q0.15 scale of the s16 weights: 2^-12 (Q3.12).</summary>
        public const int WeightScaleQ15 = 1 << (FixedPoint.Q15Bits - DeltaRuleLearner.WeightFractionBits);

        /// <summary>Rule code: the single-layer delta rule.</summary>
        public const int RuleDelta = 1;

        /// <summary>Rule code: an Equilibrium Propagation network (b1 or s8 weights).</summary>
        public const int RuleEquilibriumPropagation = 2;

        /// <summary>Rule code: the delta-rule stack (an unsupervised feature layer under a head).</summary>
        public const int RuleDeltaStack = 3;

        /// <summary>Supervision code: self-defined targets only.</summary>
        public const int SupervisionUnsupervised = 1;

        /// <summary>Supervision code: label targets when a sample has a label, self-defined ones otherwise.</summary>
        public const int SupervisionSemiSupervised = 2;

        /// <summary>Prefix of the stack's feature-layer keys (hyperparameters and counters).</summary>
        public const string FeaturePrefix = "feature_";

        /// <summary>Hyperparameter key: running-average rate eta.</summary>
        public const string KeyAverageRate = "average_rate";

        /// <summary>Hyperparameter key: delta-rule mini-batch size (rule 2: the EP mini-batch).</summary>
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

        /// <summary>Hyperparameter key: learner rule (1 delta, 2 EP, 3 delta-rule stack).</summary>
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

        private static readonly string[] TargetKeys =
        {
            KeyAverageRate, KeyHomeostasisBatchSize, KeyHomeostasisMode, KeyHomeostasisRate, KeyLeakShift, KeySmoothing, KeyWinners,
        };

        private static readonly string[] DeltaKeys = { KeyBatchSize, KeyBiasLearningRate, KeyLearningRate, KeySeed };

        private static readonly string[] ClassMapKeys = { KeyClasses, KeyRule, KeySupervision };

        private static readonly string[] HomeostasisCounterKeys = { KeyHomeostasisPending, KeyHomeostasisUpdates };

        private static readonly string[] DeltaCounterKeys = { KeyInBatch, KeySamplesSeen };

        private static readonly string[] RuleDeltaKeys = Concat(ClassMapKeys, TargetKeys, DeltaKeys, null, null);

        private static readonly string[] RuleEpKeys = Concat(ClassMapKeys, TargetKeys, EquilibriumPropagationImage.HyperparameterKeys, null, null);

        private static readonly string[] RuleStackKeys = Concat(ClassMapKeys, TargetKeys, DeltaKeys, Prefixed(TargetKeys), Prefixed(DeltaKeys));

        private static readonly string[] RuleDeltaCounters = Concat(HomeostasisCounterKeys, DeltaCounterKeys, null, null, null);

        private static readonly string[] RuleEpCounters = Concat(HomeostasisCounterKeys, EquilibriumPropagationImage.CounterKeys, null, null, null);

        private static readonly string[] RuleStackCounters = Concat(HomeostasisCounterKeys, DeltaCounterKeys, Prefixed(HomeostasisCounterKeys), Prefixed(DeltaCounterKeys), null);

        /// <summary>Name of a rule code as the documents write it ("delta", "ep", "delta-stack"), or its number.</summary>
        public static string RuleName(int rule)
        {
            return rule == RuleDelta ? "delta" : rule == RuleEquilibriumPropagation ? "ep" : rule == RuleDeltaStack ? "delta-stack" : rule.ToString();
        }

        // ================================================================ rule 1: the single-layer delta rule

        /// <summary>
        /// An inference image: the layer's weights and biases, the class map of <paramref name="association"/> and the
        /// settings. <paramref name="semiSupervised"/> says how the layer was trained (then the map must be the class
        /// groups, see <see cref="DirectAssociation.AssignGroups"/>). <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(DeltaRuleLearner layer, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            CheckLayer(layer, nameof(layer));
            CheckWritable(layer.OutputSize, targets, association, semiSupervised);
            return WriteDelta(ImageFormat.InferenceImage, RuleDelta, null, null, layer, targets, null, association, semiSupervised, metadata);
        }

        /// <summary>
        /// A full image: as <see cref="WriteInference(DeltaRuleLearner, SelfDefinedTargetSettings, DirectAssociation, bool, ImageRecords)"/>
        /// plus the learner state of <paramref name="layer"/> and the homeostasis of <paramref name="provider"/>, enough
        /// to resume learning with the same integers.
        /// </summary>
        public static byte[] WriteFull(DeltaRuleLearner layer, SelfDefinedTargetProvider provider, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            CheckLayer(layer, nameof(layer));
            CheckProvider(provider, layer.OutputSize, nameof(provider));
            CheckWritable(layer.OutputSize, provider.Settings, association, semiSupervised);
            return WriteDelta(ImageFormat.FullImage, RuleDelta, null, null, layer, provider.Settings, provider.Homeostasis, association, semiSupervised, metadata);
        }

        // ================================================================ rule 2: an EP network

        /// <summary>
        /// An inference image of an EP network driven by self-defined targets (rule 2): the network and its settings as
        /// the bep mapping writes them, the target settings and the class map. The network's neurons per class must be 1
        /// (unsupervised) or n_L / classes (semi-supervised, class groups). <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            CheckNetwork(network, settings, association, semiSupervised);
            CheckWritable(network.Description.OutputSize, targets, association, semiSupervised);
            return WriteEp(ImageFormat.InferenceImage, network, settings, targets, null, null, association, semiSupervised, metadata);
        }

        /// <summary>
        /// A full image of an EP learner driven by self-defined targets: as the inference image plus the EP learner state
        /// (accumulators or latent weights, pending bias steps, counters, generator states) and the homeostasis of
        /// <paramref name="provider"/>, enough to resume learning with the same integers.
        /// </summary>
        public static byte[] WriteFull(EquilibriumPropagationLearner learner, SelfDefinedTargetProvider provider, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            CheckNetwork(learner.Network, learner.Settings, association, semiSupervised);
            int n = learner.Network.Description.OutputSize;
            CheckProvider(provider, n, nameof(provider));
            CheckWritable(n, provider.Settings, association, semiSupervised);
            return WriteEp(ImageFormat.FullImage, learner.Network, learner.Settings, provider.Settings, learner, provider.Homeostasis, association, semiSupervised, metadata);
        }

        // ================================================================ rule 3: the delta-rule stack

        /// <summary>
        /// An inference image of a delta-rule stack (rule 3): the feature layer <paramref name="feature"/> (index 0) with its
        /// target settings, the head <paramref name="head"/> (index 1) with its own, and the class map of the head's
        /// outputs. <paramref name="metadata"/> may be null.
        /// </summary>
        public static byte[] WriteInference(DeltaRuleLearner feature, SelfDefinedTargetSettings featureTargets, DeltaRuleLearner head, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            CheckStack(feature, featureTargets, head);
            CheckWritable(head.OutputSize, targets, association, semiSupervised);
            return WriteDelta(ImageFormat.InferenceImage, RuleDeltaStack, feature, featureTargets, head, targets, null, association, semiSupervised, metadata);
        }

        /// <summary>
        /// A full image of a delta-rule stack: as the inference image plus the learner state of both layers and the
        /// homeostasis of both providers (<paramref name="featureProvider"/> for the feature layer, <paramref name="provider"/>
        /// for the head), enough to resume learning with the same integers.
        /// </summary>
        public static byte[] WriteFull(DeltaRuleLearner feature, SelfDefinedTargetProvider featureProvider, DeltaRuleLearner head, SelfDefinedTargetProvider provider, DirectAssociation association, bool semiSupervised, ImageRecords metadata)
        {
            if (featureProvider == null)
            {
                throw new ArgumentNullException(nameof(featureProvider));
            }

            CheckStack(feature, featureProvider.Settings, head);
            CheckProvider(featureProvider, feature.OutputSize, nameof(featureProvider));
            CheckProvider(provider, head.OutputSize, nameof(provider));
            CheckWritable(head.OutputSize, provider.Settings, association, semiSupervised);
            return WriteDelta(ImageFormat.FullImage, RuleDeltaStack, feature, featureProvider, head, provider.Settings, provider.Homeostasis, association, semiSupervised, metadata);
        }

        // ================================================================ any rule, from a model

        /// <summary>The inference image of a model read from any sdt image (its parameters, settings, class map and metadata).</summary>
        public static byte[] WriteInference(SelfDefinedTargetsModel model)
        {
            if (model == null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            if (model.Rule == RuleEquilibriumPropagation)
            {
                return WriteInference(model.Network, model.NetworkSettings, model.Targets, model.Association, model.SemiSupervised, model.Metadata);
            }

            if (model.Rule == RuleDeltaStack)
            {
                return WriteInference(model.FeatureLayer, model.FeatureTargets, model.Layer, model.Targets, model.Association, model.SemiSupervised, model.Metadata);
            }

            return WriteInference(model.Layer, model.Targets, model.Association, model.SemiSupervised, model.Metadata);
        }

        /// <summary>The full image of a model with a learner (<see cref="TryCreateLearner(ModelImage, KernelSet, out SelfDefinedTargetsModel, out ImageError)"/>), in its current state.</summary>
        public static byte[] WriteFull(SelfDefinedTargetsModel model)
        {
            if (model == null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            if (model.Learner == null)
            {
                throw new InvalidOperationException("the model has no learner state: read the full image with TryCreateLearner");
            }

            if (model.Rule == RuleEquilibriumPropagation)
            {
                return WriteFull(model.NetworkLearner, model.Provider, model.Association, model.SemiSupervised, model.Metadata);
            }

            if (model.Rule == RuleDeltaStack)
            {
                return WriteFull(model.FeatureLayer, model.FeatureProvider, model.Layer, model.Provider, model.Association, model.SemiSupervised, model.Metadata);
            }

            return WriteFull(model.Layer, model.Provider, model.Association, model.SemiSupervised, model.Metadata);
        }

        // ================================================================ reading

        /// <summary>Reads an sdt image of any rule (inference or full; a full image's state is validated too).</summary>
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

            Configuration c;
            return Validate(image, out c, out error);
        }

        /// <summary>Reads an already parsed container into new layer(s) or a new network and a class map (see the other overload).</summary>
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
            Configuration c;
            if (!Validate(image, out c, out error))
            {
                return false;
            }

            NetworkDescription d = image.Description;
            DeltaRuleLearner feature = null;
            DeltaRuleLearner layer = null;
            EquilibriumPropagationNetwork network = null;
            if (c.Rule == RuleEquilibriumPropagation)
            {
                network = new EquilibriumPropagationNetwork(d, c.Ep.WeightFormat, c.Ep.ActivationFormat);
                EquilibriumPropagationImage.CopyParameters(image, network);
            }
            else if (c.Rule == RuleDeltaStack)
            {
                feature = new DeltaRuleLearner(d.InputSize, d.Size(1), c.FeatureDelta, kernels);
                CopyDelta(image, 0, FeaturePrefix, feature);
                layer = new DeltaRuleLearner(d.Size(1), d.OutputSize, c.Delta, kernels);
                CopyDelta(image, 1, "", layer);
            }
            else
            {
                layer = new DeltaRuleLearner(d.InputSize, d.OutputSize, c.Delta, kernels);
                CopyDelta(image, 0, "", layer);
            }

            DirectAssociation association = new DirectAssociation(d.OutputSize, c.Classes);
            association.SetAssignment(ClassMap(image), 0);
            model = new SelfDefinedTargetsModel(c.Rule, feature, c.FeatureTargets, layer, network, c.Ep, association, c.Targets, c.Semi, image.Metadata, image, kernels);
            return true;
        }

        /// <summary>
        /// Builds the learner(s) and self-defined-target provider(s) of a full image of any rule, exactly as saved
        /// (homeostasis included): <see cref="SelfDefinedTargetsModel.Learner"/>, <see cref="SelfDefinedTargetsModel.Provider"/>,
        /// and for rule 2 <see cref="SelfDefinedTargetsModel.NetworkLearner"/>, for rule 3 <see cref="SelfDefinedTargetsModel.FeatureProvider"/>.
        /// <see cref="SelfDefinedTargetsModel.CreateTrainer"/> then continues as the run did.
        /// </summary>
        public static bool TryCreateLearner(ModelImage image, KernelSet kernels, out SelfDefinedTargetsModel model, out ImageError error)
        {
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

            int last = image.Description.WeightLayerCount - 1;
            SelfDefinedTargetProvider provider = new SelfDefinedTargetProvider(model.OutputSize, model.Targets);
            CopyHomeostasis(image, last, "", provider.Homeostasis);
            if (model.Rule == RuleEquilibriumPropagation)
            {
                EquilibriumPropagationLearner ep = new EquilibriumPropagationLearner(model.Network, model.NetworkSettings, kernels);
                EquilibriumPropagationImage.CopyLearnerState(image, ep);
                model.AttachLearner(new EquilibriumPropagationTargetLearner(ep), ep, null, provider);
            }
            else if (model.Rule == RuleDeltaStack)
            {
                SelfDefinedTargetProvider featureProvider = new SelfDefinedTargetProvider(model.FeatureLayer.OutputSize, model.FeatureTargets);
                CopyHomeostasis(image, 0, FeaturePrefix, featureProvider.Homeostasis);
                model.AttachLearner(new StackedTargetLearner(model.FeatureLayer, model.Layer), null, featureProvider, provider);
            }
            else
            {
                model.AttachLearner(model.Layer, null, null, provider);
            }

            return true;
        }

        /// <summary>
        /// As <see cref="TryCreateLearner(ModelImage, KernelSet, out SelfDefinedTargetsModel, out ImageError)"/>, with the
        /// output layer's provider as an out parameter. A semi-supervised image's caller wraps the provider in a
        /// <see cref="SemiSupervisedTargetProvider"/> itself (the supervised half has no state), or uses
        /// <see cref="SelfDefinedTargetsModel.CreateTrainer"/>.
        /// </summary>
        public static bool TryCreateLearner(ModelImage image, KernelSet kernels, out SelfDefinedTargetsModel model, out SelfDefinedTargetProvider provider, out ImageError error)
        {
            provider = null;
            if (!TryCreateLearner(image, kernels, out model, out error))
            {
                return false;
            }

            provider = model.Provider;
            return true;
        }

        /// <summary>
        /// Restores a full rule-1 image into an existing layer, provider and class map (a checkpoint resume): same
        /// architecture and settings. Everything is checked before anything is touched; on failure nothing changes.
        /// </summary>
        public static bool TryRestore(ModelImage image, DeltaRuleLearner layer, SelfDefinedTargetProvider provider, DirectAssociation association, out ImageError error)
        {
            CheckRestoreArguments(image, layer, provider, association);
            Configuration c;
            if (!ValidateRestore(image, RuleDelta, out c, out error))
            {
                return false;
            }

            string mismatch = DeltaMismatch(image, 0, layer, provider, association);
            if (mismatch == null)
            {
                mismatch = RecordsMismatch(image, RuleDelta, null, null, layer.Settings, null, provider.Settings, association.ClassCount, c.Semi);
            }

            if (!Compatible(mismatch, out error))
            {
                return false;
            }

            CopyDelta(image, 0, "", layer);
            CopyHomeostasis(image, 0, "", provider.Homeostasis);
            association.SetAssignment(ClassMap(image), 0);
            return true;
        }

        /// <summary>
        /// Restores a full rule-2 image into an existing EP learner (its network included), provider and class map: same
        /// architecture, formats, scales and settings. Everything is checked before anything is touched.
        /// </summary>
        public static bool TryRestore(ModelImage image, EquilibriumPropagationLearner learner, SelfDefinedTargetProvider provider, DirectAssociation association, out ImageError error)
        {
            CheckRestoreArguments(image, learner, provider, association);
            Configuration c;
            if (!ValidateRestore(image, RuleEquilibriumPropagation, out c, out error))
            {
                return false;
            }

            string mismatch = NetworkMismatch(image, learner.Network);
            if (mismatch == null)
            {
                mismatch = OutputMismatch(image, provider, association);
            }

            if (mismatch == null)
            {
                mismatch = RecordsMismatch(image, RuleEquilibriumPropagation, learner.Settings, null, null, null, provider.Settings, association.ClassCount, c.Semi);
            }

            if (!Compatible(mismatch, out error))
            {
                return false;
            }

            EquilibriumPropagationImage.CopyParameters(image, learner.Network);
            EquilibriumPropagationImage.CopyLearnerState(image, learner);
            CopyHomeostasis(image, image.Description.WeightLayerCount - 1, "", provider.Homeostasis);
            association.SetAssignment(ClassMap(image), 0);
            return true;
        }

        /// <summary>
        /// Restores a full rule-3 image into an existing stack (feature layer and its provider, head and its provider) and
        /// class map: same architecture and settings. Everything is checked before anything is touched.
        /// </summary>
        public static bool TryRestore(ModelImage image, DeltaRuleLearner feature, SelfDefinedTargetProvider featureProvider, DeltaRuleLearner head, SelfDefinedTargetProvider provider, DirectAssociation association, out ImageError error)
        {
            CheckRestoreArguments(image, feature, featureProvider, association);
            CheckRestoreArguments(image, head, provider, association);
            Configuration c;
            if (!ValidateRestore(image, RuleDeltaStack, out c, out error))
            {
                return false;
            }

            string mismatch = DeltaMismatch(image, 0, feature, featureProvider, null);
            if (mismatch == null)
            {
                mismatch = DeltaMismatch(image, 1, head, provider, association);
            }

            if (mismatch == null)
            {
                mismatch = RecordsMismatch(image, RuleDeltaStack, null, feature.Settings, head.Settings, featureProvider.Settings, provider.Settings, association.ClassCount, c.Semi);
            }

            if (!Compatible(mismatch, out error))
            {
                return false;
            }

            CopyDelta(image, 0, FeaturePrefix, feature);
            CopyHomeostasis(image, 0, FeaturePrefix, featureProvider.Homeostasis);
            CopyDelta(image, 1, "", head);
            CopyHomeostasis(image, 1, "", provider.Homeostasis);
            association.SetAssignment(ClassMap(image), 0);
            return true;
        }

        /// <summary>The HYPERPARAMETERS records of a rule-1 configuration.</summary>
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

            return Records(RuleDelta, null, null, delta, null, targets, classes, semiSupervised);
        }

        // ---------------------------------------------------------------- writing

        private static void CheckLayer(DeltaRuleLearner layer, string name)
        {
            if (layer == null)
            {
                throw new ArgumentNullException(name);
            }
        }

        private static void CheckProvider(SelfDefinedTargetProvider provider, int outputs, string name)
        {
            if (provider == null)
            {
                throw new ArgumentNullException(name);
            }

            if (provider.OutputSize != outputs)
            {
                throw new ArgumentException("the provider makes targets for " + provider.OutputSize + " neurons, the layer has " + outputs, name);
            }
        }

        private static void CheckStack(DeltaRuleLearner feature, SelfDefinedTargetSettings featureTargets, DeltaRuleLearner head)
        {
            CheckLayer(feature, nameof(feature));
            CheckLayer(head, nameof(head));
            if (featureTargets == null)
            {
                throw new ArgumentNullException(nameof(featureTargets));
            }

            if (feature.OutputSize != head.InputSize)
            {
                throw new ArgumentException("the feature layer has " + feature.OutputSize + " outputs but the head takes " + head.InputSize + " inputs", nameof(head));
            }

            featureTargets.Validate(feature.OutputSize);
        }

        private static void CheckNetwork(EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, DirectAssociation association, bool semiSupervised)
        {
            EquilibriumPropagationImage.CheckWritable(network, settings);
            if (association == null)
            {
                throw new ArgumentNullException(nameof(association));
            }

            NetworkDescription d = network.Description;
            int group = semiSupervised && d.OutputSize % association.ClassCount == 0 ? d.OutputSize / association.ClassCount : 1;
            if (d.NeuronsPerClass != group)
            {
                throw new ArgumentException("the network has " + d.NeuronsPerClass + " output neurons per class; " + (semiSupervised ? "semi-supervised class groups of " + association.ClassCount + " classes need " + group : "an unsupervised network is described with 1"), nameof(network));
            }
        }

        private static void CheckWritable(int outputs, SelfDefinedTargetSettings targets, DirectAssociation association, bool semiSupervised)
        {
            if (targets == null)
            {
                throw new ArgumentNullException(nameof(targets));
            }

            if (association == null)
            {
                throw new ArgumentNullException(nameof(association));
            }

            targets.Validate(outputs);
            if (association.NeuronCount != outputs)
            {
                throw new ArgumentException("the class map has " + association.NeuronCount + " neurons, the output layer " + outputs, nameof(association));
            }

            if (semiSupervised)
            {
                int classes = association.ClassCount;
                if (outputs % classes != 0)
                {
                    throw new ArgumentException("a semi-supervised output layer of " + outputs + " neurons does not split into " + classes + " class groups", nameof(association));
                }

                int group = outputs / classes;
                for (int j = 0; j < outputs; j++)
                {
                    if (association.AssignedClass(j) != j / group)
                    {
                        throw new ArgumentException("a semi-supervised layer predicts by class groups; neuron " + j + " has class " + association.AssignedClass(j) + ", not " + (j / group) + " (use AssignGroups)", nameof(association));
                    }
                }
            }
        }

        // The HYPERPARAMETERS of a configuration (ep for rule 2; feature settings for rule 3).
        private static ImageRecords Records(int rule, EquilibriumPropagationSettings ep, DeltaRuleSettings featureDelta, DeltaRuleSettings delta, SelfDefinedTargetSettings featureTargets, SelfDefinedTargetSettings targets, int classes, bool semi)
        {
            ImageRecords r = ep != null ? EquilibriumPropagationImage.SettingsRecords(ep) : new ImageRecords();
            r.SetInt32(KeyClasses, classes);
            r.SetInt32(KeyRule, rule);
            r.SetInt32(KeySupervision, semi ? SupervisionSemiSupervised : SupervisionUnsupervised);
            AddTargets(r, "", targets);
            if (delta != null)
            {
                AddDelta(r, "", delta);
            }

            if (featureDelta != null)
            {
                AddTargets(r, FeaturePrefix, featureTargets);
                AddDelta(r, FeaturePrefix, featureDelta);
            }

            return r;
        }

        private static void AddTargets(ImageRecords r, string prefix, SelfDefinedTargetSettings targets)
        {
            r.SetFloat64(prefix + KeyAverageRate, targets.AverageRate);
            r.SetInt32(prefix + KeyHomeostasisBatchSize, targets.BatchSize);
            r.SetInt32(prefix + KeyHomeostasisMode, (int)targets.Mode);
            r.SetFloat64(prefix + KeyHomeostasisRate, targets.HomeostasisRate);
            r.SetInt32(prefix + KeyLeakShift, targets.LeakShift);
            r.SetFloat64(prefix + KeySmoothing, targets.Smoothing);
            r.SetInt32(prefix + KeyWinners, targets.Winners);
        }

        private static void AddDelta(ImageRecords r, string prefix, DeltaRuleSettings delta)
        {
            r.SetInt32(prefix + KeyBatchSize, delta.BatchSize);
            r.SetFloat64(prefix + KeyBiasLearningRate, delta.BiasLearningRate);
            r.SetFloat64(prefix + KeyLearningRate, delta.LearningRate);
            r.SetInt64(prefix + KeySeed, delta.Seed);
        }

        private static void AddHomeostasisCounters(ImageRecords r, string prefix, Homeostasis homeostasis)
        {
            r.SetInt32(prefix + KeyHomeostasisPending, homeostasis.PendingCount);
            r.SetInt64(prefix + KeyHomeostasisUpdates, homeostasis.Updates);
        }

        private static void AddDeltaCounters(ImageRecords r, string prefix, DeltaRuleLearner layer)
        {
            r.SetInt32(prefix + KeyInBatch, layer.SamplesInBatch);
            r.SetInt64(prefix + KeySamplesSeen, layer.SamplesSeen);
        }

        // Rules 1 and 3. featureState is the feature layer's SelfDefinedTargetSettings (inference) or its
        // SelfDefinedTargetProvider (full); homeostasis (null for an inference image) is the output layer's.
        private static byte[] WriteDelta(int kind, int rule, DeltaRuleLearner feature, object featureState, DeltaRuleLearner head, SelfDefinedTargetSettings targets, Homeostasis homeostasis, DirectAssociation association, bool semi, ImageRecords metadata)
        {
            SelfDefinedTargetProvider featureProvider = featureState as SelfDefinedTargetProvider;
            SelfDefinedTargetSettings featureTargets = featureProvider != null ? featureProvider.Settings : featureState as SelfDefinedTargetSettings;
            DeltaRuleLearner[] layers = feature == null ? new DeltaRuleLearner[] { head } : new DeltaRuleLearner[] { feature, head };
            Homeostasis[] homeostases = null;
            ImageRecords counters = null;
            if (homeostasis != null)
            {
                homeostases = feature == null ? new Homeostasis[] { homeostasis } : new Homeostasis[] { featureProvider.Homeostasis, homeostasis };
                counters = new ImageRecords();
                AddHomeostasisCounters(counters, "", homeostasis);
                AddDeltaCounters(counters, "", head);
                if (feature != null)
                {
                    AddHomeostasisCounters(counters, FeaturePrefix, featureProvider.Homeostasis);
                    AddDeltaCounters(counters, FeaturePrefix, feature);
                }
            }

            ImageRecords hyper = Records(rule, null, feature == null ? null : feature.Settings, head.Settings, featureTargets, targets, association.ClassCount, semi);
            ModelImageBuilder plan = new ModelImageBuilder(kind, ImageLearnerKinds.Sdt);
            EmitDelta(plan, layers, homeostases, hyper, counters, association, semi, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            EmitDelta(writer, layers, homeostases, hyper, counters, association, semi, metadata);
            return writer.Finish();
        }

        private static void EmitDelta(ModelImageBuilder b, DeltaRuleLearner[] layers, Homeostasis[] homeostasis, ImageRecords hyper, ImageRecords counters, DirectAssociation association, bool semi, ImageRecords metadata)
        {
            int count = layers.Length;
            int n = layers[count - 1].OutputSize;
            b.BeginSection(ImageSectionTypes.Model, 0);
            b.WriteUInt16(count + 1);
            b.WriteUInt16(semi ? n / association.ClassCount : 1);
            b.WriteByte(ImageFormat.WeightsS16);
            b.WriteByte(ImageFormat.ActivationsQ15);
            b.WriteByte(ImageFormat.BiasesQ8_24);
            b.WriteByte(ImageFormat.ScalesQ0_15);
            b.WriteUInt16(layers[0].InputSize);
            for (int l = 0; l < count; l++)
            {
                b.WriteUInt16(layers[l].OutputSize);
            }

            b.EndSection();

            b.BeginSection(ImageSectionTypes.Scales, 0);
            for (int l = 0; l < count; l++)
            {
                b.WriteInt32(WeightScaleQ15);
            }

            b.EndSection();

            b.BeginSection(ImageSectionTypes.Hyperparameters, 0);
            hyper.WriteTo(b);
            b.EndSection();

            for (int l = 0; l < count; l++)
            {
                b.BeginSection(ImageSectionTypes.WeightsS16, l);
                b.WriteInt16s(layers[l].Weights, 0, layers[l].OutputSize * layers[l].InputSize);
                b.EndSection();
            }

            for (int l = 0; l < count; l++)
            {
                b.BeginSection(ImageSectionTypes.BiasesS32, l);
                b.WriteInt32s(layers[l].Biases, 0, layers[l].OutputSize);
                b.EndSection();
            }

            if (homeostasis != null)
            {
                for (int l = 0; l < count; l++)
                {
                    b.BeginSection(ImageSectionTypes.LatentWeightsS32, l);
                    b.WriteInt32s(layers[l].LatentWeights, 0, layers[l].OutputSize * layers[l].InputSize);
                    b.EndSection();
                }

                for (int l = 0; l < count; l++)
                {
                    b.BeginSection(ImageSectionTypes.HomeostasisS32, l);
                    b.WriteInt32s(homeostasis[l].Values, 0, layers[l].OutputSize);
                    b.EndSection();
                }

                for (int l = 0; l < count; l++)
                {
                    b.BeginSection(ImageSectionTypes.BiasPendingS32, l);
                    b.WriteInt32s(layers[l].PendingBiasSteps, 0, layers[l].OutputSize);
                    b.EndSection();
                }

                for (int l = 0; l < count; l++)
                {
                    b.BeginSection(ImageSectionTypes.HomeostasisTraceS32, l);
                    b.WriteInt32s(Trace(homeostasis[l]), 0, layers[l].OutputSize);
                    b.EndSection();
                }

                b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                counters.WriteTo(b);
                b.EndSection();
            }

            EmitClassMapAndMetadata(b, association, metadata);
        }

        private static byte[] WriteEp(int kind, EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, SelfDefinedTargetSettings targets, EquilibriumPropagationLearner learner, Homeostasis homeostasis, DirectAssociation association, bool semi, ImageRecords metadata)
        {
            ImageRecords hyper = Records(RuleEquilibriumPropagation, settings, null, null, null, targets, association.ClassCount, semi);
            ImageRecords counters = null;
            if (learner != null)
            {
                counters = EquilibriumPropagationImage.CounterRecords(learner);
                AddHomeostasisCounters(counters, "", homeostasis);
            }

            ModelImageBuilder plan = new ModelImageBuilder(kind, ImageLearnerKinds.Sdt);
            EmitEp(plan, network, hyper, learner, homeostasis, counters, association, metadata);
            ModelImageBuilder writer = plan.CreateWriter();
            EmitEp(writer, network, hyper, learner, homeostasis, counters, association, metadata);
            return writer.Finish();
        }

        private static void EmitEp(ModelImageBuilder b, EquilibriumPropagationNetwork network, ImageRecords hyper, EquilibriumPropagationLearner learner, Homeostasis homeostasis, ImageRecords counters, DirectAssociation association, ImageRecords metadata)
        {
            EquilibriumPropagationImage.EmitParameters(b, network, hyper);
            if (learner != null)
            {
                NetworkDescription d = network.Description;
                int last = d.WeightLayerCount - 1;
                EquilibriumPropagationImage.EmitLearnerState(b, learner);
                for (int l = 0; l <= last; l++)
                {
                    // Only the output layer has homeostasis; the format keeps per-layer sections for every layer.
                    b.BeginSection(ImageSectionTypes.HomeostasisS32, l);
                    if (l == last)
                    {
                        b.WriteInt32s(homeostasis.Values, 0, d.OutputSize);
                    }
                    else
                    {
                        b.WriteZeros(4 * d.Size(l + 1));
                    }

                    b.EndSection();
                }

                EquilibriumPropagationImage.EmitBiasPending(b, learner);
                for (int l = 0; l <= last; l++)
                {
                    b.BeginSection(ImageSectionTypes.HomeostasisTraceS32, l);
                    if (l == last)
                    {
                        b.WriteInt32s(Trace(homeostasis), 0, d.OutputSize);
                    }
                    else
                    {
                        b.WriteZeros(4 * d.Size(l + 1));
                    }

                    b.EndSection();
                }

                b.BeginSection(ImageSectionTypes.LearnerCounters, 0);
                counters.WriteTo(b);
                b.EndSection();
            }

            EmitClassMapAndMetadata(b, association, metadata);
        }

        private static void EmitClassMapAndMetadata(ModelImageBuilder b, DirectAssociation association, ImageRecords metadata)
        {
            b.BeginSection(ImageSectionTypes.ClassMapS32, 0);
            for (int j = 0; j < association.NeuronCount; j++)
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

        private static int[] Trace(Homeostasis homeostasis)
        {
            return homeostasis.IsStreaming ? homeostasis.Averages : homeostasis.BatchSums;
        }

        // ---------------------------------------------------------------- reading

        // What a validated image configures.
        private sealed class Configuration
        {
            public int Rule;
            public DeltaRuleSettings Delta;
            public DeltaRuleSettings FeatureDelta;
            public SelfDefinedTargetSettings Targets;
            public SelfDefinedTargetSettings FeatureTargets;
            public EquilibriumPropagationSettings Ep;
            public int Classes;
            public bool Semi;
        }

        private static bool Validate(ModelImage image, out Configuration configuration, out ImageError error)
        {
            configuration = null;
            if (image.LearnerKind != ImageLearnerKinds.Sdt)
            {
                error = new ImageError(ImageErrorCode.WrongLearnerKind, ImageFormat.LearnerKindOffset, "image is for learner '" + ImageLearnerKinds.Name(image.LearnerKind) + "', not 'sdt'");
                return false;
            }

            ImageRecords h = image.Hyperparameters;
            int hOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.Hyperparameters, 0));
            int rule;
            if (h.IndexOf(KeyRule) < 0)
            {
                error = new ImageError(ImageErrorCode.MissingKey, hOffset, "HYPERPARAMETERS has no record '" + KeyRule + "'");
                return false;
            }

            if (!ImageRecordChecks.Int32(h, KeyRule, hOffset, out rule, out error))
            {
                return false;
            }

            if (rule != RuleDelta && rule != RuleEquilibriumPropagation && rule != RuleDeltaStack)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyRule, hOffset), "rule " + rule + " is not defined: 1 (delta rule), 2 (EP network) or 3 (delta-rule stack)");
                return false;
            }

            Configuration c = new Configuration();
            c.Rule = rule;
            if (!CheckArchitecture(image, rule, out error))
            {
                return false;
            }

            string learner = "sdt rule " + rule + " (" + RuleName(rule) + ")";
            string[] keys = rule == RuleDelta ? RuleDeltaKeys : rule == RuleEquilibriumPropagation ? RuleEpKeys : RuleStackKeys;
            if (!ImageRecordChecks.CheckKeys(h, keys, "HYPERPARAMETERS", learner, hOffset, out error))
            {
                return false;
            }

            NetworkDescription d = image.Description;
            if (!ReadClassMapSettings(image, h, hOffset, out c.Classes, out c.Semi, out error)
                || !ReadTargets(h, hOffset, "", d.OutputSize, out c.Targets, out error))
            {
                return false;
            }

            if (rule == RuleEquilibriumPropagation)
            {
                if (!EquilibriumPropagationImage.ReadSettingsValues(image, h, hOffset, out c.Ep, out error))
                {
                    return false;
                }
            }
            else if (!ReadDelta(h, hOffset, "", out c.Delta, out error))
            {
                return false;
            }

            if (rule == RuleDeltaStack && (!ReadTargets(h, hOffset, FeaturePrefix, d.Size(1), out c.FeatureTargets, out error) || !ReadDelta(h, hOffset, FeaturePrefix, out c.FeatureDelta, out error)))
            {
                return false;
            }

            if (!CheckSections(image, c, out error) || !CheckClassMap(image, c, out error))
            {
                return false;
            }

            if (image.IsFull && !CheckState(image, c, out error))
            {
                return false;
            }

            configuration = c;
            error = null;
            return true;
        }

        private static bool CheckArchitecture(ModelImage image, int rule, out ImageError error)
        {
            int modelAt = image.SectionOffset(image.FindSection(ImageSectionTypes.Model, 0));
            NetworkDescription d = image.Description;
            if (rule == RuleEquilibriumPropagation)
            {
                if (image.WeightFormat != ImageFormat.WeightsB1 && image.WeightFormat != ImageFormat.WeightsS8)
                {
                    error = new ImageError(ImageErrorCode.UnsupportedFormat, modelAt + 4, "sdt rule 2 (EP network) has b1 or s8 weights, not " + ImageFormat.WeightFormatName(image.WeightFormat));
                    return false;
                }

                error = null;
                return true;
            }

            int widths = rule == RuleDelta ? 2 : 3;
            if (d.LayerCount != widths)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, modelAt, rule == RuleDelta
                    ? "sdt rule 1 holds one delta-rule layer (2 layer widths), this image has " + d.LayerCount + " widths"
                    : "sdt rule 3 holds a feature layer and a head (3 layer widths), this image has " + d.LayerCount + " widths");
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
            for (int l = 0; l < d.WeightLayerCount; l++)
            {
                int scale = ImageBytes.ReadInt32(image.Buffer, image.Start + scalesAt + 4 * l);
                if (scale != WeightScaleQ15)
                {
                    error = new ImageError(ImageErrorCode.BadValue, scalesAt + 4 * l, "the s16 weights of layer " + l + " are Q3.12: the scale must be " + WeightScaleQ15 + " (2^-12 in Q0.15), not " + scale);
                    return false;
                }
            }

            error = null;
            return true;
        }

        private static bool ReadClassMapSettings(ModelImage image, ImageRecords h, int hOffset, out int classes, out bool semi, out ImageError error)
        {
            semi = false;
            int supervision;
            if (!ImageRecordChecks.Int32(h, KeyClasses, hOffset, out classes, out error) || !ImageRecordChecks.Int32(h, KeySupervision, hOffset, out supervision, out error))
            {
                return false;
            }

            if (supervision != SupervisionUnsupervised && supervision != SupervisionSemiSupervised)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeySupervision, hOffset), "supervision " + supervision + " is neither 1 (unsupervised) nor 2 (semi-supervised)");
                return false;
            }

            NetworkDescription d = image.Description;
            semi = supervision == SupervisionSemiSupervised;
            if (classes < 1 || classes > 65536 || (semi && d.OutputSize % classes != 0))
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, KeyClasses, hOffset), "classes " + classes + " is outside [1, 65536]" + (semi ? " or does not divide the " + d.OutputSize + " outputs into class groups" : ""));
                return false;
            }

            int group = semi ? d.OutputSize / classes : 1;
            if (d.NeuronsPerClass != group)
            {
                error = new ImageError(ImageErrorCode.BadArchitecture, image.SectionOffset(image.FindSection(ImageSectionTypes.Model, 0)) + 2, "MODEL declares " + d.NeuronsPerClass + " neurons per class; " + (semi ? "a semi-supervised output layer of " + d.OutputSize + " neurons and " + classes + " classes has " + group : "an unsupervised output layer has 1"));
                return false;
            }

            return true;
        }

        private static bool ReadTargets(ImageRecords h, int hOffset, string prefix, int outputs, out SelfDefinedTargetSettings targets, out ImageError error)
        {
            targets = null;
            double averageRate;
            int batch;
            int mode;
            double rate;
            int leak;
            double smoothing;
            int winners;
            if (!ImageRecordChecks.Float64(h, prefix + KeyAverageRate, hOffset, out averageRate, out error) || !ImageRecordChecks.Int32(h, prefix + KeyHomeostasisBatchSize, hOffset, out batch, out error)
                || !ImageRecordChecks.Int32(h, prefix + KeyHomeostasisMode, hOffset, out mode, out error) || !ImageRecordChecks.Float64(h, prefix + KeyHomeostasisRate, hOffset, out rate, out error)
                || !ImageRecordChecks.Int32(h, prefix + KeyLeakShift, hOffset, out leak, out error) || !ImageRecordChecks.Float64(h, prefix + KeySmoothing, hOffset, out smoothing, out error)
                || !ImageRecordChecks.Int32(h, prefix + KeyWinners, hOffset, out winners, out error))
            {
                return false;
            }

            SelfDefinedTargetSettings ts = new SelfDefinedTargetSettings();
            ts.AverageRate = averageRate;
            ts.BatchSize = batch;
            ts.HomeostasisRate = rate;
            ts.LeakShift = leak;
            ts.Mode = (HomeostasisMode)mode;
            ts.Smoothing = smoothing;
            ts.Winners = winners;
            try
            {
                ts.Validate(outputs);
            }
            catch (ArgumentException e)
            {
                // Validate names the setting and its range; the image is refused with that message.
                error = new ImageError(ImageErrorCode.BadValue, hOffset, "hyperparameter out of range" + (prefix.Length > 0 ? " (feature layer)" : "") + ": " + e.Message);
                return false;
            }

            targets = ts;
            return true;
        }

        private static bool ReadDelta(ImageRecords h, int hOffset, string prefix, out DeltaRuleSettings delta, out ImageError error)
        {
            delta = null;
            int batch;
            double biasRate;
            double rate;
            long seed;
            if (!ImageRecordChecks.Int32(h, prefix + KeyBatchSize, hOffset, out batch, out error) || !ImageRecordChecks.Float64(h, prefix + KeyBiasLearningRate, hOffset, out biasRate, out error)
                || !ImageRecordChecks.Float64(h, prefix + KeyLearningRate, hOffset, out rate, out error) || !ImageRecordChecks.Int64(h, prefix + KeySeed, hOffset, out seed, out error))
            {
                return false;
            }

            if (seed < 0 || seed > 0xFFFFFFFFL)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(h, prefix + KeySeed, hOffset), "seed " + seed + " is outside [0, 4294967295]");
                return false;
            }

            DeltaRuleSettings ds = new DeltaRuleSettings();
            ds.BatchSize = batch;
            ds.BiasLearningRate = biasRate;
            ds.LearningRate = rate;
            ds.Seed = (uint)seed;
            try
            {
                ds.Validate();
            }
            catch (ArgumentException e)
            {
                error = new ImageError(ImageErrorCode.BadValue, hOffset, "hyperparameter out of range" + (prefix.Length > 0 ? " (feature layer)" : "") + ": " + e.Message);
                return false;
            }

            delta = ds;
            return true;
        }

        // Learner-state sections only of the rule's kinds, no readout.
        private static bool CheckSections(ModelImage image, Configuration c, out ImageError error)
        {
            int weightState = c.Rule == RuleEquilibriumPropagation ? EquilibriumPropagationImage.StateSectionType(c.Ep.WeightFormat, c.Ep.AccumulatorBits) : ImageSectionTypes.LatentWeightsS32;
            for (int i = 0; i < image.SectionCount; i++)
            {
                int t = image.SectionType(i);
                int entry = ImageFormat.HeaderSize + ImageFormat.SectionEntrySize * i;
                bool known = t == weightState || t == ImageSectionTypes.HomeostasisS32 || t == ImageSectionTypes.BiasPendingS32 || t == ImageSectionTypes.HomeostasisTraceS32 || t == ImageSectionTypes.LearnerCounters;
                if (ImageSectionTypes.IsLearnerState(t) && !known)
                {
                    string what = c.Rule == RuleEquilibriumPropagation
                        ? "a " + ImageFormat.WeightFormatName(image.WeightFormat) + " EP learner with " + c.Ep.AccumulatorBits + "-bit accumulators (expected " + ImageSectionTypes.Name(weightState) + ")"
                        : "an sdt delta-rule learner";
                    error = new ImageError(ImageErrorCode.UnexpectedSection, entry, "section " + ImageSectionTypes.Name(t) + " is not state of " + what);
                    return false;
                }

                if (t == ImageSectionTypes.ReadoutWeightsS16 || t == ImageSectionTypes.ReadoutBiasesS32)
                {
                    error = new ImageError(ImageErrorCode.UnexpectedSection, entry, "section " + ImageSectionTypes.Name(t) + " is not defined for learner 'sdt' (its class map gives the classes)");
                    return false;
                }
            }

            error = null;
            return true;
        }

        private static bool CheckClassMap(ModelImage image, Configuration c, out ImageError error)
        {
            int mapIndex = image.FindSection(ImageSectionTypes.ClassMapS32, 0);
            if (mapIndex < 0)
            {
                error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the sdt image has no CLASS_MAP_S32 section");
                return false;
            }

            int outputs = image.Description.OutputSize;
            int group = outputs / c.Classes;
            int p = image.PayloadStart(mapIndex);
            for (int j = 0; j < outputs; j++)
            {
                int k = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
                if (k < -1 || k >= c.Classes || (c.Semi && k != j / group))
                {
                    string rule = c.Semi ? "the class group " + (j / group) : "a class in [-1, " + c.Classes + ")";
                    error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(mapIndex) + 4 * j, "neuron " + j + " has class " + k + "; it must be " + rule);
                    return false;
                }
            }

            error = null;
            return true;
        }

        // A full image: state sections present, counters (keys, types, ranges), homeostasis traces.
        private static bool CheckState(ModelImage image, Configuration c, out ImageError error)
        {
            int weightState = c.Rule == RuleEquilibriumPropagation ? EquilibriumPropagationImage.StateSectionType(c.Ep.WeightFormat, c.Ep.AccumulatorBits) : ImageSectionTypes.LatentWeightsS32;
            int[] required = { weightState, ImageSectionTypes.HomeostasisS32, ImageSectionTypes.BiasPendingS32, ImageSectionTypes.HomeostasisTraceS32 };
            for (int k = 0; k < required.Length; k++)
            {
                if (!image.HasSectionType(required[k]))
                {
                    error = new ImageError(ImageErrorCode.MissingSection, ImageFormat.HeaderSize, "the full image has no " + ImageSectionTypes.Name(required[k]) + " section");
                    return false;
                }
            }

            ImageRecords counters = image.Counters;
            int cOffset = image.SectionOffset(image.FindSection(ImageSectionTypes.LearnerCounters, 0));
            string[] keys = c.Rule == RuleDelta ? RuleDeltaCounters : c.Rule == RuleEquilibriumPropagation ? RuleEpCounters : RuleStackCounters;
            if (!ImageRecordChecks.CheckKeys(counters, keys, "LEARNER_COUNTERS", "sdt rule " + c.Rule + " (" + RuleName(c.Rule) + ")", cOffset, out error))
            {
                return false;
            }

            int last = image.Description.WeightLayerCount - 1;
            if (c.Rule == RuleEquilibriumPropagation)
            {
                if (!EquilibriumPropagationImage.CheckCounterValues(counters, cOffset, c.Ep, out error) || !CheckHomeostasis(image, counters, cOffset, "", c.Targets, last, out error))
                {
                    return false;
                }

                // Hidden layers have no homeostasis: their per-layer sections hold zeros.
                for (int l = 0; l < last; l++)
                {
                    if (!CheckZeros(image, ImageSectionTypes.HomeostasisS32, l, out error) || !CheckZeros(image, ImageSectionTypes.HomeostasisTraceS32, l, out error))
                    {
                        return false;
                    }
                }

                return true;
            }

            if (c.Rule == RuleDeltaStack
                && (!CheckDeltaCounters(counters, cOffset, FeaturePrefix, c.FeatureDelta, out error) || !CheckHomeostasis(image, counters, cOffset, FeaturePrefix, c.FeatureTargets, 0, out error)))
            {
                return false;
            }

            return CheckDeltaCounters(counters, cOffset, "", c.Delta, out error) && CheckHomeostasis(image, counters, cOffset, "", c.Targets, last, out error);
        }

        private static bool CheckDeltaCounters(ImageRecords c, int cOffset, string prefix, DeltaRuleSettings delta, out ImageError error)
        {
            int inBatch;
            long samples;
            if (!ImageRecordChecks.Int32(c, prefix + KeyInBatch, cOffset, out inBatch, out error) || !ImageRecordChecks.Int64(c, prefix + KeySamplesSeen, cOffset, out samples, out error))
            {
                return false;
            }

            if (samples < 0)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, prefix + KeySamplesSeen, cOffset), "samples seen " + samples + " must be non-negative");
                return false;
            }

            if (inBatch < 0 || inBatch >= delta.BatchSize)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, prefix + KeyInBatch, cOffset), "samples in the open batch " + inBatch + " is outside [0, " + delta.BatchSize + ")");
                return false;
            }

            return true;
        }

        // The homeostasis of weight layer `layer` (its outputs): counters and, in mini-batch mode, the target sums.
        private static bool CheckHomeostasis(ModelImage image, ImageRecords c, int cOffset, string prefix, SelfDefinedTargetSettings targets, int layer, out ImageError error)
        {
            int pending;
            long updates;
            if (!ImageRecordChecks.Int32(c, prefix + KeyHomeostasisPending, cOffset, out pending, out error) || !ImageRecordChecks.Int64(c, prefix + KeyHomeostasisUpdates, cOffset, out updates, out error))
            {
                return false;
            }

            if (updates < 0)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, prefix + KeyHomeostasisUpdates, cOffset), "homeostasis updates " + updates + " must be non-negative");
                return false;
            }

            bool streaming = targets.Mode == HomeostasisMode.Streaming;
            int most = streaming ? 0 : targets.BatchSize - 1;
            if (pending < 0 || pending > most)
            {
                error = new ImageError(ImageErrorCode.BadValue, ImageRecordChecks.Offset(c, prefix + KeyHomeostasisPending, cOffset), "targets in the open homeostasis batch " + pending + " is outside [0, " + most + "]" + (streaming ? " (streaming homeostasis has no batch)" : ""));
                return false;
            }

            if (!streaming)
            {
                // Each sum adds `pending` Q0.15 targets in [0, 32767].
                int trace = image.FindSection(ImageSectionTypes.HomeostasisTraceS32, layer);
                int p = image.PayloadStart(trace);
                long top = (long)pending * FixedPoint.Q15Max;
                int n = image.Description.Size(layer + 1);
                for (int j = 0; j < n; j++)
                {
                    int v = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
                    if (v < 0 || v > top)
                    {
                        error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(trace) + 4 * j, "target sum of neuron " + j + " of layer " + (layer + 1) + " is " + v + "; " + pending + " pending targets give [0, " + top + "]");
                        return false;
                    }
                }
            }

            error = null;
            return true;
        }

        private static bool CheckZeros(ModelImage image, int type, int layer, out ImageError error)
        {
            int i = image.FindSection(type, layer);
            int p = image.PayloadStart(i);
            for (int k = 0; k < image.SectionLength(i); k += 4)
            {
                if (ImageBytes.ReadInt32(image.Buffer, p + k) != 0)
                {
                    error = new ImageError(ImageErrorCode.BadValue, image.SectionOffset(i) + k, "section " + ImageSectionTypes.Name(type) + "[" + layer + "] belongs to a hidden EP layer, which has no homeostasis: it must hold zeros");
                    return false;
                }
            }

            error = null;
            return true;
        }

        // ---------------------------------------------------------------- restoring

        private static void CheckRestoreArguments(ModelImage image, object learner, SelfDefinedTargetProvider provider, DirectAssociation association)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (learner == null)
            {
                throw new ArgumentNullException(nameof(learner));
            }

            if (provider == null)
            {
                throw new ArgumentNullException(nameof(provider));
            }

            if (association == null)
            {
                throw new ArgumentNullException(nameof(association));
            }
        }

        private static bool ValidateRestore(ModelImage image, int rule, out Configuration c, out ImageError error)
        {
            if (!Validate(image, out c, out error))
            {
                return false;
            }

            if (!image.IsFull)
            {
                error = new ImageError(ImageErrorCode.NotFullImage, ImageFormat.ImageKindOffset, "an inference image has no learner state to restore");
                return false;
            }

            if (c.Rule != rule)
            {
                error = new ImageError(ImageErrorCode.IncompatibleModel, ImageRecordChecks.Offset(image.Hyperparameters, KeyRule, ImageFormat.HeaderSize), "the image holds sdt rule " + c.Rule + " (" + RuleName(c.Rule) + "), the learner given is rule " + rule + " (" + RuleName(rule) + ")");
                return false;
            }

            return true;
        }

        private static bool Compatible(string mismatch, out ImageError error)
        {
            error = mismatch == null ? null : new ImageError(ImageErrorCode.IncompatibleModel, ImageFormat.HeaderSize, mismatch);
            return mismatch == null;
        }

        // Null when layer `index` of the image fits the layer and its provider (and the output's class map), else what differs.
        private static string DeltaMismatch(ModelImage image, int index, DeltaRuleLearner layer, SelfDefinedTargetProvider provider, DirectAssociation association)
        {
            NetworkDescription d = image.Description;
            if (layer.InputSize != d.Size(index) || layer.OutputSize != d.Size(index + 1))
            {
                return "image layer " + index + " is " + d.Size(index) + "-" + d.Size(index + 1) + ", the learner's " + layer.InputSize + "-" + layer.OutputSize;
            }

            if (provider.OutputSize != layer.OutputSize)
            {
                return "the provider of layer " + index + " makes targets for " + provider.OutputSize + " neurons, the layer has " + layer.OutputSize;
            }

            return association == null ? null : OutputMismatch(image, provider, association);
        }

        private static string OutputMismatch(ModelImage image, SelfDefinedTargetProvider provider, DirectAssociation association)
        {
            int n = image.Description.OutputSize;
            if (provider.OutputSize != n || association.NeuronCount != n)
            {
                return "image output layer has " + n + " neurons; the provider has " + provider.OutputSize + ", the class map " + association.NeuronCount;
            }

            return null;
        }

        private static string NetworkMismatch(ModelImage image, EquilibriumPropagationNetwork n)
        {
            NetworkDescription a = image.Description;
            NetworkDescription b = n.Description;
            bool same = a.LayerCount == b.LayerCount && a.NeuronsPerClass == b.NeuronsPerClass;
            for (int l = 0; same && l < a.LayerCount; l++)
            {
                same = a.Size(l) == b.Size(l);
            }

            if (!same)
            {
                return "image architecture " + a.ToString() + " (G " + a.NeuronsPerClass + ") differs from the network's " + b.ToString() + " (G " + b.NeuronsPerClass + ")";
            }

            int scales = image.PayloadStart(image.FindSection(ImageSectionTypes.Scales, 0));
            for (int l = 0; l < a.WeightLayerCount; l++)
            {
                if (ImageBytes.ReadInt32(image.Buffer, scales + 4 * l) != n.AlphaQ15[l])
                {
                    return "image scale of layer " + l + " differs from the network's";
                }
            }

            return null;
        }

        // Formats, rates, seeds, target settings, classes: everything HYPERPARAMETERS holds must equal the live objects'.
        private static string RecordsMismatch(ModelImage image, int rule, EquilibriumPropagationSettings ep, DeltaRuleSettings featureDelta, DeltaRuleSettings delta, SelfDefinedTargetSettings featureTargets, SelfDefinedTargetSettings targets, int classes, bool semi)
        {
            if (ep != null && ep.WeightFormat == WeightFormat.B1 != (image.WeightFormat == ImageFormat.WeightsB1))
            {
                return "image weights " + ImageFormat.WeightFormatName(image.WeightFormat) + " differ from the learner's " + ep.WeightFormat;
            }

            if (ep != null && ep.ActivationFormat == ActivationFormat.Binary != (image.ActivationFormat == ImageFormat.ActivationsBinary))
            {
                return "image activations " + ImageFormat.ActivationFormatName(image.ActivationFormat) + " differ from the learner's " + ep.ActivationFormat;
            }

            ImageRecords live = Records(rule, ep, featureDelta, delta, featureTargets, targets, classes, semi);
            return live.ContentEquals(image.Hyperparameters) ? null : "image hyperparameters differ from the learner's settings (rates, batch sizes, seeds, target settings or classes)";
        }

        // ---------------------------------------------------------------- copying (after validation)

        private static int[] ClassMap(ModelImage image)
        {
            int[] map = new int[image.Description.OutputSize];
            int p = image.PayloadStart(image.FindSection(ImageSectionTypes.ClassMapS32, 0));
            for (int j = 0; j < map.Length; j++)
            {
                map[j] = ImageBytes.ReadInt32(image.Buffer, p + 4 * j);
            }

            return map;
        }

        // Weight layer `index` into `layer`; its counters are the records `prefix` + in_batch / samples_seen.
        private static void CopyDelta(ModelImage image, int index, string prefix, DeltaRuleLearner layer)
        {
            byte[] buf = image.Buffer;
            short[] w = layer.Weights;
            int[] latent = layer.LatentWeights;
            int[] bias = layer.Biases;
            int wp = image.PayloadStart(image.FindSection(ImageSectionTypes.WeightsS16, index));
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = ImageBytes.ReadInt16(buf, wp + 2 * i);
            }

            int bp = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasesS32, index));
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

            int lp = image.PayloadStart(image.FindSection(ImageSectionTypes.LatentWeightsS32, index));
            for (int i = 0; i < latent.Length; i++)
            {
                latent[i] = ImageBytes.ReadInt32(buf, lp + 4 * i);
            }

            int[] steps = layer.PendingBiasSteps;
            int sp = image.PayloadStart(image.FindSection(ImageSectionTypes.BiasPendingS32, index));
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = ImageBytes.ReadInt32(buf, sp + 4 * i);
            }

            long samples;
            int inBatch;
            image.Counters.TryGetInt64(prefix + KeySamplesSeen, out samples);
            image.Counters.TryGetInt32(prefix + KeyInBatch, out inBatch);
            layer.RestoreCounters(samples, inBatch);
        }

        // The homeostasis of weight layer `index`'s outputs; its counters are `prefix` + homeostasis_pending / _updates.
        private static void CopyHomeostasis(ModelImage image, int index, string prefix, Homeostasis homeostasis)
        {
            byte[] buf = image.Buffer;
            int[] h = homeostasis.Values;
            int hp = image.PayloadStart(image.FindSection(ImageSectionTypes.HomeostasisS32, index));
            for (int j = 0; j < h.Length; j++)
            {
                h[j] = ImageBytes.ReadInt32(buf, hp + 4 * j);
            }

            int[] trace = Trace(homeostasis);
            int tp = image.PayloadStart(image.FindSection(ImageSectionTypes.HomeostasisTraceS32, index));
            for (int j = 0; j < trace.Length; j++)
            {
                trace[j] = ImageBytes.ReadInt32(buf, tp + 4 * j);
            }

            int pending;
            long updates;
            image.Counters.TryGetInt32(prefix + KeyHomeostasisPending, out pending);
            image.Counters.TryGetInt64(prefix + KeyHomeostasisUpdates, out updates);
            homeostasis.RestoreCounters(pending, updates);
        }

        private static string[] Prefixed(string[] keys)
        {
            string[] r = new string[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                r[i] = FeaturePrefix + keys[i];
            }

            return r;
        }

        private static string[] Concat(string[] a, string[] b, string[] c, string[] d, string[] e)
        {
            string[][] parts = { a, b, c, d, e };
            int n = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                n += parts[i] == null ? 0 : parts[i].Length;
            }

            string[] r = new string[n];
            int k = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                for (int j = 0; parts[i] != null && j < parts[i].Length; j++)
                {
                    r[k++] = parts[i][j];
                }
            }

            return r;
        }
    }
}
