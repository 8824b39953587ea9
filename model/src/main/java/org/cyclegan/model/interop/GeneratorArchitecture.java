package org.cyclegan.model.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.model.Networks;

/**
 * The options that shape a generator ({@code --netG --ngf --norm --upsample}, the channel counts and dropout), and how to read
 * them back from a state dict's key names and shapes. A PyTorch {@code .pth} file carries no options, but the
 * reference's networks leave clear traces in their keys:
 *
 * <ul>
 *   <li>ResNet: residual blocks are {@code model.<i>.conv_block.*} (their count N gives resnet_<N>blocks); the stem convolution {@code model.1.weight} is [ngf, input_nc, 7, 7]; the last one,
 *       {@code model.<17+blocks>.weight}, is [output_nc, ngf, 7, 7]; dropout moves the second block convolution
 *       from {@code conv_block.5} to {@code conv_block.6}. Resize-convolution stages put a parameterless Upsample
 *       first: {@code model.<10+blocks>} has no keys, the stage's convolution is {@code model.<11+blocks>} and the last
 *       one {@code model.<19+blocks>}.
 *   <li>U-Net: blocks nest as {@code model.model.1.model.3.model.3...}; the depth gives unet_128 (7) or unet_256 (8);
 *       {@code model.model.0.weight} is [ngf, input_nc, 4, 4] and the outermost transposed convolution
 *       {@code model.model.3.weight} is [2·ngf, output_nc, 4, 4]. Dropout adds no key there.
 *   <li>Normalization: batch norm has a {@code weight} after the first convolution; instance norm has none, but
 *       makes the convolutions carry a bias; with no normalization they have none (the reference's {@code use_bias}).
 * </ul>
 */
public record GeneratorArchitecture(GeneratorKind netG, int ngf, String norm, int inputNc, int outputNc, boolean useDropout,
                                    GeneratorUpsampling upsample) {
    /** What the reference's test script assumes when told nothing: resnet_9blocks, ngf 64, instance norm, RGB. */
    public static final GeneratorArchitecture REFERENCE_DEFAULT = new GeneratorArchitecture(GeneratorKind.resnet(9), 64, "instance", 3, 3, false);

    public GeneratorArchitecture {
        if (upsample == null) throw new IllegalArgumentException("a generator architecture needs its up-sampling");
    }

    /** A generator with the reference's transposed-convolution up-sampling. */
    public GeneratorArchitecture(GeneratorKind netG, int ngf, String norm, int inputNc, int outputNc, boolean useDropout) {
        this(netG, ngf, norm, inputNc, outputNc, useDropout, GeneratorUpsampling.TRANSPOSE);
    }

    /** Builds this generator (random weights, to be replaced by a state dict). */
    public Module build() {
        return Networks.defineG(inputNc, outputNc, ngf, netG, upsample, norm, useDropout, "normal", 0.02f, new Random(0));
    }

    /**
     * The safetensors metadata that records this architecture (read back by translate, test and convert):
     * {@code format, netG, ngf, norm, input_nc, output_nc, no_dropout}, and {@code upsample} when it is not the
     * reference's transpose (a file without it, as every file written before the option, means transpose).
     */
    public Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "cyclegan-engine");
        meta.put("netG", netG.name());
        meta.put("ngf", Integer.toString(ngf));
        meta.put("norm", norm);
        meta.put("input_nc", Integer.toString(inputNc));
        meta.put("output_nc", Integer.toString(outputNc));
        meta.put("no_dropout", Boolean.toString(!useDropout));
        if (upsample != GeneratorUpsampling.TRANSPOSE) meta.put("upsample", upsample.optionName());
        return meta;
    }

    public String describe() {
        return netG.name() + (upsample == GeneratorUpsampling.TRANSPOSE ? "" : " (" + upsample + ")") + ", ngf " + ngf + ", norm " + norm
                + ", " + inputNc + " -> " + outputNc + " channels" + (useDropout ? ", dropout" : "");
    }

    /** The architecture a state dict's keys and shapes reveal, or empty when they match no reference generator. */
    public static Optional<GeneratorArchitecture> infer(Map<String, int[]> shapes) {
        if (shapes.containsKey("model.model.0.weight")) return inferUnet(shapes);
        if (shapes.containsKey("model.1.weight")) return inferResnet(shapes);
        return Optional.empty();
    }

    private static Optional<GeneratorArchitecture> inferResnet(Map<String, int[]> shapes) {
        int blocks = 0;
        while (hasPrefix(shapes, "model." + (10 + blocks) + ".conv_block.")) blocks++;
        GeneratorKind netG = known(GeneratorKind.Family.RESNET, blocks);
        int[] stem = shapes.get("model.1.weight");
        // A resize-convolution stage starts with an Upsample, which has no keys.
        boolean resizeConv = !hasPrefix(shapes, "model." + (10 + blocks) + ".") && shapes.containsKey("model." + (11 + blocks) + ".weight");
        int firstUp = rank(shapes, "model." + ((resizeConv ? 11 : 10) + blocks) + ".weight");
        int[] last = shapes.get("model." + ((resizeConv ? 19 : 17) + blocks) + ".weight");
        if (netG == null || stem.length != 4 || firstUp != 4 || last == null || last.length != 4) return Optional.empty();
        String norm = norm(shapes, "model.1", "model.2");
        boolean dropout = rank(shapes, "model.10.conv_block.6.weight") == 4;
        return Optional.of(new GeneratorArchitecture(netG, stem[0], norm, stem[1], last[0], dropout,
                resizeConv ? GeneratorUpsampling.RESIZE_CONV : GeneratorUpsampling.TRANSPOSE));
    }

    private static Optional<GeneratorArchitecture> inferUnet(Map<String, int[]> shapes) {
        // The outermost block is model.model; each next one is its submodule: .model.1 below the outermost, .model.3
        // below a middle block (after LeakyReLU, conv, norm). A block is there when it has keys under <block>.model.
        // (the innermost's own index 3 is its transposed convolution, whose keys have no .model. after it).
        int depth = 1;
        String block = "model.model.1";
        while (hasPrefix(shapes, block + ".model.")) {
            depth++;
            block += ".model.3";
        }
        GeneratorKind netG = known(GeneratorKind.Family.UNET, depth);
        int[] down = shapes.get("model.model.0.weight");
        int[] up = shapes.get("model.model.3.weight");
        if (netG == null || down.length != 4 || up == null || up.length != 4) return Optional.empty();
        // A middle block: model = [LeakyReLU, downconv, downnorm, submodule, ...].
        String norm = norm(shapes, "model.model.1.model.1", "model.model.1.model.2");
        return Optional.of(new GeneratorArchitecture(netG, down[0], norm, down[1], up[1], false));
    }

    /**
     * The generator of {@code family} and {@code depth} when --netG can name it (a ResNet of at least one block, one of
     * the reference's U-Nets), else null.
     */
    private static GeneratorKind known(GeneratorKind.Family family, int depth) {
        if (family == GeneratorKind.Family.RESNET) return depth >= 1 && depth <= GeneratorKind.MAX_RESNET_BLOCKS ? GeneratorKind.resnet(depth) : null;
        for (String name : GeneratorKind.NAMES) {
            GeneratorKind netG = GeneratorKind.parse(name);
            if (netG.family() == family && netG.depth() == depth) return netG;
        }
        return null;
    }

    /** batch when the norm layer after {@code conv} has a weight; else instance when the convolution has a bias; else none. */
    private static String norm(Map<String, int[]> shapes, String conv, String normLayer) {
        if (shapes.containsKey(normLayer + ".weight")) return "batch";
        return shapes.containsKey(conv + ".bias") ? "instance" : "none";
    }

    private static int rank(Map<String, int[]> shapes, String key) {
        int[] s = shapes.get(key);
        return s == null ? -1 : s.length;
    }

    private static boolean hasPrefix(Map<String, int[]> shapes, String prefix) {
        for (String k : shapes.keySet()) if (k.startsWith(prefix)) return true;
        return false;
    }
}
