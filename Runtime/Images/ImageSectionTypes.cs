// ImageSectionTypes: the section-type table of format 1.0 (docs/MODEL-IMAGE-FORMAT.md, "Section types").
//
//   code          name                  index   payload
//   0x0001        MODEL                 0       architecture and number formats
//   0x0002        SCALES                0       L x s32, layer scales (scale format)
//   0x0003        HYPERPARAMETERS       0       typed records (learner kind defines the keys)
//   0x0010        WEIGHTS_B1            l       n_{l+1} x ceil(n_l / 32) u32 words
//   0x0011        WEIGHTS_S8            l       n_{l+1} x n_l s8
//   0x0012        WEIGHTS_S16           l       n_{l+1} x n_l s16
//   0x0018        BIASES_S32            l       n_{l+1} s32 (bias format)
//   0x0020        BOP_ACCUMULATORS_S8   l       n_{l+1} x n_l s8       learner state
//   0x0021        BOP_ACCUMULATORS_S16  l       n_{l+1} x n_l s16      learner state
//   0x0022        BOP_ACCUMULATORS_S32  l       n_{l+1} x n_l s32      learner state
//   0x0023        LATENT_WEIGHTS_S32    l       n_{l+1} x n_l s32      learner state
//   0x0024        HOMEOSTASIS_S32       l       n_{l+1} s32            learner state
//   0x0026        HOMEOSTASIS_TRACE_S32 l       n_{l+1} s32            learner state
//   0x0027        MOMENTUM_S16          0       rows x cols s16        learner state (the layer being trained)
//   0x0028        MOMENTUM_S32          0       rows x cols s32        learner state (the layer being trained)
//   0x0029        BIAS_MOMENTUM_S32     0       rows s32               learner state (the layer being trained)
//   0x002A        LAYER_LATENT_S32      0       rows x cols s32        learner state (the layer being trained)
//   0x002B        INPUT_RING_S16        0       count x n_0 s16        learner state (recent inputs)
//   0x002C        READOUT_LATENT_S32    0       C x D s32              learner state (readout latent weights)
//   0x0030        LEARNER_COUNTERS      0       typed records          learner state
//   0x0100        CLASS_MAP_S32         0       n_L s32, class of each output neuron or -1
//   0x0101        READOUT_WEIGHTS_S16   0       C x D s16, Q.14 (a linear readout of D features to C classes)
//   0x0102        READOUT_BIASES_S32    0       C s32 (bias format)
//   0x0020-0x00FF learner state range (only in full images)
//   0x0100-0x7FFF reserved, required: a reader that does not know one refuses the image
//   0x8001        METADATA              0       typed records (optional)
//   0x8000-0xFFFF optional: a reader that does not know one checks and skips it
namespace EdgeLearn.Runtime.Images
{
    /// <summary>Section type codes and their classification.</summary>
    public static class ImageSectionTypes
    {
        /// <summary>Architecture and number formats (exactly one, index 0).</summary>
        public const int Model = 0x0001;

        /// <summary>Layer scales, one s32 per weight layer (exactly one, index 0).</summary>
        public const int Scales = 0x0002;

        /// <summary>Learner hyperparameters as typed records (exactly one, index 0).</summary>
        public const int Hyperparameters = 0x0003;

        /// <summary>Binary weights of weight layer <c>index</c>.</summary>
        public const int WeightsB1 = 0x0010;

        /// <summary>s8 weights of weight layer <c>index</c>.</summary>
        public const int WeightsS8 = 0x0011;

        /// <summary>s16 weights of weight layer <c>index</c>.</summary>
        public const int WeightsS16 = 0x0012;

        /// <summary>s32 biases of weight layer <c>index</c> (one per output neuron of the layer).</summary>
        public const int BiasesS32 = 0x0018;

        /// <summary>s8 BOP accumulators of weight layer <c>index</c>.</summary>
        public const int BopAccumulatorsS8 = 0x0020;

        /// <summary>s16 BOP accumulators of weight layer <c>index</c>.</summary>
        public const int BopAccumulatorsS16 = 0x0021;

        /// <summary>s32 BOP accumulators of weight layer <c>index</c>.</summary>
        public const int BopAccumulatorsS32 = 0x0022;

        /// <summary>s32 latent weights of weight layer <c>index</c> (the learner defines their fixed-point format).</summary>
        public const int LatentWeightsS32 = 0x0023;

        /// <summary>s32 homeostasis values of the output neurons of weight layer <c>index</c> (thresholds, traces).</summary>
        public const int HomeostasisS32 = 0x0024;

        /// <summary>Bias steps of the open mini-batch (Q8.24, s32), one section per weight layer (learner state).</summary>
        public const int BiasPendingS32 = 0x0025;

        /// <summary>
        /// Per-neuron homeostasis traces of weight layer <c>index</c> (learner state): what the homeostasis averages
        /// between updates (a running average, or the target sums of the open mini-batch; the learner defines which).
        /// </summary>
        public const int HomeostasisTraceS32 = 0x0026;

        /// <summary>
        /// s16 momentum accumulators of the one layer a learner is training (exactly one, index 0, learner state): rows x cols,
        /// row-major; the learner mapping says which layer (its counters) and checks the length.
        /// </summary>
        public const int MomentumS16 = 0x0027;

        /// <summary>s32 momentum accumulators of the layer being trained (as <see cref="MomentumS16"/>).</summary>
        public const int MomentumS32 = 0x0028;

        /// <summary>s32 bias momentum of the layer being trained, one per output neuron (index 0, learner state).</summary>
        public const int BiasMomentumS32 = 0x0029;

        /// <summary>s32 latent weights of the layer being trained, rows x cols (index 0, learner state; format defined by the learner).</summary>
        public const int LayerLatentS32 = 0x002A;

        /// <summary>Recent inputs a learner keeps (index 0, learner state): count x n_0 s16, the learner's counters give count.</summary>
        public const int InputRingS16 = 0x002B;

        /// <summary>s32 latent weights of the linear readout, C x D row-major like READOUT_WEIGHTS_S16 (index 0, learner state).</summary>
        public const int ReadoutLatentS32 = 0x002C;

        /// <summary>Learner counters as typed records (sample counts, random state ...).</summary>
        public const int LearnerCounters = 0x0030;

        /// <summary>Class of each output neuron (n_L s32, a class index or -1 for none; exactly one, index 0).</summary>
        public const int ClassMapS32 = 0x0100;
        /// <summary>
        /// Weights of a linear readout on a learner's features (exactly one, index 0): C x D s16 Q.14, row-major; the learner
        /// mapping defines D and C and checks the length.
        /// </summary>
        public const int ReadoutWeightsS16 = 0x0101;

        /// <summary>Biases of the linear readout (exactly one, index 0): C s32 in the bias format.</summary>
        public const int ReadoutBiasesS32 = 0x0102;

        /// <summary>Optional metadata as typed records (data set, accuracy, training time ...).</summary>
        public const int Metadata = 0x8001;

        /// <summary>First code of the learner-state range.</summary>
        public const int FirstLearnerState = 0x0020;

        /// <summary>Last code of the learner-state range.</summary>
        public const int LastLearnerState = 0x00FF;

        /// <summary>Codes from here on are optional: unknown ones are checked and skipped.</summary>
        public const int FirstOptional = 0x8000;

        /// <summary>True for a type code this reader knows.</summary>
        public static bool IsKnown(int type)
        {
            switch (type)
            {
                case Model:
                case Scales:
                case Hyperparameters:
                case WeightsB1:
                case WeightsS8:
                case WeightsS16:
                case BiasesS32:
                case BopAccumulatorsS8:
                case BopAccumulatorsS16:
                case BopAccumulatorsS32:
                case LatentWeightsS32:
                case HomeostasisS32:
                case BiasPendingS32:
                case HomeostasisTraceS32:
                case MomentumS16:
                case MomentumS32:
                case BiasMomentumS32:
                case LayerLatentS32:
                case InputRingS16:
                case ReadoutLatentS32:
                case LearnerCounters:
                case ClassMapS32:
                case ReadoutWeightsS16:
                case ReadoutBiasesS32:
                case Metadata:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>True for codes in the optional range (0x8000 and above).</summary>
        public static bool IsOptional(int type)
        {
            return type >= FirstOptional;
        }

        /// <summary>True for codes in the learner-state range (0x0020 .. 0x00FF), allowed only in full images.</summary>
        public static bool IsLearnerState(int type)
        {
            return type >= FirstLearnerState && type <= LastLearnerState;
        }

        /// <summary>
        /// True for the types that exist at most once, with index 0 (MODEL, SCALES, HYPERPARAMETERS, the state of the layer
        /// being trained, the input ring, LEARNER_COUNTERS, CLASS_MAP_S32, the readout sections, METADATA).
        /// </summary>
        public static bool IsSingle(int type)
        {
            return type == Model || type == Scales || type == Hyperparameters || (type >= MomentumS16 && type <= ReadoutLatentS32)
                || type == LearnerCounters || type == ClassMapS32 || type == ReadoutWeightsS16 || type == ReadoutBiasesS32 || type == Metadata;
        }

        /// <summary>True for section types that exist once per weight layer (index = layer).</summary>
        public static bool IsPerLayer(int type)
        {
            return (type >= WeightsB1 && type <= WeightsS16) || type == BiasesS32 || (type >= BopAccumulatorsS8 && type <= HomeostasisTraceS32);
        }

        /// <summary>Name of a type code as written in the format document, or "0x" and four hex digits when unknown.</summary>
        public static string Name(int type)
        {
            switch (type)
            {
                case Model:
                    return "MODEL";
                case Scales:
                    return "SCALES";
                case Hyperparameters:
                    return "HYPERPARAMETERS";
                case WeightsB1:
                    return "WEIGHTS_B1";
                case WeightsS8:
                    return "WEIGHTS_S8";
                case WeightsS16:
                    return "WEIGHTS_S16";
                case BiasesS32:
                    return "BIASES_S32";
                case BopAccumulatorsS8:
                    return "BOP_ACCUMULATORS_S8";
                case BopAccumulatorsS16:
                    return "BOP_ACCUMULATORS_S16";
                case BopAccumulatorsS32:
                    return "BOP_ACCUMULATORS_S32";
                case LatentWeightsS32:
                    return "LATENT_WEIGHTS_S32";
                case HomeostasisS32:
                    return "HOMEOSTASIS_S32";
                case BiasPendingS32:
                    return "BIAS_PENDING_S32";
                case HomeostasisTraceS32:
                    return "HOMEOSTASIS_TRACE_S32";
                case MomentumS16:
                    return "MOMENTUM_S16";
                case MomentumS32:
                    return "MOMENTUM_S32";
                case BiasMomentumS32:
                    return "BIAS_MOMENTUM_S32";
                case LayerLatentS32:
                    return "LAYER_LATENT_S32";
                case InputRingS16:
                    return "INPUT_RING_S16";
                case ReadoutLatentS32:
                    return "READOUT_LATENT_S32";
                case LearnerCounters:
                    return "LEARNER_COUNTERS";
                case ClassMapS32:
                    return "CLASS_MAP_S32";
                case ReadoutWeightsS16:
                    return "READOUT_WEIGHTS_S16";
                case ReadoutBiasesS32:
                    return "READOUT_BIASES_S32";
                case Metadata:
                    return "METADATA";
                default:
                    return Hex4(type);
            }
        }

        /// <summary>"0x" and four hex digits.</summary>
        public static string Hex4(int value)
        {
            const string digits = "0123456789ABCDEF";
            char[] c = new char[6];
            c[0] = '0';
            c[1] = 'x';
            for (int i = 0; i < 4; i++)
            {
                c[5 - i] = digits[(value >> (4 * i)) & 0xF];
            }

            return new string(c);
        }
    }
}
