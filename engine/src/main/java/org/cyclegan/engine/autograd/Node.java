package org.cyclegan.engine.autograd;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;

/**
 * One recorded op in the graph: its name (for error messages and graph printing), the tensors it consumed, the tensors
 * its backward reads (its <em>saved</em> tensors, as PyTorch's {@code ctx.save_for_backward}) and how to send a
 * gradient back to the inputs. A tensor produced by an op points to its node through {@code Tensor.gradFn()}.
 *
 * <p>The node holds its saved tensors' memory ({@link MemoryScope#retain}) from the forward until its backward has run;
 * then, unless the graph is retained for another backward, it lets go of them ({@link #free}), so each activation lives
 * exactly as long as the backward that needs it. The inputs are kept only as links of the graph: their memory is not
 * held for them.
 */
public final class Node {
    private final String op;
    private final Tensor[] inputs;
    private Tensor[] saved;
    private Backward backward;

    Node(String op, Tensor[] inputs, Tensor[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.backward = backward;
        for (Tensor t : saved) if (t != null) MemoryScope.retain(t);
    }

    public String op() {
        return op;
    }

    /** The op's inputs, in the order its backward returns their gradients (nulls where an input was absent). */
    public Tensor[] inputs() {
        return inputs;
    }

    /** What the backward reads besides the output gradient; empty once freed. */
    public List<Tensor> saved() {
        return saved == null ? List.of() : Collections.unmodifiableList(Arrays.asList(saved));
    }

    /** True once the backward has run and let go of the saved tensors. */
    public boolean isFreed() {
        return backward == null;
    }

    /** The gradients with respect to the inputs, given the gradient with respect to the output. */
    Tensor[] apply(Tensor gradOutput) {
        if (backward == null) {
            throw new IllegalStateException("backward through " + op + " a second time: its saved tensors were freed after the first backward"
                    + " (pass retainGraph = true to the first backward to go through a graph twice)");
        }
        return backward.apply(gradOutput);
    }

    /** Lets go of the saved tensors and of the backward function: called once the backward has run. */
    void free() {
        if (saved != null) for (Tensor t : saved) if (t != null) MemoryScope.release(t);
        saved = null;
        backward = null;
    }
}
