package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors round trip, and refusal of broken or hostile files with a message that says what is wrong. */
class SafetensorsTest {
    @TempDir Path dir;

    @Test void roundTripKeepsValuesShapesOrderAndMetadata() throws IOException {
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("model.1.weight", Tensor.randn(new Random(1), 4, 3, 7, 7));
        ts.put("model.1.bias", Tensor.randn(new Random(2), 4));
        ts.put("scalar", Tensor.scalar(3.5f));
        Path file = dir.resolve("net.safetensors");
        Safetensors.write(file, ts, Map.of("netG", "resnet_9blocks"));
        Safetensors.Contents c = Safetensors.read(file, Backends.getDefault());
        assertEquals(ts.keySet().stream().toList(), c.tensors().keySet().stream().toList());
        for (String k : ts.keySet()) {
            assertArrayEquals(ts.get(k).shape(), c.tensors().get(k).shape(), k);
            assertArrayEquals(ts.get(k).toArray(), c.tensors().get(k).toArray(), k);
        }
        assertEquals("resnet_9blocks", c.metadata().get("netG"));
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "data block is 8-byte aligned");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static void assertRefused(byte[] bytes, String expectedFragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.parse(bytes, Backends.getDefault()));
        assertTrue(e.getMessage().contains(expectedFragment), "message '" + e.getMessage() + "' should mention '" + expectedFragment + "'");
    }

    @Test void refusesTruncatedAndHostileFiles() {
        assertRefused(new byte[3], "shorter than");
        byte[] hugeHeader = new byte[16];
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        assertRefused(hugeHeader, "header length");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "outside");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,8]}}", 8), "elements");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        assertRefused(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "dtype I64");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "invalid dimension");
        assertRefused(file("{\"a\":", 0), "invalid JSON");
        assertRefused(file("[" .repeat(100) + "]".repeat(100), 0), "nested deeper");
        // The tensors must tile the data block: no overlap, no gap, no trailing bytes.
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "like another tensor");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "gap or an overlap");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "belong to no tensor");
        byte[] badUtf8 = file("{\"a\":1}", 0);
        badUtf8[10] = (byte) 0xC3;   // a lone UTF-8 lead byte inside the header
        assertRefused(badUtf8, "UTF-8");
    }

    /** A file of one tensor "t" of the given dtype and shape [n] with these raw little-endian bytes. */
    private static byte[] oneTensor(String dtype, int n, byte[] data) {
        byte[] f = file("{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + n + "],\"data_offsets\":[0," + data.length + "]}}", data.length);
        System.arraycopy(data, 0, f, f.length - data.length, data.length);
        return f;
    }

    @Test void readsF16Bf16AndF64AsFloat32() {
        ByteBuffer f16 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        // 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), -0, +inf
        for (int bits : new int[] {0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00}) f16.putShort((short) bits);
        float[] got = Safetensors.parse(oneTensor("F16", 6, f16.array()), Backends.getDefault()).tensors().get("t").toArray();
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY}, got);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[4]), "the sign of zero is kept");
        ByteBuffer nan = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x7e00);
        assertTrue(Float.isNaN(Safetensors.parse(oneTensor("F16", 1, nan.array()), Backends.getDefault()).tensors().get("t").toArray()[0]));
        // Every float16 value: widening must agree with the value the bits mean (checked through double arithmetic).
        for (int bits = 0; bits < 0x10000; bits++) {
            int exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
            if (exp == 0x1f) continue;
            double expected = (exp == 0 ? mant * Math.pow(2, -24) : (1024 + mant) * Math.pow(2, exp - 25)) * ((bits & 0x8000) != 0 ? -1 : 1);
            assertEquals((float) expected, org.cyclegan.engine.io.HalfFloats.float16ToFloat((short) bits), 0f, "half bits 0x" + Integer.toHexString(bits));
        }
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3f80).putShort((short) 0xc2c8);   // 1, -100
        assertArrayEquals(new float[] {1f, -100f}, Safetensors.parse(oneTensor("BF16", 2, bf16.array()), Backends.getDefault()).tensors().get("t").toArray());
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e300);
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, Safetensors.parse(oneTensor("F64", 2, f64.array()), Backends.getDefault()).tensors().get("t").toArray());
        // The byte count follows the dtype: two F16 values are 4 bytes, not 8.
        assertRefused(oneTensor("F16", 2, new byte[8]), "needs 4 bytes");
        assertRefused(oneTensor("BOOL", 1, new byte[1]), "dtype BOOL");
    }

    @Test void theMetadataAloneIsReadFromTheHeaderWithTheSameChecks() throws IOException {
        Path file = dir.resolve("state.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.randn(new Random(1), 3, 5)), Map.of("format", "x", "option.lr", "0.0002"));
        assertEquals(Safetensors.read(file, Backends.getDefault()).metadata(), Safetensors.readMetadata(file));
        Path none = dir.resolve("none.safetensors");
        Safetensors.write(none, Map.of("w", Tensor.scalar(1f)), Map.of());
        assertEquals(Map.of(), Safetensors.readMetadata(none));
        for (byte[] bad : new byte[][] {{1, 2, 3}, file("{\"__metadata__\": {\"a\": 1}}", 0), java.util.Arrays.copyOf(Files.readAllBytes(file), 20)}) {
            Path broken = dir.resolve("broken.safetensors");
            Files.write(broken, bad);
            IOException e = assertThrows(IOException.class, () -> Safetensors.readMetadata(broken));
            assertTrue(e.getMessage().contains("broken.safetensors") && e.getMessage().contains("not a valid safetensors file"), e.getMessage());
        }
    }

    @Test void readNamesTheFileOnError() throws IOException {
        Path bad = dir.resolve("broken.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(bad, Backends.getDefault()));
        assertTrue(e.getMessage().contains("broken.safetensors"), e.getMessage());
    }
}
