package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;

/** Chapter 7: who holds a tensor's memory, and the moment each holder lets go. */
final class MemoryLifetimes {
    private MemoryLifetimes() {}

    static void run() {
        // tutorial:begin lifetimes
        Tensor x = Tensor.randn(new Random(0), 1000).requiresGrad(true);   // made outside any scope: a parameter
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = x.tanh();                     // 4,000 bytes; tanh's node saves y (its rule reads 1 − y²)
            Tensor loss = y.sum();                   // 4 bytes
            MemoryScope.done(y);                     // the maker is finished with y, the node still holds it
            assertFalse(y.isReleased());
            assertEquals(4_004, scope.liveBytes());
            loss.backward();                         // tanh's backward ran: its node let go of y
            assertTrue(y.isReleased());
            assertEquals(4 + 4 + 4_000, scope.liveBytes());   // loss, the seed 1, and x.grad held by x
            x.zeroGrad();                                      // the leaf's hold given back
            assertEquals(8, scope.liveBytes());
        }
        // tutorial:end lifetimes
    }
}
