package org.cyclegan.model.networks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.Dropout;
import org.cyclegan.model.layers.ReLU;
import org.cyclegan.model.layers.ReflectionPad2d;
import org.cyclegan.model.layers.Sequential;

/**
 * A residual block, {@code x + conv_block(x)}, with
 * <pre>
 *   conv_block = [ReflectionPad2d(1), Conv2d(dim, dim, 3), norm, ReLU, (Dropout(0.5)), ReflectionPad2d(1), Conv2d(dim, dim, 3), norm]
 * </pre>
 * and no ReLU after the addition. State-dict keys: {@code conv_block.1.weight}, {@code conv_block.5.weight} (or
 * {@code conv_block.6.weight} with dropout), plus biases or batch-norm entries.
 *
 * <p>The reference also offers 'replicate' and 'zero' padding, but {@code define_G} never selects them; only the
 * reflection padding it uses is built here.
 */
public final class ResnetBlock extends Module {
    private final Sequential convBlock;
    private final boolean useDropout;
    private boolean recompute;

    /**
     * @param dropoutRng masks for the dropout layer; may be null when {@code useDropout} is false
     */
    public ResnetBlock(int dim, Norm norm, boolean useDropout, boolean useBias, Random dropoutRng) {
        List<Module> block = new ArrayList<>();
        block.add(new ReflectionPad2d(1));
        block.add(new Conv2d(dim, dim, 3, 1, 0, useBias));
        block.add(norm.create(dim));
        block.add(new ReLU());
        if (useDropout) block.add(new Dropout(0.5f, dropoutRng));
        block.add(new ReflectionPad2d(1));
        block.add(new Conv2d(dim, dim, 3, 1, 0, useBias));
        block.add(norm.create(dim));
        convBlock = registerModule("conv_block", new Sequential(block));
        this.useDropout = useDropout;
    }

    /**
     * With {@code on}, training keeps only the block's input and recomputes the block during backward (see
     * {@code Recompute}): less memory, one more forward of the block. Not with dropout, whose masks would differ.
     */
    public void setRecompute(boolean on) {
        if (on && useDropout) throw new IllegalArgumentException("recompute: a residual block with dropout would draw new masks when recomputed; use no dropout");
        recompute = on;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor block = recompute ? F.recompute("resnet_block", convBlock::forward, x, convBlock.parameters()) : convBlock.forward(x);
        Tensor y = x.add(block);
        MemoryScope.passedOn(block, x, y);   // the add saves nothing; the block's last norm holds what its backward needs
        return y;
    }
}
