package org.cyclegan.train.commands;

import static org.cyclegan.testing.Fixtures.boolParam;
import static org.cyclegan.testing.Fixtures.intParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.testing.Console;
import org.cyclegan.testing.Fixtures;
import org.cyclegan.testing.PickleBytes.TensorSpec;
import org.cyclegan.testing.PickleBytes;
import org.cyclegan.testing.TorchFiles;
import org.cyclegan.train.report.Png;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's PyTorch checkpoints, end to end: each generator saved by {@code torch.save(net.state_dict())}
 * (src-test/fixtures/generate_interop_fixtures.py: resnet_6blocks ngf 4, resnet_9blocks ngf 3, unet_256 ngf 1 with
 * batch norm and dropout; a legacy-format copy; an old wrapped float16 DataParallel checkpoint with instance norm
 * statistics) is loaded as {@code translate} loads it, with the architecture read from its keys, and its output on
 * PyTorch's input must equal PyTorch's within 1e-4 (absolute; outputs are tanh, in [-1, 1]) and, as 8-bit images,
 * within 1 level of what the reference's {@code tensor2im} writes. Then the commands: translate on a .pth and on its
 * conversion, and every refusal with its exit status and message.
 */
class TorchInteropTest {
    static final double TOL = 1e-4;
    /** Largest differences against PyTorch per case, printed at the end. */
    static final Map<String, String> WORST = new TreeMap<>();

    @TempDir Path dir;
    private final Console console = new Console();

    @AfterAll
    static void report() {
        WORST.forEach((c, w) -> System.out.printf("pytorch interop %-16s %s%n", c, w));
    }

    private static Map<String, Object> expectedCase(Fixtures f, String name) {
        return f.cases().stream().filter(c -> c.get("name").equals(name)).findFirst().orElseThrow();
    }

    /** Loads the case's file as translate does (no architecture options) and compares with PyTorch's output. */
    private void parity(String caseName, String file) throws IOException {
        Fixtures f = Fixtures.load("interop_expected");
        Map<String, Object> c = expectedCase(f, caseName);
        Path weights = TorchFiles.fixtureFile(dir, file);
        GeneratorWeights w = GeneratorOptions.load("test", TranslateCommand.options().parse(List.of()), weights, Backends.getDefault());
        GeneratorArchitecture a = w.architecture;
        assertEquals(List.of(c.get("netG"), intParam(c, "ngf"), c.get("norm"), intParam(c, "input_nc"), intParam(c, "output_nc")),
                List.of(a.netG().name(), a.ngf(), a.norm(), a.inputNc(), a.outputNc()), caseName + ": architecture read from the keys");
        if (c.containsKey("dropped")) assertEquals(intParam(c, "dropped"), w.droppedKeys.size(), "instance norm statistics dropped");
        if (a.netG().isResnet()) assertEquals(boolParam(c, "use_dropout"), a.useDropout());

        w.generator.eval();
        float[] ours, torch = f.get(caseName, "y").toArray();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            ours = w.generator.forward(f.get(caseName, "x")).toArray();
        }
        assertEquals(torch.length, ours.length);
        double maxAbs = 0;
        int maxLevels = 0, levelsOff = 0, sameConversionOff = 0;
        for (int i = 0; i < ours.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs((double) ours[i] - torch[i]));
            // What we write (Png.to8bit: rounded) against what the reference writes (tensor2im: astype(uint8) truncates).
            int levels = Math.abs(Png.to8bit(ours[i]) - tensor2im(torch[i]));
            maxLevels = Math.max(maxLevels, levels);
            if (levels > 0) levelsOff++;
            if (tensor2im(ours[i]) != tensor2im(torch[i])) sameConversionOff++;
        }
        WORST.put(caseName + " (" + file + ")", String.format("max |ours - torch| %.3g over %d values; 8-bit (our PNG vs the reference's"
                + " tensor2im): max %d level(s), %d values differ (%d with tensor2im on both)", maxAbs, ours.length, maxLevels, levelsOff, sameConversionOff));
        assertTrue(maxAbs <= TOL, caseName + ": max |ours - torch| = " + maxAbs);
        assertTrue(maxLevels <= 1, caseName + ": 8-bit images differ by " + maxLevels + " levels");
    }

    /** The reference's util.tensor2im for one value, in the same float32 steps as numpy: (y + 1) / 2 * 255, truncated. */
    private static int tensor2im(float y) {
        return (int) ((y + 1f) / 2f * 255f);
    }

    @Test void resnet6BlocksMatchesPyTorch() throws IOException {
        parity("resnet_6blocks", "interop_resnet_6blocks.pth");
    }

    @Test void resnet9BlocksMatchesPyTorch() throws IOException {
        parity("resnet_9blocks", "interop_resnet_9blocks.pth");
    }

    @Test void unet256WithBatchNormMatchesPyTorch() throws IOException {
        parity("unet_256", "interop_unet_256.pth");
    }

    @Test void legacyFormatGivesTheSameNetwork() throws IOException {
        parity("resnet_6blocks", "interop_legacy_resnet_6blocks.pth");
    }

    @Test void oldWrappedHalfPrecisionCheckpointLoadsAsTheReferenceLoadsIt() throws IOException {
        parity("old_wrapped", "interop_old_wrapped.pth");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the commands

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test void translateRunsAReferenceCheckpointAndItsConversionAlike() throws IOException {
        Path pth = TorchFiles.fixtureFile(dir, "interop_resnet_9blocks.pth");
        Path image = TorchFiles.fixtureFile(dir, "interop_input.png");
        assertEquals(0, console.run("translate", "--weights", pth.toString(), "--input", image.toString(), "--output", dir.resolve("a").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("PyTorch zip checkpoint") && console.out().contains("resnet_9blocks, ngf 3, norm instance")
                && console.out().contains("netG from the file's keys"), console.out());
        BufferedImage ours = ImageIO.read(dir.resolve("a/interop_input.png").toFile());
        // The image the reference's test would write for this input: within 1 level everywhere.
        float[] reference = Fixtures.load("interop_expected").get("png", "y8").toArray();   // [H, W, 3]
        int[] rgb = pixels(ours);
        int worst = 0;
        for (int i = 0; i < rgb.length; i++) {
            for (int ch = 0; ch < 3; ch++) {
                int v = (rgb[i] >> (16 - 8 * ch)) & 0xff;
                worst = Math.max(worst, Math.abs(v - (int) reference[3 * i + ch]));
            }
        }
        WORST.put("png (translate)", "8-bit: max " + worst + " level(s) against the reference's tensor2im image");
        assertTrue(worst <= 1, "translate's PNG differs from the reference's image by " + worst + " levels");

        Path converted = dir.resolve("converted/G_A.safetensors");
        assertEquals(0, console.run("convert", "--weights", pth.toString(), "--output", converted.toString()), console.err());
        Safetensors.Contents c = Safetensors.read(converted, Backends.getDefault());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("format", "cyclegan-engine");
        expected.put("netG", "resnet_9blocks");
        expected.put("ngf", "3");
        expected.put("norm", "instance");
        expected.put("input_nc", "3");
        expected.put("output_nc", "3");
        expected.put("no_dropout", "true");
        expected.put("converted_from", "interop_resnet_9blocks.pth");
        assertEquals(expected, c.metadata());
        assertEquals("model.1.weight", c.tensors().keySet().iterator().next(), "the reference's key names and order");
        assertEquals(0, console.run("translate", "--weights", converted.toString(), "--input", image.toString(), "--output", dir.resolve("b").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("netG from the file's metadata"), console.out());
        assertTrue(java.util.Arrays.equals(pixels(ours), pixels(ImageIO.read(dir.resolve("b/interop_input.png").toFile()))),
                "the converted file translates to the same image");
    }

    @Test void convertTakesLegacyWrappedAndBatchNormCheckpoints() throws IOException {
        Path old = TorchFiles.fixtureFile(dir, "interop_old_wrapped.pth");
        assertEquals(0, console.run("convert", "--weights", old.toString(), "--output", dir.resolve("old.safetensors").toString()), console.err());
        assertTrue(console.out().contains("entry 'state_dict'") && console.out().contains("dropped 51 instance norm statistics"), console.out());
        Path legacy = TorchFiles.fixtureFile(dir, "interop_legacy_resnet_6blocks.pth");
        assertEquals(0, console.run("convert", "--weights", legacy.toString(), "--output", dir.resolve("legacy.safetensors").toString()), console.err());
        assertTrue(console.out().contains("PyTorch legacy checkpoint"), console.out());
        Path unet = TorchFiles.fixtureFile(dir, "interop_unet_256.pth");
        assertEquals(0, console.run("convert", "--weights", unet.toString(), "--output", dir.resolve("unet.safetensors").toString()), console.err());
        Map<String, String> meta = Safetensors.read(dir.resolve("unet.safetensors"), Backends.getDefault()).metadata();
        assertEquals(List.of("unet_256", "1", "batch", "1"), List.of(meta.get("netG"), meta.get("ngf"), meta.get("norm"), meta.get("input_nc")));
        // A one-channel generator cannot translate RGB images: refused with the reason, not a shape error.
        assertEquals(2, console.run("translate", "--weights", unet.toString(), "--input", TorchFiles.fixtureFile(dir, "interop_input.png").toString(),
                "--output", dir.resolve("o").toString()));
        assertTrue(console.err().contains("1 -> 1 channels") && console.err().contains("RGB"), console.err());
    }

    @Test void aWrongArchitectureIsNamedWithTheOneTheKeysSuggest() throws IOException {
        Path pth = TorchFiles.fixtureFile(dir, "interop_resnet_9blocks.pth");
        assertEquals(2, console.run("convert", "--weights", pth.toString(), "--output", dir.resolve("x.safetensors").toString(), "--netG", "unet_256"));
        assertTrue(console.err().contains(pth.toString()) && console.err().contains("does not fit a unet_256") && console.err().contains("missing keys")
                && console.err().contains("unexpected keys") && console.err().contains("try --netG resnet_9blocks --ngf 3 --norm instance"), console.err());
        console.resetErr();
        assertEquals(2, console.run("convert", "--weights", pth.toString(), "--output", dir.resolve("x.safetensors").toString(), "--ngf", "64"));
        assertTrue(console.err().contains("wrong shape") && console.err().contains("model.1.weight is [3, 3, 7, 7], expected [64, 3, 7, 7]"), console.err());
        console.resetErr();
        assertEquals(2, console.run("convert", "--weights", pth.toString(), "--output", dir.resolve("x.safetensors").toString(), "--norm", "batch"));
        assertTrue(console.err().contains("try --netG resnet_9blocks --ngf 3 --norm instance"), console.err());
        assertFalse(Files.exists(dir.resolve("x.safetensors")), "nothing is written for weights that do not load");
    }

    @Test void hostileCheckpointIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pickle-was-executed");
        byte[] hostile = PickleBytes.proto(2).global("posix", "system").str("touch " + marker).tuple1().reduce().stop().bytes();
        Path pth = TorchFiles.zip(dir.resolve("latest_net_G_A.pth"), "latest_net_G_A", hostile, Map.of());
        assertEquals(1, console.run("translate", "--weights", pth.toString(), "--input", TorchFiles.fixtureFile(dir, "interop_input.png").toString(),
                "--output", dir.resolve("out").toString()));
        assertTrue(console.err().contains(pth.toString()) && console.err().contains("'posix.system' is not allowed"), console.err());
        assertFalse(Files.exists(marker), "the command in the pickle must not have run");
        assertFalse(Files.exists(dir.resolve("out")), "nothing was translated");
    }

    @Test void integerWeightsAreRefusedByKey() throws IOException {
        Map<String, TensorSpec> t = new LinkedHashMap<>();
        t.put("model.1.weight", new TensorSpec("0", "IntStorage", 2, 0, new long[] {2}, new long[] {1}));
        Path pth = TorchFiles.zip(dir.resolve("ints.pth"), "ints", PickleBytes.stateDict(t, false), Map.of("0", new byte[8]));
        assertEquals(1, console.run("convert", "--weights", pth.toString(), "--output", dir.resolve("x.safetensors").toString()));
        assertTrue(console.err().contains(pth.toString()) && console.err().contains("'model.1.weight' is a int32 tensor; weights must be floating point"), console.err());
    }

    @Test void severalStateDictsAskForEntry() throws IOException {
        Path single = TorchFiles.fixtureFile(dir, "interop_resnet_6blocks.pth");
        // {"G_A": <state dict>, "G_B": <state dict>}: one hand-built state dict pickle (less PROTO and STOP), twice.
        byte[] sd = PickleBytes.stateDict(Map.of("w", TensorSpec.contiguous("0", 1)), false);
        byte[] pickle = PickleBytes.proto(2).emptyDict().mark().str("G_A").raw(java.util.Arrays.copyOfRange(sd, 2, sd.length - 1))
                .str("G_B").raw(java.util.Arrays.copyOfRange(sd, 2, sd.length - 1)).setitems().stop().bytes();
        Path two = TorchFiles.zip(dir.resolve("both.pth"), "both", pickle, Map.of("0", TorchFiles.floats(1)));
        assertEquals(2, console.run("convert", "--weights", two.toString(), "--output", dir.resolve("x.safetensors").toString()));
        assertTrue(console.err().contains("several state dicts (G_A, G_B)") && console.err().contains("--entry"), console.err());
        console.resetErr();
        assertEquals(2, console.run("convert", "--weights", two.toString(), "--output", dir.resolve("x.safetensors").toString(), "--entry", "G_B"));
        assertTrue(console.err().contains("fit none of the reference's generators"), "G_B was chosen and read: " + console.err());
        console.resetErr();
        assertEquals(2, console.run("convert", "--weights", dir.resolve("missing.pth").toString(), "--output", "y"));
        Path st = dir.resolve("ours.safetensors");
        assertEquals(0, console.run("convert", "--weights", single.toString(), "--output", st.toString()), console.err());
        // An input folder apart from the output: translate refuses an --output inside its --input before reading weights.
        Path in = Files.createDirectories(dir.resolve("in"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", in.resolve("x.png").toFile());
        assertEquals(2, console.run("translate", "--weights", st.toString(), "--entry", "G_A", "--input", in.toString(), "--output", dir.resolve("o").toString()));
        assertTrue(console.err().contains("--entry applies to PyTorch checkpoints"), console.err());
    }

    @Test void filesThatAreNoCheckpointAreRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("weights.pth"), "not a checkpoint");
        assertEquals(1, console.run("convert", "--weights", text.toString(), "--output", dir.resolve("x.safetensors").toString()));
        assertTrue(console.err().contains("weights.pth: not a PyTorch checkpoint"), console.err());
        byte[] whole = TorchFiles.fixture("interop_resnet_6blocks.pth");
        Path cut = Files.write(dir.resolve("cut.pth"), java.util.Arrays.copyOf(whole, whole.length / 3));
        assertEquals(1, console.run("convert", "--weights", cut.toString(), "--output", dir.resolve("x.safetensors").toString()));
        assertTrue(console.err().contains("cut.pth: not a readable zip archive"), console.err());
    }
}
