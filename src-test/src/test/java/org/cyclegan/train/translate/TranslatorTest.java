package org.cyclegan.train.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.testing.CpuByDefault;
import org.cyclegan.testing.OpenClDevices;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.CycleGanTest;
import org.cyclegan.train.report.Png;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The translation pipeline: results in input order, each bit for bit what the generator gives that image alone, whatever
 * the batch size; unreadable and too-small images skipped by name in their place.
 */
class TranslatorTest {
    @RegisterExtension final CpuByDefault cpu = new CpuByDefault();

    private static byte[] png(int w, int h, int seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    private static ImageInput<Integer> input(int key, byte[] bytes) {
        return new ImageInput<>(key, "image" + key + ".png", () -> new ByteArrayInputStream(bytes));
    }

    /** The generator on one image by itself, as translate computed it before there was a pipeline. */
    private static byte[] alone(CycleGan model, byte[] bytes) throws IOException {
        Transform.Prepared p = new Transform(Preprocess.NONE, 1, 1, true).apply(ImageIO.read(new ByteArrayInputStream(bytes)), new Random(0));
        model.gA.eval();
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
            Tensor y = model.gA.forward(Tensor.of(Backends.getDefault(), p.toArray(), 1, 3, p.height(), p.width()));
            return Png.encode(Png.toImage(y));
        }
    }

    private static List<Translated<Integer>> all(Translator t, List<ImageInput<Integer>> inputs) {
        List<Translated<Integer>> out = new ArrayList<>();
        t.translate(inputs.iterator()).forEachRemaining(out::add);
        return out;
    }

    @Test void resultsAreInOrderAndTheSameAloneOrInBatches() throws Exception {
        resultsAreInOrderAndTheSameAloneOrInBatches(Backends.getDefault());
    }

    /** The opencl kernels too sum each element in one order whatever the batch (on PoCL here; on a GPU, devices --check). */
    @Test void onOpenClTooResultsAreTheSameAloneOrInBatches() throws Exception {
        OpenClDevices.require();
        Backend previous = Backends.getDefault();
        try (Backend opencl = Backends.select("opencl", msg -> {})) {
            Backends.setDefault(opencl);
            resultsAreInOrderAndTheSameAloneOrInBatches(opencl);
        } finally {
            Backends.setDefault(previous);
        }
    }

    private static void resultsAreInOrderAndTheSameAloneOrInBatches(Backend backend) throws Exception {
        CycleGanConfig c = CycleGanTest.tiny();
        CycleGan model = new CycleGan(c, new Random(3));
        GeneratorArchitecture arch = new GeneratorArchitecture(c.netG, c.ngf, c.norm, 3, 3, !c.noDropout);
        List<ImageInput<Integer>> inputs = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        int[][] sizes = {{32, 32}, {32, 32}, {32, 32}, {40, 24}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {36, 20}};
        for (int i = 0; i < sizes.length; i++) {
            byte[] bytes = png(sizes[i][0], sizes[i][1], i);
            inputs.add(input(i, bytes));
            expected.add(alone(model, bytes));
        }
        inputs.add(5, input(100, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}));   // broken, between images of one size
        expected.add(5, null);
        inputs.add(input(101, png(4, 4, 9)));   // too small: resnet_6blocks needs at least 8x8
        expected.add(null);
        for (int batch : new int[] {1, 3, 4, 16}) {
            try (Translator t = new Translator(model.gA, arch, backend, batch)) {
                List<Translated<Integer>> got = all(t, inputs);
                assertEquals(inputs.size(), got.size(), "batch " + batch);
                for (int i = 0; i < got.size(); i++) {
                    Translated<Integer> r = got.get(i);
                    assertEquals(inputs.get(i).key(), r.key(), "batch " + batch + ": in the inputs' order");
                    if (expected.get(i) == null) {
                        assertNull(r.png(), "batch " + batch + ": " + r.name() + " skipped");
                        assertTrue(r.skipped().contains(r.name()), r.skipped());
                    } else {
                        assertArrayEquals(expected.get(i), r.png(), "batch " + batch + ": " + r.name() + " bit for bit as alone");
                    }
                }
            }
        }
    }

    @Test void anEmptyStreamEndsAndAFailingReadIsNamed() throws Exception {
        CycleGanConfig c = CycleGanTest.tiny();
        CycleGan model = new CycleGan(c, new Random(3));
        GeneratorArchitecture arch = new GeneratorArchitecture(c.netG, c.ngf, c.norm, 3, 3, !c.noDropout);
        try (Translator t = new Translator(model.gA, arch, Backends.getDefault(), 2)) {
            Iterator<Translated<Integer>> none = t.translate(List.<ImageInput<Integer>>of().iterator());
            assertEquals(false, none.hasNext());
            assertThrows(NoSuchElementException.class, none::next);
            ImageInput<Integer> unreadable = new ImageInput<>(7, "gone.png", () -> {
                throw new IOException("no such file");
            });
            List<Translated<Integer>> r = all(t, List.of(unreadable));
            assertEquals("gone.png: no such file", r.get(0).skipped());
        }
        assertThrows(IllegalArgumentException.class, () -> new Translator(model.gA, arch, Backends.getDefault(), 0));
    }
}
