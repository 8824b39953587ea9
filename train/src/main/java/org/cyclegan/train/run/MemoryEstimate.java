package org.cyclegan.train.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.meta.MetaBackend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;

/**
 * How much heap a CycleGAN training run needs, worked out before it starts.
 *
 * <p>All tensor memory is on the Java heap: the host backends keep every tensor in a {@code float[]}
 * ({@code HostStorage}), and the cpu backend's pool ({@code HostBufferPool}) hands those arrays from one step to the
 * next. So {@code Runtime.maxMemory()} (-Xmx) is the limit that matters, and every array is costed by its
 * {@link Footprint} on the heap (G1 gives large arrays whole regions). The estimate has three parts:
 * <ul>
 *   <li><b>parameters</b>: weights and Adam's two moments of the four networks, three arrays per parameter tensor;
 *       they live for the whole run.</li>
 *   <li><b>one step's tensors</b>: the most memory a training step holds at once (activations saved for backward,
 *       gradients in flight, the parameters' gradients). It is not guessed but observed: one real training step of the
 *       run's networks is run on the {@link MetaBackend} (shapes, no values, milliseconds), under a memory scope that
 *       reports every storage made and freed (see {@link MemoryScope} for when that is), and the peak of the sum of
 *       their footprints is taken.</li>
 *   <li><b>image pools</b>: up to --pool_size past fakes per domain, kept between steps.</li>
 * </ul>
 * With {@link Footprint#DATA} the step part is the peak live tensor bytes of a real step (MemoryEstimateTest checks
 * within 2%, for resnet and U-Net generators, basic, n_layers and pixel discriminators, batch 1 and 2, with and
 * without identity loss, and wgangp's step, whose D step also holds the gradient penalty's graphs). Not counted: the JVM's own classes and objects, the garbage collector's headroom, the data
 * loader's few prepared batches and the kernels' per-thread scratch arrays.
 */
public record MemoryEstimate(int batch, int height, int width, long parameterBytes, long stepBytes, long poolBytes) {

    /** The estimate for {@code config} and batches of {@code batch} images of {@code height} × {@code width}. */
    static MemoryEstimate of(CycleGanConfig config, int batch, int height, int width, Footprint footprint) {
        return Simulation.run(config, batch, height, width).estimate(footprint);
    }

    /**
     * What one training step of a configuration makes and frees, in order, observed on the meta backend: enough to cost
     * it under any {@link Footprint} (the launcher compares G1 region sizes with it).
     */
    public record Simulation(int batch, int height, int width, int[] parameterSizes, int[] stepEvents, int pooledImages, int imageFloats) {

        /** Runs one step of fresh networks with {@code config}'s architecture on the meta backend. */
        public static Simulation run(CycleGanConfig config, int batch, int height, int width) {
            Backend previous = Backends.getDefault();
            Backends.setDefault(new MetaBackend());
            try {
                CycleGan model = new CycleGan(config, new Random(0));
                List<Integer> params = new ArrayList<>();
                for (Module net : List.of(model.gA, model.gB, model.dA, model.dB)) for (Tensor p : net.parameters()) params.add(p.numel());
                List<Integer> events = new ArrayList<>();
                MemoryScope.Observer record = new MemoryScope.Observer() {
                    @Override public void created(int floats) { events.add(floats); }
                    @Override public void freed(int floats) { events.add(-floats); }
                };
                try (MemoryScope scope = MemoryScope.observing(record)) {
                    Tensor a = Tensor.zeros(batch, config.inputNc, height, width);
                    Tensor b = Tensor.zeros(batch, config.outputNc, height, width);
                    model.optimize(a, b);
                }
                int image = Math.max(config.inputNc, config.outputNc) * height * width;
                return new Simulation(batch, height, width, params.stream().mapToInt(Integer::intValue).toArray(),
                        events.stream().mapToInt(Integer::intValue).toArray(), 2 * config.poolSize, image);
            } finally {
                Backends.setDefault(previous);
            }
        }

        /** The most bytes the step's storages took at once, each costed by {@code footprint}. */
        long peakStepBytes(Footprint footprint) {
            long live = 0, peak = 0;
            for (int e : stepEvents) {
                live += e > 0 ? footprint.bytes(e) : -footprint.bytes(-e);
                peak = Math.max(peak, live);
            }
            return peak;
        }

        public MemoryEstimate estimate(Footprint footprint) {
            long params = 0;
            for (int n : parameterSizes) params += footprint.bytes(n);
            return new MemoryEstimate(batch, height, width, 3 * params, peakStepBytes(footprint), pooledImages * footprint.bytes(imageFloats));
        }
    }

    public long totalBytes() {
        return parameterBytes + stepBytes + poolBytes;
    }

    /** Whether the run is likely to run out of heap: the estimate above 90% of {@code maxHeap}. */
    boolean tooLargeFor(long maxHeap) {
        return totalBytes() > 0.9 * maxHeap;
    }

    /** One line for train's start-up, e.g. "memory: ~1.2 GiB estimated for batches of 1 × 256x256 (...); JVM max heap 6.0 GiB". */
    String describe(long maxHeap) {
        return String.format(Locale.ROOT, "memory: ~%s estimated for batches of %d × %dx%d (parameters and Adam %s, one step's tensors %s, image pools %s); JVM max heap %s",
                size(totalBytes()), batch, height, width, size(parameterBytes), size(stepBytes), size(poolBytes), size(maxHeap));
    }

    /**
     * Prints {@link #describe} for training on {@code data} (its batch size, and the size its first image is
     * preprocessed to), and a warning to {@code err} when the run is not likely to fit. Called before the model is
     * built, so that the warning comes even when the parameters alone do not fit. A first image that cannot be read
     * (one smaller than --crop_size after --load_size, say) is an ImageReadException, and networks that cannot take
     * images of its size an IllegalArgumentException naming them: found here instead of at the first step.
     */
    public static void announce(CycleGanConfig config, UnalignedDataset data, PrintStream out, PrintStream err) throws ImageReadException {
        Transform.Prepared first = data.item(0, new Random(0)).a();
        MemoryEstimate m;
        try {
            m = of(config, data.options().batchSize(), first.height(), first.width(), Footprint.heap());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--netG " + config.netG + " / --netD " + config.netD + " cannot run on "
                    + first.width() + "x" + first.height() + " images (see --crop_size, --preprocess): " + e.getMessage(), e);
        }
        long max = Runtime.getRuntime().maxMemory();
        out.println(m.describe(max));
        if (m.tooLargeFor(max)) {
            err.printf(Locale.ROOT, "warning: the estimated %s is %.0f%% of the JVM's max heap (%s): expect OutOfMemoryError or a crawl of garbage"
                    + " collections. Give the JVM more (java -Xmx...g -jar ...) or lower --batch_size, --crop_size, --ngf or --ndf%n",
                    size(m.totalBytes()), 100.0 * m.totalBytes() / max, size(max));
        }
    }

    /** Bytes in binary units, as -Xmx counts them. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes > 0 && bytes < 1L << 19) return "<1 MiB";
        return Math.round(bytes / (double) (1L << 20)) + " MiB";
    }
}
