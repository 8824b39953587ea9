package org.cyclegan.model.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GraphCapture;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.Sequential}: layers applied one after the other, registered as children "0", "1", … so that the
 * state-dict keys read {@code model.1.weight} as PyTorch's do. Layers without parameters (pads, activations,
 * instance norm, Identity) still take an index.
 *
 * <p>A {@link ReflectionPad2d} followed by an unpadded {@link Conv2d} (the ResNet generator's 7×7 layers and its
 * blocks' 3×3 convolutions) runs as one reflection-padded convolution ({@link Conv2d#forwardReflectionPadded}): the
 * same values, without the padded copy of the activation that the convolution would otherwise read and its backward
 * keep. Both layers keep their indices. The system property {@value #FUSE_PADDING_PROPERTY}{@code =false} runs them
 * one after the other, as written (to measure the difference).
 */
public final class Sequential extends Module {
    public static final String FUSE_PADDING_PROPERTY = "cyclegan.fuse.padding";

    /** The property's value read: true (also when unset or blank) or false, in any case; anything else is refused. */
    public static boolean fusePadding(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("true")) return true;
        if (value.trim().equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(FUSE_PADDING_PROPERTY + " must be true or false, got '" + value + "'");
    }

    private final List<Module> layers;
    /** {@value #FUSE_PADDING_PROPERTY}, read when the network is built (a wrong value is refused there, by name). */
    private final boolean fusePadding = fusePadding(System.getProperty(FUSE_PADDING_PROPERTY));

    public Sequential(List<? extends Module> layers) {
        List<Module> list = new ArrayList<>();
        for (Module layer : layers) list.add(registerModule(Integer.toString(list.size()), layer));
        this.layers = Collections.unmodifiableList(list);
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0, layers.size());
    }

    /**
     * Runs layers {@code from} (inclusive) to {@code to} (exclusive) on x. Each intermediate result is passed on to the
     * next layer and then marked done ({@link MemoryScope#passedOn}): it lives on only if the graph saved it for
     * backward, so under noGrad just the activations in flight are held.
     */
    public Tensor forward(Tensor x, int from, int to) {
        if (from < 0 || to > layers.size() || from > to) {
            throw new IndexOutOfBoundsException("Sequential of " + layers.size() + " layers: range [" + from + ", " + to + ")");
        }
        Tensor h = x;
        for (int i = from; i < to; i++) {
            Tensor next;
            boolean fused = i + 1 < to && fusesWithNext(i);
            Module layer = layers.get(fused ? i + 1 : i);
            GraphCapture.enter(layer);   // for a graph export: which layer recorded the ops (else a no-op)
            try {
                next = fused ? ((Conv2d) layer).forwardReflectionPadded(h, ((ReflectionPad2d) layers.get(i)).padding()) : layer.forward(h);
            } finally {
                GraphCapture.exit();
            }
            if (i > from) MemoryScope.passedOn(h, x, next);
            h = next;
            if (fused) i++;
        }
        return h;
    }

    /** Layer i is a reflection pad and layer i + 1 an unpadded convolution: one op for both. */
    private boolean fusesWithNext(int i) {
        return fusePadding && layers.get(i) instanceof ReflectionPad2d && layers.get(i + 1) instanceof Conv2d conv && conv.padding() == 0;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    public List<Module> layers() {
        return layers;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) sb.append(i == 0 ? "" : ", ").append(i).append(": ").append(layers.get(i));
        return sb.append(')').toString();
    }
}
