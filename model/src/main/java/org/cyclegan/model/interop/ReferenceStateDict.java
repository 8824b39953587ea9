package org.cyclegan.model.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.interop.torch.StoredTensor;
import org.cyclegan.model.layers.InstanceNorm2d;

/**
 * Turns a state dict saved by the reference PyTorch implementation into one our networks load, making the same
 * allowances the reference's own loader makes ({@code BaseModel.load_networks}) and no others.
 */
public final class ReferenceStateDict {
    private static final String DATA_PARALLEL_PREFIX = "module.";

    private ReferenceStateDict() {}

    /**
     * float32 tensors from a checkpoint's tensors. float16, bfloat16 and float64 are converted; an integer or bool
     * tensor is refused naming its key, except batch norm's int64 {@code num_batches_tracked} counter, which our batch
     * norm keeps as a float32 scalar (exact up to 2^24 batches; it never enters the arithmetic).
     */
    public static Map<String, Tensor> toTensors(Map<String, StoredTensor> stored, Backend backend) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : stored.entrySet()) {
            StoredTensor t = e.getValue();
            float[] values;
            if (t.dtype().floatingPoint) {
                values = t.floats();
            } else if (e.getKey().endsWith("num_batches_tracked")) {
                long[] counts = t.integers();
                values = new float[counts.length];
                for (int i = 0; i < counts.length; i++) values[i] = counts[i];
            } else {
                throw new IllegalArgumentException("'" + e.getKey() + "' is a " + t.dtype().torchName()
                        + " tensor; weights must be floating point (float32, float16, bfloat16 or float64)");
            }
            out.put(e.getKey(), Tensor.of(backend, values, t.shape()));
        }
        return out;
    }

    /** A network wrapped in {@code nn.DataParallel} saves every key under {@code module.}; the prefix is removed. */
    public static Map<String, Tensor> withoutDataParallelPrefix(Map<String, Tensor> state) {
        if (state.isEmpty()) return state;
        for (String k : state.keySet()) if (!k.startsWith(DATA_PARALLEL_PREFIX)) return state;
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k.substring(DATA_PARALLEL_PREFIX.length()), v));
        return out;
    }

    /** The keys {@link #withoutInstanceNormStatistics} would drop. */
    public static List<String> instanceNormStatistics(Module net, Map<String, Tensor> state) {
        Map<String, Module> layers = net.namedModules();
        List<String> dropped = new ArrayList<>();
        for (String k : state.keySet()) {
            int dot = k.lastIndexOf('.');
            if (dot < 0) continue;
            String member = k.substring(dot + 1);
            boolean statistic = member.equals("running_mean") || member.equals("running_var") || member.equals("num_batches_tracked");
            if (statistic && layers.get(k.substring(0, dot)) instanceof InstanceNorm2d) dropped.add(k);
        }
        return dropped;
    }

    /**
     * The reference's {@code __patch_instance_norm_state_dict}: checkpoints written before PyTorch 0.4 carry
     * {@code running_mean} / {@code running_var} (and later ones may carry {@code num_batches_tracked}) for instance
     * norm layers, which in the reference (as here) keep no statistics. Those keys are dropped, and only those: the
     * same names on any other layer are kept, so a wrong architecture still fails to load.
     */
    public static Map<String, Tensor> withoutInstanceNormStatistics(Module net, Map<String, Tensor> state) {
        List<String> dropped = instanceNormStatistics(net, state);
        if (dropped.isEmpty()) return state;
        Map<String, Tensor> out = new LinkedHashMap<>(state);
        dropped.forEach(out::remove);
        return out;
    }
}
