package org.cyclegan.train.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.engine.optim.Adam;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.ImagePool;
import org.cyclegan.train.gan.LrSchedule;

/**
 * Everything a training run needs to continue exactly where it stopped, in one safetensors file
 * ({@code <checkpoints_dir>/<name>/<epoch>_train_state.safetensors}), written atomically.
 *
 * <p>The reference saves only the networks, so its {@code --continue_train} restarts the learning-rate schedule, the
 * Adam moments and the image pools. This file also holds: both optimizers' moments and step counts, both image pools,
 * the state of every random generator (weights/dropout, data plan, pools, wgangp's interpolation, instance noise), the position (epoch, next batch, global
 * step), the plateau schedule's memory, the partial loss sums of an epoch saved in its middle, and the options of the
 * run. One file rather than five means a crash between two writes cannot leave a state that mixes two moments.
 *
 * <p>Layout: tensors {@code G_A.<key>} ... {@code D_B.<key>} (the state dicts, PyTorch's key names),
 * {@code optimizer_G.m.<i>} / {@code .v.<i>} (and {@code optimizer_D}), {@code pool_A.<i>} / {@code pool_B.<i>}; string
 * metadata {@code format}, {@code epoch}, {@code batch}, {@code global_step}, {@code random.*}, {@code optimizer_*.steps},
 * {@code plateau}, {@code epoch_sum.*}, {@code batches_per_epoch}, {@code step_log_*} and {@code option.*} — readable with any safetensors tool.
 */
public final class TrainingState {
    static final String FORMAT = "cyclegan-engine-train-state-1";
    /** The gradient penalty's α generator, present in wgangp runs only. */
    private static final String PENALTY_RANDOM = "random.gradient_penalty";
    /** The instance noise's generator, present in --d_noise runs only. */
    private static final String NOISE_RANDOM = "random.instance_noise";

    /**
     * Where a run stands: {@code epoch} is the epoch in progress (or the next one, with {@code batch} 0), {@code batch}
     * the first batch of it still to train, {@code dataRandom} the data generator's state at that epoch's start (its
     * plan is redrawn from it), the loss sums and timings of the batches of {@code epoch} already trained, the epoch's
     * length (a plan is only valid for the data set it was drawn for), and where the step log's last window ended.
     */
    public record Progress(int epoch, int batch, long globalStep, String dataRandom, Map<String, Double> epochSums,
                    double epochDataSeconds, double epochComputeSeconds, int batchesPerEpoch, int stepLogStep,
                    Map<String, Double> stepLogSums) {
        /** The start of {@code epoch} (nothing of it trained yet). */
        public static Progress epochStart(int epoch, long globalStep, String dataRandom, int batchesPerEpoch) {
            return new Progress(epoch, 0, globalStep, dataRandom, Map.of(), 0, 0, batchesPerEpoch, 0, Map.of());
        }
    }

    public final Map<String, String> options;
    public final Progress progress;
    private final Path file;
    private Map<String, Tensor> tensors;
    private final Map<String, String> meta;

    private TrainingState(Path file, Map<String, Tensor> tensors, Map<String, String> meta) {
        this.file = file;
        this.tensors = tensors;
        this.meta = meta;
        Map<String, Double> sums = new LinkedHashMap<>(), logSums = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("epoch_sum.")) sums.put(k.substring("epoch_sum.".length()), number(k));
            if (k.startsWith("step_log_sum.")) logSums.put(k.substring("step_log_sum.".length()), number(k));
        });
        this.options = options(meta);
        long globalStep;
        try {
            globalStep = Long.parseLong(string("global_step"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata 'global_step' is not an integer: '" + meta.get("global_step") + "'");
        }
        this.progress = new Progress(integer("epoch"), integer("batch"), globalStep, string("random.data"), sums,
                number("epoch_data_seconds"), number("epoch_compute_seconds"), integer("batches_per_epoch"), integer("step_log_step"), logSums);
    }

    static void write(Path file, CycleGan model, LrSchedule schedule, Map<String, String> options, Progress p) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        model.networks().forEach((name, net) -> net.stateDict().forEach((k, t) -> tensors.put(name + "." + k, t)));
        optimizers(model).forEach((name, opt) -> {
            StringBuilder steps = new StringBuilder();
            for (int i = 0; i < opt.params().size(); i++) {
                tensors.put(name + ".m." + i, opt.firstMoment(i));
                tensors.put(name + ".v." + i, opt.secondMoment(i));
                steps.append(i == 0 ? "" : ",").append(opt.stepCount(i));
            }
            meta.put(name + ".steps", steps.toString());
        });
        pools(model).forEach((name, pool) -> {
            List<Tensor> images = pool.images();
            for (int i = 0; i < images.size(); i++) tensors.put(name + "." + i, images.get(i));
            meta.put("random." + name, pool.random().encode());
        });
        meta.put("random.model", model.random.encode());
        if (model.gradientPenalty != null) meta.put(PENALTY_RANDOM, model.gradientPenalty.random().encode());
        if (model.instanceNoise != null) meta.put(NOISE_RANDOM, model.instanceNoise.random().encode());
        meta.put("random.data", p.dataRandom());
        meta.put("epoch", Integer.toString(p.epoch()));
        meta.put("batch", Integer.toString(p.batch()));
        meta.put("global_step", Long.toString(p.globalStep()));
        LrSchedule.PlateauState plateau = schedule.plateauState();
        meta.put("plateau", plateau.best() + "," + plateau.badEpochs() + "," + plateau.multiplier());
        p.epochSums().forEach((k, v) -> meta.put("epoch_sum." + k, Double.toString(v)));
        meta.put("epoch_data_seconds", Double.toString(p.epochDataSeconds()));
        meta.put("epoch_compute_seconds", Double.toString(p.epochComputeSeconds()));
        meta.put("batches_per_epoch", Integer.toString(p.batchesPerEpoch()));
        meta.put("step_log_step", Integer.toString(p.stepLogStep()));
        p.stepLogSums().forEach((k, v) -> meta.put("step_log_sum." + k, Double.toString(v)));
        options.forEach((k, v) -> meta.put("option." + k, v));
        Safetensors.write(file, tensors, meta);
    }

    /** The run's options saved in the metadata {@code meta} ({@code option.<name>}), by name. */
    private static Map<String, String> options(Map<String, String> meta) {
        Map<String, String> options = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("option.")) options.put(k.substring("option.".length()), v);
        });
        return options;
    }

    /**
     * Only the options of the run saved in {@code file}, read from its header: for a caller that does not restore the
     * run (its weights, moments and pools are not read). Not a training state: an IOException naming the file.
     */
    public static Map<String, String> readOptions(Path file) throws IOException {
        Map<String, String> meta = Safetensors.readMetadata(file);
        checkFormat(file, meta);
        return options(meta);
    }

    private static void checkFormat(Path file, Map<String, String> meta) throws IOException {
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + ": not a cyclegan-engine training state (format '" + meta.get("format") + "', expected '" + FORMAT + "')");
        }
    }

    /** Reads a state file; anything malformed is an IOException naming the file and what is wrong. */
    public static TrainingState read(Path file, Backend backend) throws IOException {
        Safetensors.Contents c = Safetensors.read(file, backend);
        checkFormat(file, c.metadata());
        try {
            return new TrainingState(file, c.tensors(), c.metadata());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the saved weights, optimizer moments, pools, random states and plateau memory into a freshly built model, and
     * returns where the run stands. A state restores once: it lets go of its tensors, which the model holds now, so the
     * run does not keep a second copy of them.
     */
    public Progress restore(CycleGan model, LrSchedule schedule) throws IOException {
        try {
            for (Map.Entry<String, Module> e : model.networks().entrySet()) e.getValue().loadStateDict(prefixed(e.getKey() + "."));
            for (Map.Entry<String, Adam> e : optimizers(model).entrySet()) {
                Adam opt = e.getValue();
                String[] steps = string(e.getKey() + ".steps").split(",");
                if (steps.length != opt.params().size()) {
                    throw new IllegalArgumentException(e.getKey() + " has " + steps.length + " saved parameters, the model has " + opt.params().size());
                }
                for (int i = 0; i < steps.length; i++) {
                    opt.loadState(i, tensor(e.getKey() + ".m." + i), tensor(e.getKey() + ".v." + i), Integer.parseInt(steps[i].trim()));
                }
            }
            for (Map.Entry<String, ImagePool> e : pools(model).entrySet()) {
                List<Tensor> images = new ArrayList<>();
                for (int i = 0; tensors.containsKey(e.getKey() + "." + i); i++) images.add(tensors.get(e.getKey() + "." + i));
                e.getValue().restore(images);
                e.getValue().random().decode(string("random." + e.getKey()));
            }
            model.random.decode(string("random.model"));
            if (model.gradientPenalty != null) model.gradientPenalty.random().decode(string(PENALTY_RANDOM));
            // A run that turns --d_noise on when continued has no noise state yet: its noise starts from the fresh seed.
            if (model.instanceNoise != null && meta.containsKey(NOISE_RANDOM)) model.instanceNoise.random().decode(meta.get(NOISE_RANDOM));
            String[] plateau = string("plateau").split(",");
            if (plateau.length != 3) throw new IllegalArgumentException("plateau state '" + string("plateau") + "' is not best,bad_epochs,multiplier");
            schedule.restore(new LrSchedule.PlateauState(Double.parseDouble(plateau[0]), Integer.parseInt(plateau[1]), Double.parseDouble(plateau[2])));
        } catch (IllegalArgumentException e) {   // NumberFormatException included
            throw new IOException(file + ": does not fit this model: " + e.getMessage(), e);
        }
        tensors = Map.of();
        return progress;
    }

    private Map<String, Tensor> prefixed(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), t);
        });
        return out;
    }

    private Tensor tensor(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("tensor '" + key + "' is missing");
        return t;
    }

    private String string(String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("metadata '" + key + "' is missing");
        return v;
    }

    private int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not an integer: '" + meta.get(key) + "'");
        }
    }

    private double number(String key) {
        try {
            return Double.parseDouble(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not a number: '" + meta.get(key) + "'");
        }
    }

    private static Map<String, Adam> optimizers(CycleGan m) {
        Map<String, Adam> opts = new LinkedHashMap<>();
        opts.put("optimizer_G", m.optimizerG);
        opts.put("optimizer_D", m.optimizerD);
        return opts;
    }

    private static Map<String, ImagePool> pools(CycleGan m) {
        Map<String, ImagePool> pools = new LinkedHashMap<>();
        pools.put("pool_A", m.fakeAPool);
        pools.put("pool_B", m.fakeBPool);
        return pools;
    }
}
