package org.cyclegan.train.run;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a {@code float[]} of n elements costs: its data alone ({@link #DATA}, 4n bytes), or what it takes of this JVM's
 * heap ({@link #heap()}), which is what counts against -Xmx.
 *
 * <p>On the heap an array has a 16-byte header and is padded to 8 bytes. With the G1 collector (the default) an array
 * of at least half a heap region is "humongous" and takes whole regions of its own: with 4 MB regions (G1's choice
 * for a heap of about 6 GB) a 2.4 MB convolution weight takes 4 MB, and a 4 MB activation plus its header takes 8 MB.
 * For CycleGAN's tensors that added 18 to 67% to the data in our measurements, so the estimate has to count it. Other
 * collectors are assumed to add only the header.
 */
@FunctionalInterface
public interface Footprint {
    long bytes(long floats);

    /** The data alone: 4 bytes a float. */
    Footprint DATA = floats -> 4 * floats;

    /** This JVM's heap: header, alignment, and G1's humongous regions when G1 is the collector. */
    static Footprint heap() {
        return g1(g1RegionBytes());
    }

    /** A heap whose G1 regions are {@code region} bytes (0: no regions to round to, another collector). */
    static Footprint g1(long region) {
        return floats -> {
            long object = (16 + 4 * floats + 7) / 8 * 8;
            if (region > 0 && object >= region / 2) return (object + region - 1) / region * region;
            return object;
        };
    }

    /** G1's region size, or 0 when G1 is not the collector (or the JVM does not say). */
    private static long g1RegionBytes() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null || !Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) return 0;
            return Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
        } catch (IllegalArgumentException e) {
            return 0;   // not a HotSpot JVM, or one without these options: no region rounding to model
        }
    }
}
