package org.cyclegan.model.networks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.ConvTranspose2d;
import org.cyclegan.model.layers.Dropout;
import org.cyclegan.model.layers.LeakyReLU;
import org.cyclegan.model.layers.ReLU;
import org.cyclegan.model.layers.Sequential;
import org.cyclegan.model.layers.Tanh;

/**
 * One level of the U-Net: down-sample, run the inner levels, up-sample, and concatenate with the level's input.
 * <pre>
 *   X ─────────────────── identity ─────────────────── X
 *     └─ down ── submodule (the inner levels) ── up ─┘     → cat([X, up], channels)
 * </pre>
 * The Sequential {@code model} holds, by kind of level:
 * <ul>
 *   <li>outermost: {@code [downconv, submodule, ReLU, upconv, Tanh]} and no concatenation;</li>
 *   <li>middle: {@code [LeakyReLU, downconv, norm, submodule, ReLU, upconv, norm, (Dropout)]};</li>
 *   <li>innermost: {@code [LeakyReLU, downconv, ReLU, upconv, norm]} (no submodule; the bottleneck).</li>
 * </ul>
 * so the keys nest as {@code model.model.1.model.3.model.…}, exactly as the reference's state dict.
 *
 * <p>A faithful detail: the reference's first layer, {@code LeakyReLU(0.2, inplace=True)}, overwrites the block's
 * input before {@code torch.cat([x, self.model(x)], 1)} reads it, so the skip connection carries LeakyReLU(x), not x.
 * {@link #forward} computes exactly that.
 */
public final class UnetSkipConnectionBlock extends Module {
    private enum Kind { OUTERMOST, MIDDLE, INNERMOST }

    private final Kind kind;
    private final Sequential model;

    private UnetSkipConnectionBlock(Kind kind, int outerNc, int innerNc, int inputNc, UnetSkipConnectionBlock submodule,
                                    Norm norm, boolean useDropout, Random dropoutRng) {
        this.kind = kind;
        boolean useBias = norm.convBias();
        Conv2d downconv = new Conv2d(inputNc, innerNc, 4, 2, 1, useBias);
        List<Module> layers = new ArrayList<>();
        switch (kind) {
            case OUTERMOST -> {
                layers.add(downconv);
                layers.add(submodule);
                layers.add(new ReLU());
                layers.add(new ConvTranspose2d(innerNc * 2, outerNc, 4, 2, 1, 0, true));
                layers.add(new Tanh());
            }
            case INNERMOST -> {
                layers.add(new LeakyReLU(0.2f));
                layers.add(downconv);
                layers.add(new ReLU());
                layers.add(new ConvTranspose2d(innerNc, outerNc, 4, 2, 1, 0, useBias));
                layers.add(norm.create(outerNc));
            }
            case MIDDLE -> {
                layers.add(new LeakyReLU(0.2f));
                layers.add(downconv);
                layers.add(norm.create(innerNc));
                layers.add(submodule);
                layers.add(new ReLU());
                layers.add(new ConvTranspose2d(innerNc * 2, outerNc, 4, 2, 1, 0, useBias));
                layers.add(norm.create(outerNc));
                if (useDropout) layers.add(new Dropout(0.5f, dropoutRng));
            }
        }
        model = registerModule("model", new Sequential(layers));
    }

    /** The outermost level: from {@code inputNc} image channels to {@code outerNc} output channels, ending in tanh. */
    public static UnetSkipConnectionBlock outermost(int outerNc, int innerNc, int inputNc, UnetSkipConnectionBlock submodule, Norm norm) {
        return new UnetSkipConnectionBlock(Kind.OUTERMOST, outerNc, innerNc, inputNc, submodule, norm, false, null);
    }

    /** A middle level; {@code dropoutRng} may be null when {@code useDropout} is false. */
    public static UnetSkipConnectionBlock middle(int outerNc, int innerNc, UnetSkipConnectionBlock submodule, Norm norm,
                                                 boolean useDropout, Random dropoutRng) {
        return new UnetSkipConnectionBlock(Kind.MIDDLE, outerNc, innerNc, outerNc, submodule, norm, useDropout, dropoutRng);
    }

    /** The bottleneck level. */
    public static UnetSkipConnectionBlock innermost(int outerNc, int innerNc, Norm norm) {
        return new UnetSkipConnectionBlock(Kind.INNERMOST, outerNc, innerNc, outerNc, null, norm, false, null);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (kind == Kind.OUTERMOST) return model.forward(x);
        // model.0 is the LeakyReLU; its output is both the skip and the input of the rest (see the class comment).
        Tensor activated = model.forward(x, 0, 1);
        Tensor inner = model.forward(activated, 1, model.size());
        Tensor out = F.concat(List.of(activated, inner), 1);
        MemoryScope.passedOn(activated, x, out);   // concat saves nothing: both halves live on only if the graph saved them
        MemoryScope.passedOn(inner, x, out);
        return out;
    }
}
