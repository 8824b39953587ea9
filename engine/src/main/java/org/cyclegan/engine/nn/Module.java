package org.cyclegan.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;

/**
 * Base of every layer and network, as PyTorch's {@code nn.Module}: it owns named parameters (tensors that require grad
 * and that optimizers update), named buffers (state saved with the model but not trained, such as batch norm's running
 * statistics) and named child modules. Names join with dots, so a ResNet generator's keys read
 * {@code model.10.conv_block.1.weight} exactly as the PyTorch state dict does.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's computation. */
    public abstract Tensor forward(Tensor x);

    /** Registers a trainable parameter; returns it (now requiring grad). A null tensor registers nothing. */
    protected final Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        if (t == null) return null;
        parameters.put(name, t.requiresGrad(true));
        return t;
    }

    /** Registers a buffer: saved in the state dict, never trained. */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        if (t != null) buffers.put(name, t);
        return t;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module member name must be non-empty and contain no dot: '" + name + "'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": member '" + name + "' registered twice");
        }
    }

    /** Every parameter in this module and its descendants, with dotted names, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters and buffers with dotted names: what is saved and loaded. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withBuffers) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, withBuffers));
    }

    /** Total number of trainable values. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /**
     * Copies values into this module's parameters and buffers, in place. Every key must be present with the same
     * shape, and no unknown key may appear: a mismatch is an error that names the key, as PyTorch's strict loading.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: missing keys " + missing + ", unexpected keys " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' has shape " + Shape.str(src.shape())
                        + " but the module expects " + Shape.str(e.getValue().shape()));
            }
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor dst = e.getValue();
                dst.backend().copy(state.get(e.getKey()).to(dst.backend()), dst);
            }
        }
    }

    /** Training mode (dropout active, batch norm uses batch statistics) for this module and its descendants. */
    public final Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Forgets every parameter's gradient. */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Turns gradient tracking of every parameter on or off (CycleGAN freezes the discriminators during the G step). */
    public final void setRequiresGrad(boolean on) {
        for (Tensor p : namedParameters().values()) p.requiresGrad(on);
    }

    /**
     * Calls {@code fn} on every module below this one and then on this one, children first and in registration order,
     * exactly the order of PyTorch's {@code Module.apply} (the reference initializes a network with
     * {@code net.apply(init_func)}).
     */
    public final void apply(Consumer<? super Module> fn) {
        for (Module child : children.values()) child.apply(fn);
        fn.accept(this);
    }

    /**
     * This module (under the name {@code ""}) and every module below it under its dotted path, parents before their
     * children, as PyTorch's {@code named_modules()}: a path is the prefix of the state-dict keys its module owns.
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String path, Map<String, Module> out) {
        out.put(path, this);
        children.forEach((name, child) -> child.collectModules(path.isEmpty() ? name : path + "." + name, out));
    }

    /** The class's simple name; layers with options print them too ({@code Conv2d(3, 64, k=7, s=1, p=0)}). */
    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
