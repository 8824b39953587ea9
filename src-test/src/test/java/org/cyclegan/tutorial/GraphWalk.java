package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Node;

/** Chapter 6: the recorded graph, the reverse topological walk, and gradients summed over a tensor's uses. */
final class GraphWalk {
    private GraphWalk() {}

    static void run() {
        // tutorial:begin graph
        Tensor x = Tensor.of(new float[] {3}, 1).requiresGrad(true);
        Tensor sq = x.mul(x);
        Tensor y = sq.add(x);                        // y = x² + x: x is used three times
        Node add = y.gradFn();
        assertEquals("add", add.op());
        assertSame(sq, add.inputs()[0]);             // the links of the graph: tensors, pointing back
        assertSame(x, add.inputs()[1]);
        assertEquals("mul", sq.gradFn().op());
        assertNull(x.gradFn());                      // a leaf
        // tutorial:end graph
        // tutorial:begin accumulate
        y.backward(Tensor.ones(1), true);            // retainGraph: walk the same graph again below
        assertArrayEquals(new float[] {7}, x.grad().toArray());    // 2x + 1: 3 (from mul) + 3 (mul) + 1 (add)
        y.backward(Tensor.ones(1));
        assertArrayEquals(new float[] {14}, x.grad().toArray());   // leaves accumulate, as PyTorch's .grad
        x.zeroGrad();
        assertNull(x.grad());
        // tutorial:end accumulate
    }
}
