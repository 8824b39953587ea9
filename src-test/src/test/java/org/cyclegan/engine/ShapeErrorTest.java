package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A wrong shape is an IllegalArgumentException whose message names the op and the shapes involved. */
class ShapeErrorTest {

    private static void assertShapeError(String op, Executable call, String... shapes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertTrue(m.startsWith(op + ":"), "message should start with the op name '" + op + "': " + m);
        for (String s : shapes) assertTrue(m.contains(s), "message should name shape " + s + ": " + m);
    }

    @Test void add_incompatibleShapes() {
        assertShapeError("add", () -> Tensor.zeros(2, 3).add(Tensor.zeros(4, 3)), "[2, 3]", "[4, 3]");
    }

    @Test void mul_incompatibleShapes() {
        assertShapeError("mul", () -> Tensor.zeros(2, 3, 4).mul(Tensor.zeros(3, 3)), "[2, 3, 4]", "[3, 3]");
    }

    @Test void matmul_innerDimensions() {
        assertShapeError("matmul", () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)), "[2, 3]", "[4, 5]");
    }

    @Test void conv2d_channelMismatch() {
        assertShapeError("conv2d", () -> F.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), null, 1, 1), "[1, 3, 8, 8]", "[4, 2, 3, 3]");
    }

    @Test void conv2d_wrongRank() {
        assertShapeError("conv2d", () -> F.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3), null, 1, 1), "[3, 8, 8]");
    }

    @Test void conv2d_kernelLargerThanInput() {
        assertShapeError("conv2d", () -> F.conv2d(Tensor.zeros(1, 1, 3, 3), Tensor.zeros(1, 1, 7, 7), null, 1, 0), "[1, 1, 3, 3]");
    }

    @Test void conv2d_biasMismatch() {
        assertShapeError("conv2d", () -> F.conv2d(Tensor.zeros(1, 2, 4, 4), Tensor.zeros(3, 2, 3, 3), Tensor.zeros(2), 1, 1), "[2]", "[3, 2, 3, 3]");
    }

    @Test void convTranspose2d_channelMismatch() {
        assertShapeError("conv_transpose2d", () -> F.convTranspose2d(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 3, 3, 3), null, 2, 1, 1), "[1, 3, 4, 4]", "[2, 3, 3, 3]");
    }

    @Test void convTranspose2d_outputPaddingNotSmallerThanStride() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F.convTranspose2d(Tensor.zeros(1, 2, 4, 4), Tensor.zeros(2, 2, 3, 3), null, 1, 1, 1));
        assertTrue(e.getMessage().startsWith("conv_transpose2d:") && e.getMessage().contains("stride"), e.getMessage());
    }

    @Test void reflectionPad_tooLarge() {
        assertShapeError("reflection_pad2d", () -> F.reflectionPad2d(Tensor.zeros(1, 1, 3, 3), 3), "[1, 1, 3, 3]");
    }

    @Test void instanceNorm_wrongRank() {
        assertShapeError("instance_norm", () -> F.instanceNorm(Tensor.zeros(2, 3), null, null, 1e-5f), "[2, 3]");
    }

    @Test void batchNorm_runningStatsMismatch() {
        assertShapeError("batch_norm", () -> F.batchNorm(Tensor.zeros(2, 3, 2, 2), Tensor.zeros(4), Tensor.ones(4), null, null, true, 0.1f, 1e-5f), "[4]", "[2, 3, 2, 2]");
    }

    @Test void concat_mismatchOutsideAxis() {
        assertShapeError("concat", () -> F.concat(List.of(Tensor.zeros(1, 2, 4, 4), Tensor.zeros(1, 2, 5, 4)), 1), "[1, 2, 4, 4]", "[1, 2, 5, 4]");
    }

    @Test void reshape_wrongCount() {
        assertShapeError("reshape", () -> Tensor.zeros(2, 3).reshape(4, 2), "[2, 3]", "[4, 2]");
    }

    @Test void losses_shapeMismatch() {
        assertShapeError("mse_loss", () -> F.mseLoss(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 4, 3)), "[1, 1, 4, 4]", "[1, 1, 4, 3]");
        assertShapeError("l1_loss", () -> F.l1Loss(Tensor.zeros(2), Tensor.zeros(3)), "[2]", "[3]");
        assertShapeError("bce_with_logits", () -> F.bceWithLogits(Tensor.zeros(2), Tensor.zeros(3)), "[2]", "[3]");
    }

    @Test void tensorOf_wrongCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
