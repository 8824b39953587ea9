package org.cyclegan.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Builds pickles byte by byte, the way Python's pickler writes them (protocol 2, as torch.save), for tests that need
 * exact, hand-made and hostile inputs.
 */
public final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A storage and a strided view of it, as a state dict's tensor. */
    public record TensorSpec(String storageKey, String storageClass, long storageNumel, long offset, long[] shape, long[] stride) {
        /** A contiguous float32 tensor filling storage {@code key}. */
        public static TensorSpec contiguous(String key, long... shape) {
            long n = 1;
            for (long d : shape) n *= d;
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            return new TensorSpec(key, "FloatStorage", n, 0, shape, stride);
        }
    }

    public static PickleBytes proto(int version) {
        return new PickleBytes().op(0x80).raw(version);
    }

    public PickleBytes op(int code) {
        out.write(code);
        return this;
    }

    public PickleBytes raw(int... bytes) {
        for (int b : bytes) out.write(b);
        return this;
    }

    public PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public PickleBytes le32(long v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    public PickleBytes le64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** GLOBAL: {@code c module \n name \n}. */
    public PickleBytes global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** BINUNICODE. */
    public PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').le32(b.length).raw(b);
    }

    /** SHORT_BINUNICODE. */
    public PickleBytes shortStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).raw(b.length).raw(b);
    }

    /** The smallest int opcode for a non-negative value: BININT1, BININT2 or BININT. */
    public PickleBytes integer(long v) {
        if (v >= 0 && v < 256) return op('K').raw((int) v);
        if (v >= 0 && v < 65536) return op('M').raw((int) v & 0xff, (int) (v >>> 8));
        return op('J').le32(v);
    }

    public PickleBytes mark() { return op('('); }
    public PickleBytes tuple() { return op('t'); }
    public PickleBytes tuple1() { return op(0x85); }
    public PickleBytes emptyTuple() { return op(')'); }
    public PickleBytes emptyDict() { return op('}'); }
    public PickleBytes setitems() { return op('u'); }
    public PickleBytes reduce() { return op('R'); }
    public PickleBytes persid() { return op('Q'); }
    public PickleBytes newFalse() { return op(0x89); }
    public PickleBytes none() { return op('N'); }
    public PickleBytes stop() { return op('.'); }

    /** A tuple of ints: MARK, each, TUPLE. */
    public PickleBytes intTuple(long... values) {
        mark();
        for (long v : values) integer(v);
        return tuple();
    }

    /**
     * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} with the storage
     * by persistent id: zip format {@code ('storage', torch.<class>, key, 'cpu', numel)}, legacy with a trailing None.
     */
    public PickleBytes tensor(TensorSpec t, boolean legacy) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", t.storageClass()).str(t.storageKey()).str("cpu").integer(t.storageNumel());
        if (legacy) none();
        tuple().persid();
        integer(t.offset()).intTuple(t.shape()).intTuple(t.stride()).newFalse();
        global("collections", "OrderedDict").emptyTuple().reduce();
        return tuple().reduce();
    }

    /** A whole state dict pickle: PROTO 2, OrderedDict() filled by SETITEMS, STOP. */
    public static byte[] stateDict(Map<String, TensorSpec> tensors, boolean legacy) {
        PickleBytes p = proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
        tensors.forEach((k, t) -> p.str(k).tensor(t, legacy));
        return p.setitems().stop().bytes();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
