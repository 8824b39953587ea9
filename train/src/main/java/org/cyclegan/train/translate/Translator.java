package org.cyclegan.train.translate;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.NetworkInputSize;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Images;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.SizeCheck;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.report.Png;

/**
 * Runs one generator over a stream of images, the engine of {@code translate} and of each task of the Spark job.
 *
 * <p>Three stages overlap: a decoding thread reads the next images ahead ({@link #DECODE_AHEAD} of them) and prepares
 * them as the reference's {@code --preprocess none} does; the calling thread runs the network, on batches of
 * consecutive images of one size; an encoding thread turns each output into PNG bytes while the network works on the
 * next batch. Results come out in the order of the inputs. Decoding and encoding are a few percent of a 256 px image's
 * time, so they cost almost nothing once hidden behind the network.
 *
 * <p>Batching does not change a result: the generator is in evaluation mode, instance norm works per image, and the
 * kernels sum each output element in the same order whatever the batch, so an image comes out bit for bit the same
 * alone or in a batch (TranslatorTest). A batch holds at most {@link #MAX_BATCH_PIXELS} pixels, so large images go one
 * at a time and keep their memory bound: with no gradients recorded, only the activations in flight are held.
 *
 * <p>The network runs on the calling thread, as tensors of the memory scope it opens per batch; so one Translator serves
 * one caller at a time.
 */
public final class Translator implements AutoCloseable {
    /** Images decoded ahead of the network: enough to fill a batch and have the next ready. */
    static final int DECODE_AHEAD = 8;
    /** Batches whose PNGs may be encoding while the network runs the next one. */
    static final int ENCODE_AHEAD = 2;
    /** A batch of small images is joined up to this many pixels (4 × 512×512); a larger image runs alone. */
    public static final long MAX_BATCH_PIXELS = 4L * 512 * 512;

    private final Module generator;
    private final Backend backend;
    private final int inputNc;
    private final int batchSize;
    private final SizeCheck fit;
    private final Transform none = new Transform(Preprocess.NONE, 1, 1, true);   // sizes unused by none; no flip
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(daemon("translate-decode"));
    private final ExecutorService encoder = Executors.newSingleThreadExecutor(daemon("translate-encode"));

    /** {@code batchSize}: at most this many images of one size per forward pass (1: one at a time). */
    public Translator(Module generator, GeneratorArchitecture architecture, Backend backend, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        this.generator = generator;
        this.backend = backend;
        this.inputNc = architecture.inputNc();
        this.batchSize = batchSize;
        this.fit = NetworkInputSize.generator(architecture.netG())::misfit;
        generator.eval();
    }

    /** The results of {@code inputs}, in their order, computed as they are asked for. */
    public <K> Iterator<Translated<K>> translate(Iterator<ImageInput<K>> inputs) {
        return new Stream<>(inputs);
    }

    @Override
    public void close() {
        decoder.shutdownNow();
        encoder.shutdownNow();
    }

    /** An image read and prepared for the network, or the reason it was not. */
    private record Decoded<K>(ImageInput<K> input, Transform.Prepared prepared, String skipped) {}

    private Decoded<?> decode(ImageInput<?> input) {
        BufferedImage rgb;
        try (InputStream in = input.open().open()) {
            rgb = Images.read(in, input.name());
        } catch (ImageReadException e) {
            return new Decoded<>(input, null, e.getMessage());
        } catch (IOException e) {
            return new Decoded<>(input, null, input.name() + ": " + e.getMessage());
        }
        Transform.Prepared p = none.apply(rgb, new Random(0));
        String misfit = fit.misfit(p.width(), p.height());
        if (misfit != null) return new Decoded<>(input, null, input.name() + ": " + rgb.getWidth() + "x" + rgb.getHeight() + " px is " + misfit);
        return new Decoded<>(input, p, null);
    }

    private final class Stream<K> implements Iterator<Translated<K>> {
        private final Iterator<ImageInput<K>> inputs;
        private final ArrayDeque<CompletableFuture<Decoded<K>>> decoding = new ArrayDeque<>();
        private final ArrayDeque<List<CompletableFuture<Translated<K>>>> encoding = new ArrayDeque<>();
        private final ArrayDeque<CompletableFuture<Translated<K>>> ready = new ArrayDeque<>();

        Stream(Iterator<ImageInput<K>> inputs) {
            this.inputs = inputs;
        }

        @Override
        public boolean hasNext() {
            return !ready.isEmpty() || !encoding.isEmpty() || !decoding.isEmpty() || inputs.hasNext();
        }

        @Override
        public Translated<K> next() {
            if (ready.isEmpty()) {
                // Run batches until ENCODE_AHEAD of them are encoding (or the inputs are used up), then hand out the oldest.
                while (encoding.size() < ENCODE_AHEAD && (!decoding.isEmpty() || inputs.hasNext())) runBatch();
                if (encoding.isEmpty()) throw new NoSuchElementException();
                ready.addAll(encoding.poll());
            }
            return join(ready.poll());
        }

        /** Keeps DECODE_AHEAD images decoding. The inputs are read on this thread: a Spark task's iterator must be. */
        @SuppressWarnings("unchecked")
        private void decodeAhead() {
            while (decoding.size() < DECODE_AHEAD && inputs.hasNext()) {
                ImageInput<K> input = inputs.next();
                decoding.add(CompletableFuture.supplyAsync(() -> (Decoded<K>) decode(input), decoder));
            }
        }

        /** Takes the next image, and the following ones of its size up to a batch, runs the network and starts encoding. */
        private void runBatch() {
            decodeAhead();
            Decoded<K> first = join(decoding.poll());
            if (first.prepared() == null) {
                encoding.add(List.of(CompletableFuture.completedFuture(new Translated<>(first.input().key(), first.input().name(), null, first.skipped()))));
                return;
            }
            List<Decoded<K>> batch = new ArrayList<>(List.of(first));
            int w = first.prepared().width(), h = first.prepared().height();
            while (batch.size() < batchSize && (long) (batch.size() + 1) * w * h <= MAX_BATCH_PIXELS) {
                decodeAhead();
                if (decoding.isEmpty()) break;
                Decoded<K> next = join(decoding.peek());
                if (next.prepared() == null || next.prepared().width() != w || next.prepared().height() != h) break;
                batch.add(join(decoding.poll()));
            }
            float[] out = forward(batch, w, h);
            List<CompletableFuture<Translated<K>>> results = new ArrayList<>(batch.size());
            int plane = 3 * w * h;
            for (int i = 0; i < batch.size(); i++) {
                ImageInput<K> input = batch.get(i).input();
                int offset = i * plane;
                results.add(CompletableFuture.supplyAsync(() -> new Translated<>(input.key(), input.name(), encode(out, offset, w, h), null), encoder));
            }
            encoding.add(results);
        }

        private float[] forward(List<Decoded<K>> batch, int w, int h) {
            float[] x = new float[batch.size() * inputNc * w * h];
            for (int i = 0; i < batch.size(); i++) batch.get(i).prepared().writeTo(x, i * inputNc * w * h);
            try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
                return generator.forward(Tensor.of(backend, x, batch.size(), inputNc, h, w)).toArray();
            }
        }
    }

    private static byte[] encode(float[] out, int offset, int w, int h) {
        try {
            return Png.encode(Png.toImage(out, offset, w, h));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The future's value; a failure in a stage is rethrown as it was thrown there. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u;
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
