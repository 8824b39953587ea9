package org.cyclegan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes PyTorch checkpoint files for tests (zip and legacy layouts) and reads the committed fixture files. */
public final class TorchFiles {
    private TorchFiles() {}

    /** A committed fixture's bytes. */
    public static byte[] fixture(String name) {
        try (InputStream in = TorchFiles.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalStateException("fixture " + name + " is missing; run src-test/fixtures/generate_interop_fixtures.py");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + name, e);
        }
    }

    /** A committed fixture copied into {@code dir} (the readers take paths). */
    public static Path fixtureFile(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), fixture(name));
    }

    /** A zip as torch.save writes it: {@code archive/data.pkl}, {@code archive/data/<key>}, all stored uncompressed. */
    public static Path zip(Path file, String archive, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(archive + "/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put(archive + "/data/" + k, v));
        entries.put(archive + "/version", "3\n".getBytes());
        return zipEntries(file, entries);
    }

    /** A zip of exactly these entries, stored uncompressed. */
    public static Path zipEntries(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                ze.setCompressedSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    /** The legacy (pre-1.6) layout: magic, protocol, system info, the object, the key list, then each storage. */
    public static byte[] legacy(byte[] objectPickle, Map<String, byte[]> storages, Map<String, Integer> elementBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 0x1950a86a20f9469cfc6c as LONG1, little-endian
        out.writeBytes(PickleBytes.proto(2).op(0x8a).raw(10).raw(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop().bytes());
        out.writeBytes(PickleBytes.proto(2).integer(1001).stop().bytes());
        out.writeBytes(PickleBytes.proto(2).emptyDict().mark().str("protocol_version").integer(1001).str("little_endian").op(0x88)
                .setitems().stop().bytes());
        out.writeBytes(objectPickle);
        PickleBytes keys = PickleBytes.proto(2).op(']').mark();
        storages.keySet().forEach(keys::str);
        out.writeBytes(keys.op('e').stop().bytes());
        storages.forEach((k, v) -> {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length / elementBytes.get(k)).array());
            out.writeBytes(v);
        });
        return out.toByteArray();
    }

    /** Little-endian float32 bytes. */
    public static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** Little-endian float32 bytes 0, 1, 2, ... n-1. */
    public static byte[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return floats(v);
    }
}
