package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.cyclegan.engine.Tensor;

/** Chapter 2: broadcasting copies an input, so its gradient is summed back over the copies (sumTo). */
final class Broadcasting {
    private Broadcasting() {}

    static void run() {
        // tutorial:begin bias
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {0, 0, 0}, 3).requiresGrad(true);      // a bias, one per column
        Tensor c = Tensor.of(new float[] {1, 1}, 2, 1).requiresGrad(true);      // a scale, one per row
        Tensor loss = a.mul(c).add(b).sum();                                    // [2, 3] · [2, 1] + [3]
        loss.backward();
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().toArray());           // b was used by both rows
        assertArrayEquals(new float[] {6, 15}, c.grad().toArray());             // Σ over each row of a
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, a.grad().toArray());  // a was not broadcast
        // tutorial:end bias
        // tutorial:begin sumTo
        Tensor g = Tensor.ones(2, 3);
        assertArrayEquals(new float[] {2, 2, 2}, g.sumTo(3).toArray());         // over the leading axis
        assertArrayEquals(new float[] {3, 3}, g.sumTo(2, 1).toArray());         // over the axis of size 1
        assertArrayEquals(new float[] {6}, g.sumTo(1, 1).toArray());
        // tutorial:end sumTo
    }
}
