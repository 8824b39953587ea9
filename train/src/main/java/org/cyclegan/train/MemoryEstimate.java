package org.cyclegan.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.model.Networks;
import org.cyclegan.model.layers.Layer;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.data.UnalignedDataset;

/**
 * How much heap a CycleGAN training run needs, estimated before it starts.
 *
 * <p>All tensor memory is on the Java heap: the host backends keep every tensor in a {@code float[]}
 * ({@code HostStorage}), and the cpu backend's pool ({@code HostBufferPool}) hands those arrays from one step to the
 * next. So {@code Runtime.maxMemory()} (-Xmx) is the limit that matters, and every array is costed by its
 * {@link Footprint} on this JVM's heap (G1 gives large arrays whole regions). The estimate has three parts:
 * <ul>
 *   <li><b>parameters</b>: weights and Adam's two moments of the four networks, three arrays per parameter tensor;
 *       they live for the whole run. (Gradients are not here: in this engine they belong to the step, below.)</li>
 *   <li><b>one step's tensors</b>: a step runs in one {@link MemoryScope} and nothing it creates is freed before the
 *       step ends, so its peak is everything it creates. For the forward passes that is counted, not guessed: one
 *       forward of G and one of D, with autograd recording as in training, on a zero image of the training size, under
 *       a scope that reports the size of every storage created ({@link MemoryScope#observing}). A step makes, per
 *       image, 6 generator passes (4 without identity loss) and 6 discriminator passes, and each pass's backward
 *       creates about {@link #G_BACKWARD} − 1 (resnet; {@link #UNET_BACKWARD} − 1 with the U-Net's concatenations) or
 *       {@link #D_BACKWARD} − 1 (discriminators) times its forward's bytes: ratios measured with the same counter on
 *       this engine. Each backward through a network also creates a gradient of its parameters, and each further one a
 *       sum: (2 · uses − 1) parameter-sized arrays per network (a generator is used 3 times per step with identity
 *       loss, else 2; a discriminator 2 times).</li>
 *   <li><b>image pools</b>: up to --pool_size past fakes per domain, kept between steps.</li>
 * </ul>
 * With {@link Footprint#DATA} the step part is within 2% of the bytes real training steps create (MemoryEstimateTest
 * checks 10%, for resnet and U-Net generators, basic, n_layers and pixel discriminators, batch 1 and 2, with and
 * without identity loss). Not counted: the JVM's own classes and objects, the garbage collector's headroom, the data
 * loader's few prepared batches, the throw-away networks built here, and the kernels' per-thread scratch arrays.
 */
record MemoryEstimate(int batch, int height, int width, long parameterBytes, long stepBytes, long poolBytes) {
    /** Bytes a resnet generator's forward and backward create together, over its forward's (parameter gradients apart). */
    static final double G_BACKWARD = 2.13;
    static final double UNET_BACKWARD = 2.55;
    /** The same for the discriminators, with or without parameter gradients. */
    static final double D_BACKWARD = 3.0;

    /**
     * The estimate for {@code config} and batches of {@code batch} images of {@code height} × {@code width}, each array
     * costed by {@code footprint} ({@link Footprint#heap()} for what counts against -Xmx, {@link Footprint#DATA} for the
     * tensor data alone).
     */
    static MemoryEstimate of(CycleGanConfig config, int batch, int height, int width, Footprint footprint) {
        // Fresh networks with the run's architecture, so that measuring leaves the model to be trained untouched (batch
        // norm's running statistics, the random generators).
        Random rng = new Random(0);
        Layer g = Networks.defineG(config.inputNc, config.outputNc, config.ngf, config.netG, config.norm, !config.noDropout, "normal", 0.02f, rng);
        Layer d = Networks.defineD(config.outputNc, config.ndf, config.netD, config.nLayersD, config.norm, "normal", 0.02f, rng);
        double gForward = forwardBytes(g, config.inputNc, batch, height, width, footprint);
        double dForward = forwardBytes(d, config.outputNc, batch, height, width, footprint);
        long gParams = parameterBytes(g, footprint), dParams = parameterBytes(d, footprint);

        boolean identity = config.lambdaIdentity > 0;
        int gPasses = identity ? 6 : 4, dPasses = 6;
        int gUses = gPasses / 2, dUses = 2;
        double gRatio = config.netG.startsWith("unet") ? UNET_BACKWARD : G_BACKWARD;
        double activations = gPasses * gRatio * gForward + dPasses * D_BACKWARD * dForward;
        long gradients = 2 * (2L * gUses - 1) * gParams + 2 * (2L * dUses - 1) * dParams;
        long parameters = 3 * 2 * (gParams + dParams);
        long pools = 2L * config.poolSize * footprint.bytes((long) Math.max(config.inputNc, config.outputNc) * height * width);
        return new MemoryEstimate(batch, height, width, parameters, Math.round(activations) + gradients, pools);
    }

    /**
     * What one forward of {@code net} on a batch of {@code batch} images creates, graph recorded as in training: the
     * storages are counted on a batch of one (a zero image) and each is scaled by the batch, as activations are.
     */
    static double forwardBytes(Layer net, int channels, int batch, int height, int width, Footprint footprint) {
        long[] total = new long[1];
        try (MemoryScope scope = MemoryScope.observing(floats -> total[0] += footprint.bytes((long) batch * floats))) {
            net.forward(Tensor.zeros(1, channels, height, width));
        }
        return total[0];
    }

    private static long parameterBytes(Layer net, Footprint footprint) {
        long sum = 0;
        for (Tensor p : net.parameters()) sum += footprint.bytes(p.numel());
        return sum;
    }

    long totalBytes() {
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
     * built, so that the warning comes even when the parameters alone do not fit. A generator that cannot take images
     * of that size is a usage error, found here instead of at the first step.
     */
    static void announce(CycleGanConfig config, UnalignedDataset data, PrintStream out, PrintStream err) {
        Transform.Prepared first;
        try {
            first = data.item(0, new Random(0)).a();
        } catch (ImageReadException e) {
            // e.g. an image smaller than --crop_size after --load_size: bad input, named, not a crash
            throw new CommandLine.UsageException("train: " + e.getMessage());
        }
        MemoryEstimate m;
        try {
            m = of(config, data.options().batchSize(), first.height(), first.width(), Footprint.heap());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("train: --netG " + config.netG + " / --netD " + config.netD + " cannot run on "
                    + first.width() + "x" + first.height() + " images (see --crop_size, --preprocess): " + e.getMessage());
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
    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes > 0 && bytes < 1L << 19) return "<1 MiB";
        return Math.round(bytes / (double) (1L << 20)) + " MiB";
    }
}
