package org.cyclegan.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data block) plus an optional
 * {@code "__metadata__"} map of strings, then the raw little-endian data.
 *
 * <p>Files are written as F32. Reading also takes F16, BF16 and F64 (as files exported from PyTorch often are) and
 * widens or rounds them to float32, the engine's only element type; any other dtype is refused.
 *
 * <p>Reading trusts nothing in the file: the header length, every shape and every offset are checked against the
 * file's real size before any allocation, so a hostile file can neither read out of bounds nor make us allocate more
 * than the file holds. Writing goes through {@link AtomicFile}, so a crash never leaves a half-written checkpoint under
 * the real name.
 */
public final class Safetensors {
    /** Headers larger than this are refused (the format's own reference implementation uses the same limit). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private Safetensors() {}

    /** The tensors (in header order) and string metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static Contents read(Path file, Backend backend) throws IOException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 64) throw new IOException(file + ": " + size + " bytes is more than this reader handles (2 GB)");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(bytes, backend);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid safetensors file: " + e.getMessage(), e);
        }
    }

    /**
     * The string metadata of a file, from its header alone: the tensors' data is neither read nor checked (for a
     * caller that needs a training state's options, not its hundreds of megabytes of weights).
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        ByteBuffer header;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.size() >= 8) readFully(ch, length, 0);
            long headerLen = checkedHeaderLength(ch.size() < 8 ? -1 : length.getLong(0), ch.size());
            header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid safetensors file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return metadata(header(header.array(), 0, header.capacity()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid safetensors file: " + e.getMessage(), e);
        }
    }

    /** Fills {@code buf} from {@code ch} at {@code position}, or fails at the end of the file. */
    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) throw new IllegalArgumentException("file ends inside its header");
        }
    }

    /** The header length read from the first 8 bytes (−1: the file is shorter than that), checked against the file's size. */
    private static long checkedHeaderLength(long headerLen, long fileLength) {
        if (fileLength < 8) throw new IllegalArgumentException("file is " + fileLength + " bytes, shorter than the 8-byte header length");
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileLength - 8L) {
            throw new IllegalArgumentException("header length " + Long.toUnsignedString(headerLen) + " does not fit a file of " + fileLength + " bytes");
        }
        return headerLen;
    }

    /** The JSON header object held in {@code length} bytes of {@code bytes} from {@code offset}. */
    private static Map<?, ?> header(byte[] bytes, int offset, int length) {
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("header is not valid UTF-8");
        }
        Object parsed = Json.parse(headerText.stripTrailing());
        if (!(parsed instanceof Map<?, ?> header)) throw new IllegalArgumentException("header is not a JSON object");
        return header;
    }

    /** The header's {@code __metadata__} strings (none when it has no such entry). */
    private static Map<String, String> metadata(Map<?, ?> header) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Object value = header.get("__metadata__");
        if (value == null) return metadata;
        if (!(value instanceof Map<?, ?> meta)) throw new IllegalArgumentException("__metadata__ is not an object");
        for (Map.Entry<?, ?> m : meta.entrySet()) {
            if (!(m.getValue() instanceof String sv)) throw new IllegalArgumentException("__metadata__ value for '" + m.getKey() + "' is not a string");
            metadata.put((String) m.getKey(), sv);
        }
        return metadata;
    }

    /** Parses a whole file held in memory; {@link IllegalArgumentException} says what is wrong. */
    public static Contents parse(byte[] bytes, Backend backend) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = checkedHeaderLength(bytes.length < 8 ? -1 : buf.getLong(0), bytes.length);
        Map<?, ?> header = header(bytes, 8, (int) headerLen);
        int dataStart = 8 + (int) headerLen;
        long dataLen = bytes.length - (long) dataStart;

        Map<String, String> metadata = metadata(header);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        java.util.TreeMap<Long, long[]> spans = new java.util.TreeMap<>();   // begin -> {end}, to check the layout
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) continue;
            if (!(e.getValue() instanceof Map<?, ?> info)) throw new IllegalArgumentException("entry '" + name + "' is not an object");
            Object dtype = info.get("dtype");
            int elementBytes = elementBytes(dtype);
            if (elementBytes == 0) throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dtype + "; only F32, F16, BF16 and F64 are supported");
            int[] shape = intList(name, "shape", info.get("shape"), 8);
            long[] offsets = longPair(name, info.get("data_offsets"));
            long expected = (long) elementBytes * Shape.numel(shape);
            if (offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLen) {
                throw new IllegalArgumentException("tensor '" + name + "' data_offsets " + offsets[0] + ".." + offsets[1] + " lie outside the " + dataLen + "-byte data block");
            }
            if (offsets[1] - offsets[0] != expected) {
                throw new IllegalArgumentException("tensor '" + name + "' shape " + Shape.str(shape) + " needs " + expected + " bytes but data_offsets span " + (offsets[1] - offsets[0]));
            }
            if (expected > 0 && spans.put(offsets[0], new long[] {offsets[1]}) != null) {
                throw new IllegalArgumentException("tensor '" + name + "' starts at offset " + offsets[0] + " like another tensor");
            }
            float[] values = new float[Shape.numel(shape)];
            readAsFloat32((String) dtype, buf, dataStart + (int) offsets[0], values);
            tensors.put(name, Tensor.of(backend, values, shape));
        }
        // As the format requires: the tensors tile the data block exactly, with no overlap, gap or trailing bytes.
        long at = 0;
        for (Map.Entry<Long, long[]> s : spans.entrySet()) {
            if (s.getKey() != at) throw new IllegalArgumentException("data block has a gap or an overlap at byte " + Math.min(at, s.getKey()));
            at = s.getValue()[0];
        }
        if (at != dataLen) throw new IllegalArgumentException("data block has " + (dataLen - at) + " bytes that belong to no tensor");
        return new Contents(tensors, metadata);
    }

    /** Bytes per element of a dtype this reader takes, 0 for any other. */
    private static int elementBytes(Object dtype) {
        if (!(dtype instanceof String d)) return 0;
        return switch (d) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> 0;
        };
    }

    private static void readAsFloat32(String dtype, ByteBuffer buf, int at, float[] out) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(at);
        switch (dtype) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F16" -> { for (int i = 0; i < out.length; i++) out[i] = HalfFloats.float16ToFloat(b.getShort()); }
            case "BF16" -> { for (int i = 0; i < out.length; i++) out[i] = HalfFloats.bfloat16ToFloat(b.getShort()); }
            case "F64" -> { for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble(); }
            default -> throw new IllegalStateException("dtype " + dtype + " passed elementBytes");
        }
    }

    private static int[] intList(String name, String field, Object v, int maxRank) {
        if (!(v instanceof List<?> l)) throw new IllegalArgumentException("tensor '" + name + "' " + field + " is not a list");
        if (l.size() > maxRank) throw new IllegalArgumentException("tensor '" + name + "' has rank " + l.size() + " (more than " + maxRank + ")");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "' " + field + " holds an invalid dimension " + l.get(i));
            }
            out[i] = (int) (long) d;
        }
        return out;
    }

    private static long[] longPair(String name, Object v) {
        if (!(v instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long a) || !(l.get(1) instanceof Long b)) {
            throw new IllegalArgumentException("tensor '" + name + "' data_offsets must be two integers, got " + v);
        }
        return new long[] {a, b};
    }

    /**
     * Writes tensors (in map order) and metadata to {@code file} atomically: a temporary file in the same folder is
     * written, flushed to disk and renamed over the target.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        List<Tensor> blocks = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) shape.add((long) d);
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + 4L * t.numel()));
            header.put(e.getKey(), info);
            offset += 4L * t.numel();
            blocks.add(t);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;   // keep the data block 8-byte aligned, as the format recommends
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        // One tensor's values at a time, through one small buffer: saving a training state must not need a second copy
        // of every weight and moment on a heap sized for training.
        AtomicFile.write(file, ch -> {
            writeFully(ch, head);
            ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : blocks) {
                float[] values = t.toArray();
                for (int from = 0; from < values.length; from += b.capacity() / 4) {
                    int n = Math.min(b.capacity() / 4, values.length - from);
                    b.clear();
                    b.asFloatBuffer().put(values, from, n);
                    b.limit(4 * n);
                    writeFully(ch, b);
                }
            }
        });
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

}
