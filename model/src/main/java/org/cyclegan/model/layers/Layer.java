package org.cyclegan.model.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.cyclegan.engine.nn.Module;

/**
 * The base of every layer and network in {@code model/}: an engine {@link Module} that can be walked.
 *
 * <p>The reference initializes a network with PyTorch's {@code net.apply(init_func)}, which visits every submodule.
 * The engine's {@code Module} keeps its children to itself (they are protected), so this class adds the walk.
 * Java's protected access only reaches children through a reference of this subclass, which is why every module of a
 * network must be a {@code Layer}: {@link #apply} refuses a child that is not.
 */
public abstract class Layer extends Module {

    /**
     * Calls {@code fn} on every layer below this one and then on this one, children first and in registration order,
     * exactly the order of PyTorch's {@code Module.apply}.
     */
    public final void apply(Consumer<Layer> fn) {
        children().forEach((name, child) -> {
            if (!(child instanceof Layer layer)) {
                throw new IllegalStateException(getClass().getSimpleName() + ": child '" + name + "' ("
                        + child.getClass().getName() + ") is not a Layer, so it cannot be walked");
            }
            layer.apply(fn);
        });
        fn.accept(this);
    }

    /**
     * This layer (under the name {@code ""}) and every layer below it under its dotted path, as PyTorch's
     * {@code named_modules()}: the prefix of the state-dict keys the layer owns.
     */
    public final Map<String, Layer> namedLayers() {
        Map<String, Layer> out = new LinkedHashMap<>();
        collectLayers("", out);
        return out;
    }

    private void collectLayers(String path, Map<String, Layer> out) {
        out.put(path, this);
        children().forEach((name, child) -> {
            if (!(child instanceof Layer layer)) {
                throw new IllegalStateException(getClass().getSimpleName() + ": child '" + name + "' is not a Layer, so it cannot be walked");
            }
            layer.collectLayers(path.isEmpty() ? name : path + "." + name, out);
        });
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
