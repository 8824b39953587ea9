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
 */
public final class Sequential extends Module {
    private final List<Module> layers;

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
            GraphCapture.enter(layers.get(i));   // for a graph export: which layer recorded the ops (else a no-op)
            try {
                next = layers.get(i).forward(h);
            } finally {
                GraphCapture.exit();
            }
            if (i > from) MemoryScope.passedOn(h, x, next);
            h = next;
        }
        return h;
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
