package org.cyclegan.model.interop.torch;

import java.nio.ByteBuffer;
import org.cyclegan.engine.io.HalfFloats;

/**
 * The element types of PyTorch storages, named in pickles by their storage class ({@code torch.FloatStorage}, or
 * {@code torch.cuda.FloatStorage} in files saved from a GPU). The class is only a name to us: it says how to read the
 * storage's bytes, nothing is instantiated.
 */
public enum TorchDType {
    FLOAT32("FloatStorage", 4, true),
    FLOAT64("DoubleStorage", 8, true),
    FLOAT16("HalfStorage", 2, true),
    BFLOAT16("BFloat16Storage", 2, true),
    INT64("LongStorage", 8, false),
    INT32("IntStorage", 4, false),
    INT16("ShortStorage", 2, false),
    INT8("CharStorage", 1, false),
    UINT8("ByteStorage", 1, false),
    BOOL("BoolStorage", 1, false);

    /** The storage class name in module {@code torch} (or {@code torch.cuda}). */
    public final String storageClass;
    public final int bytes;
    public final boolean floatingPoint;

    TorchDType(String storageClass, int bytes, boolean floatingPoint) {
        this.storageClass = storageClass;
        this.bytes = bytes;
        this.floatingPoint = floatingPoint;
    }

    /** The dtype whose storage class a pickle global names, or null if it names none. */
    public static TorchDType ofStorageGlobal(Pickle.Global g) {
        if (!g.module().equals("torch") && !g.module().equals("torch.cuda")) return null;
        for (TorchDType d : values()) if (d.storageClass.equals(g.name())) return d;
        return null;
    }

    /** PyTorch's name for it ({@code float32}, {@code int64}, ...). */
    public String torchName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Element {@code i} of a little-endian buffer as float32 (floating-point dtypes only). */
    float floatAt(ByteBuffer b, int i) {
        return switch (this) {
            case FLOAT32 -> b.getFloat(4 * i);
            case FLOAT64 -> (float) b.getDouble(8 * i);
            case FLOAT16 -> HalfFloats.float16ToFloat(b.getShort(2 * i));
            case BFLOAT16 -> HalfFloats.bfloat16ToFloat(b.getShort(2 * i));
            default -> throw new IllegalStateException(this + " is not a floating-point dtype");
        };
    }

    /** Element {@code i} of a little-endian buffer as a long (integer and bool dtypes only). */
    long integerAt(ByteBuffer b, int i) {
        return switch (this) {
            case INT64 -> b.getLong(8 * i);
            case INT32 -> b.getInt(4 * i);
            case INT16 -> b.getShort(2 * i);
            case INT8 -> b.get(i);
            case UINT8, BOOL -> b.get(i) & 0xff;
            default -> throw new IllegalStateException(this + " is not an integer dtype");
        };
    }
}
