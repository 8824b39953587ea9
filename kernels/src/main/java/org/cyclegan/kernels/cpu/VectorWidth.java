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
        int n;
        try {
            n = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n != 128 && n != 256 && n != 512) throw new IllegalArgumentException("cyclegan.vector.bits must be 128, 256 or 512, got '" + bits + "'");
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(n)).check(float.class);
    }

    /** True when the chosen width is wider than the CPU's: the JDK then emulates it, correctly but slowly. */
    static boolean emulated() {
        return SPECIES.vectorBitSize() > FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
