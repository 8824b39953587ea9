package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width the cpu kernels use: the machine's preferred one, unless the system property
 * {@code cyclegan.vector.bits} (128, 256 or 512) asks for another, which lets benchmarks compare widths.
 */
final class VectorWidth {
    static final VectorSpecies<Float> SPECIES = choose();

    private VectorWidth() {}

    private static VectorSpecies<Float> choose() {
        String bits = System.getProperty("cyclegan.vector.bits");
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        try {
            return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Integer.parseInt(bits.trim()))).check(float.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cyclegan.vector.bits must be 128, 256 or 512, got '" + bits + "'", e);
        }
    }
}
