package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cyclegan.model.interop.torch.StoredTensor;
import org.cyclegan.model.interop.torch.TorchCheckpoint;
import org.cyclegan.model.interop.torch.TorchDType;
import org.cyclegan.testing.PickleBytes;
import org.cyclegan.testing.PickleBytes.TensorSpec;
import org.cyclegan.testing.TorchFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading PyTorch checkpoints: the files {@code torch.save} wrote (src-test/fixtures/generate_interop_fixtures.py),
 * tensor views and dtypes built by hand, and every broken or hostile file refused with a message naming the file.
 */
class TorchCheckpointTest {
    @TempDir Path dir;

    private TorchCheckpoint.StateDict read(String fixture) throws IOException {
        return TorchCheckpoint.readStateDict(TorchFiles.fixtureFile(dir, fixture), null);
    }

    private static Map<String, TensorSpec> one(String key, TensorSpec t) {
        Map<String, TensorSpec> m = new LinkedHashMap<>();
        m.put(key, t);
        return m;
    }

    /** The message of the IOException reading {@code file} throws; it must name the file. */
    private static String refused(Path file) {
        String msg = assertThrows(IOException.class, () -> TorchCheckpoint.readStateDict(file, null)).getMessage();
        assertTrue(msg.contains(file.toString()), "the message names the file: " + msg);
        return msg;
    }

    private static void assertContains(String msg, String... parts) {
        for (String p : parts) assertTrue(msg.contains(p), "expected '" + p + "' in: " + msg);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // files written by torch.save

    @Test void zipCheckpointOfTheReference() throws IOException {
        TorchCheckpoint.StateDict sd = read("interop_resnet_6blocks.pth");
        assertEquals(TorchCheckpoint.Format.ZIP, sd.format());
        assertNull(sd.entry());
        StoredTensor stem = sd.tensors().get("model.1.weight");
        assertEquals(TorchDType.FLOAT32, stem.dtype());
        assertArrayEquals(new int[] {4, 3, 7, 7}, stem.shape());
        assertEquals("model.1.weight", sd.tensors().keySet().iterator().next(), "the file's order");
        assertTrue(sd.tensors().containsKey("model.15.conv_block.5.weight"));
    }

    @Test void legacyCheckpointHoldsTheSameValuesAsTheZipOne() throws IOException {
        TorchCheckpoint.StateDict zip = read("interop_resnet_6blocks.pth");
        TorchCheckpoint.StateDict legacy = read("interop_legacy_resnet_6blocks.pth");
        assertEquals(TorchCheckpoint.Format.LEGACY, legacy.format());
        assertEquals(List.copyOf(zip.tensors().keySet()), List.copyOf(legacy.tensors().keySet()));
        zip.tensors().forEach((k, t) -> {
            assertArrayEquals(t.shape(), legacy.tensors().get(k).shape(), k);
            assertArrayEquals(t.floats(), legacy.tensors().get(k).floats(), k);
        });
    }

    @Test void batchNormCounterIsInt64() throws IOException {
        StoredTensor n = read("interop_unet_256.pth").tensors().get("model.model.1.model.2.num_batches_tracked");
        assertEquals(TorchDType.INT64, n.dtype());
        assertArrayEquals(new int[0], n.shape());
        assertArrayEquals(new long[] {7}, n.integers());
    }

    @Test void wrappedFloat16CheckpointIsFoundUnderItsEntry() throws IOException {
        TorchCheckpoint.StateDict sd = read("interop_old_wrapped.pth");
        assertEquals("state_dict", sd.entry(), "the only dict of tensors in {state_dict: ..., epoch: 7}");
        assertEquals(TorchDType.FLOAT16, sd.tensors().get("module.model.1.weight").dtype());
        assertTrue(sd.tensors().containsKey("module.model.2.running_mean"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // views and dtypes, by hand

    @Test void stridedViewsOffsetsAndSharedStorages() throws IOException {
        Map<String, TensorSpec> t = new LinkedHashMap<>();
        // A 2x3 tensor stored transposed: storage 0..5 holds the 3x2 matrix, the tensor reads it with strides (1, 2).
        t.put("transposed", new TensorSpec("0", "FloatStorage", 6, 0, new long[] {2, 3}, new long[] {1, 2}));
        // A view of elements 4 and 5 of a storage of 8 (a slice: the storage is larger than the tensor).
        t.put("tail", new TensorSpec("2", "FloatStorage", 8, 4, new long[] {2}, new long[] {1}));
        t.put("scalar", new TensorSpec("1", "FloatStorage", 1, 0, new long[0], new long[0]));
        Path f = TorchFiles.zip(dir.resolve("views.pth"), "views", PickleBytes.stateDict(t, false),
                Map.of("0", TorchFiles.ramp(6), "1", TorchFiles.floats(42f), "2", TorchFiles.ramp(8)));
        Map<String, StoredTensor> sd = TorchCheckpoint.readStateDict(f, null).tensors();
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, sd.get("transposed").floats());
        assertArrayEquals(new float[] {4, 5}, sd.get("tail").floats());
        assertArrayEquals(new float[] {42}, sd.get("scalar").floats());
    }

    @Test void theSameTensorUnderTwoKeysIsReadOnce() throws IOException {
        // {a: t, b: t} with t memoized (BINPUT / BINGET), as torch.save writes a tensor shared by two entries.
        TensorSpec spec = TensorSpec.contiguous("0", 3);
        byte[] pickle = PickleBytes.proto(2).emptyDict().mark().str("a").tensor(spec, false).op('q').raw(9)
                .str("b").op('h').raw(9).setitems().stop().bytes();
        Path f = TorchFiles.zip(dir.resolve("tied.pth"), "tied", pickle, Map.of("0", TorchFiles.ramp(3)));
        Map<String, StoredTensor> sd = TorchCheckpoint.readStateDict(f, null).tensors();
        assertSame(sd.get("a"), sd.get("b"));
    }

    @Test void everyFloatDtypeIsConvertedToFloat32() throws IOException {
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5);
        ByteBuffer f16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001).putShort((short) 0x7c00);   // 1, -2, 2^-24, inf
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3f80).putShort((short) 0xbfc0);   // 1, -1.5
        Map<String, TensorSpec> t = new LinkedHashMap<>();
        t.put("f64", new TensorSpec("0", "DoubleStorage", 2, 0, new long[] {2}, new long[] {1}));
        t.put("f16", new TensorSpec("1", "HalfStorage", 4, 0, new long[] {4}, new long[] {1}));
        t.put("bf16", new TensorSpec("2", "BFloat16Storage", 2, 0, new long[] {2}, new long[] {1}));
        t.put("i32", new TensorSpec("3", "IntStorage", 1, 0, new long[] {1}, new long[] {1}));
        Path f = TorchFiles.zip(dir.resolve("dtypes.pth"), "dtypes", PickleBytes.stateDict(t, false),
                Map.of("0", f64.array(), "1", f16.array(), "2", bf16.array(), "3", new byte[] {-3, -1, -1, -1}));
        Map<String, StoredTensor> sd = TorchCheckpoint.readStateDict(f, null).tensors();
        assertArrayEquals(new float[] {0.1f, -2.5f}, sd.get("f64").floats());
        assertArrayEquals(new float[] {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY}, sd.get("f16").floats());
        assertArrayEquals(new float[] {1f, -1.5f}, sd.get("bf16").floats());
        assertEquals(TorchDType.INT32, sd.get("i32").dtype());
        assertArrayEquals(new long[] {-3}, sd.get("i32").integers(), "an int tensor keeps its values; the caller decides");
    }

    @Test void pytorch03TensorsAndParametersAreRead() throws IOException {
        // PyTorch 0.3: torch._utils._rebuild_tensor(storage, offset, size, stride); a saved nn.Parameter wraps its data.
        byte[] pickle = PickleBytes.proto(2).emptyDict().mark()
                .str("v1").global("torch._utils", "_rebuild_tensor").mark()
                .mark().str("storage").global("torch.cuda", "FloatStorage").str("0").str("cuda:0").integer(2).tuple().persid()
                .integer(0).intTuple(2).intTuple(1).tuple().reduce()
                .str("param").global("torch._utils", "_rebuild_parameter").mark().tensor(TensorSpec.contiguous("1", 1), false)
                .op(0x88).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce()
                .setitems().stop().bytes();
        Path f = TorchFiles.zip(dir.resolve("old.pth"), "old", pickle, Map.of("0", TorchFiles.floats(1, 2), "1", TorchFiles.floats(3)));
        Map<String, StoredTensor> sd = TorchCheckpoint.readStateDict(f, null).tensors();
        assertArrayEquals(new float[] {1, 2}, sd.get("v1").floats());
        assertArrayEquals(new float[] {3}, sd.get("param").floats());
    }

    @Test void legacyLayoutByHand() throws IOException {
        byte[] pickle = PickleBytes.stateDict(one("w", TensorSpec.contiguous("140234", 2, 2)), true);
        byte[] file = TorchFiles.legacy(pickle, Map.of("140234", TorchFiles.ramp(4)), Map.of("140234", 4));
        Path f = Files.write(dir.resolve("legacy.pt"), file);
        TorchCheckpoint.StateDict sd = TorchCheckpoint.readStateDict(f, null);
        assertEquals(TorchCheckpoint.Format.LEGACY, sd.format());
        assertArrayEquals(new float[] {0, 1, 2, 3}, sd.tensors().get("w").floats());
    }

    @Test void severalStateDictsNeedAName() throws IOException {
        byte[] pickle = PickleBytes.proto(2).emptyDict().mark()
                .str("netG_A").emptyDict().mark().str("w").tensor(TensorSpec.contiguous("0", 1), false).setitems()
                .str("netG_B").emptyDict().mark().str("w").tensor(TensorSpec.contiguous("1", 1), false).setitems()
                .setitems().stop().bytes();
        Path f = TorchFiles.zip(dir.resolve("two.pth"), "two", pickle, Map.of("0", TorchFiles.floats(1), "1", TorchFiles.floats(2)));
        TorchCheckpoint.SeveralStateDictsException e = assertThrows(TorchCheckpoint.SeveralStateDictsException.class,
                () -> TorchCheckpoint.readStateDict(f, null));
        assertEquals(List.of("netG_A", "netG_B"), e.names);
        assertArrayEquals(new float[] {2}, TorchCheckpoint.readStateDict(f, "netG_B").tensors().get("w").floats());
        assertContains(assertThrows(IOException.class, () -> TorchCheckpoint.readStateDict(f, "netD")).getMessage(), "no entry 'netD'", "netG_A");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // broken and hostile files

    @Test void hostilePickleInsideACheckpointIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pickle-was-executed");
        for (byte[] hostile : List.of(PickleTest.osSystemProtocol2("touch " + marker), PickleTest.osSystemProtocol4("touch " + marker))) {
            Path f = TorchFiles.zip(dir.resolve("evil.pth"), "evil", hostile, Map.of());
            assertContains(refused(f), "'posix.system'", "not allowed");
            Path legacy = Files.write(dir.resolve("evil_legacy.pth"), TorchFiles.legacy(hostile, Map.of(), Map.of()));
            assertContains(refused(legacy), "'posix.system'", "not allowed");
        }
        assertFalse(Files.exists(marker), "the command in the pickle must not have run");
    }

    @Test void aWholePickledModelIsRefusedByName() throws IOException {
        // torch.save(model) pickles the module's class: GLOBAL '__main__ ResnetGenerator', then NEWOBJ / BUILD.
        byte[] pickle = PickleBytes.proto(2).global("__main__", "ResnetGenerator").op('q').raw(0).op(')').op(0x81).stop().bytes();
        assertContains(refused(TorchFiles.zip(dir.resolve("model.pth"), "model", pickle, Map.of())), "'__main__.ResnetGenerator'");
    }

    @Test void truncatedZipIsRefused() throws IOException {
        byte[] whole = TorchFiles.fixture("interop_resnet_6blocks.pth");
        for (int keep : new int[] {whole.length / 2, whole.length - 10, 30}) {
            Path f = Files.write(dir.resolve("truncated.pth"), Arrays.copyOf(whole, keep));
            assertContains(refused(f), "not a readable zip archive");
        }
    }

    @Test void zipEntryLengthFarPastTheEndIsRefusedBeforeAllocating() throws IOException {
        byte[] whole = TorchFiles.fixture("interop_resnet_6blocks.pth");
        setCentralSizes(whole, "interop_resnet_6blocks/data/0", 0x7ff00000L);
        Path f = Files.write(dir.resolve("liar.pth"), whole);
        String msg = refused(f);
        assertTrue(msg.contains("data/0") && (msg.contains("more than the whole file") || msg.contains("not a readable zip archive")), msg);
    }

    @Test void compressedEntryLargerThanTheFileIsRefused() throws IOException {
        // 64 MB of zeros deflate to a few KB: a record larger than the whole file is a lie or a bomb.
        byte[] pickle = PickleBytes.stateDict(one("w", TensorSpec.contiguous("0", 16 << 20)), false);
        Path f = dir.resolve("bomb.pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            z.putNextEntry(new ZipEntry("bomb/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("bomb/data/0"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) z.write(zeros);
            z.closeEntry();
        }
        assertContains(refused(f), "bomb/data/0", "more than the whole file");
    }

    @Test void recordsThatTogetherHoldMoreThanTheFileAreRefused() throws IOException {
        // Each deflated record declares less than the file's size, but twenty of them declare far more than it holds.
        int floats = 40_000;   // 160 KB each
        Map<String, TensorSpec> specs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 20; i++) specs.put("t" + i, TensorSpec.contiguous(Integer.toString(i), floats));
        byte[] pickle = PickleBytes.stateDict(specs, false);
        Path f = dir.resolve("many.pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("many/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("many/padding"));   // incompressible, so the file is larger than any one record
            byte[] noise = new byte[200_000];
            new java.util.Random(1).nextBytes(noise);
            z.write(noise);
            z.closeEntry();
            for (int i = 0; i < 20; i++) {
                z.putNextEntry(new ZipEntry("many/data/" + i));
                z.write(new byte[4 * floats]);
                z.closeEntry();
            }
        }
        assertTrue(Files.size(f) > 4L * floats, "each record alone fits in the file");
        assertContains(refused(f), "more than the whole file", "besides the records read before it");
    }

    @Test void storageShorterThanDeclaredOrThanItsTensorIsRefused() throws IOException {
        // The record holds 8 bytes where the persistent id declares 12 float32 elements.
        Path shortRecord = TorchFiles.zip(dir.resolve("short.pth"), "short",
                PickleBytes.stateDict(one("model.1.weight", TensorSpec.contiguous("0", 3, 4)), false), Map.of("0", new byte[8]));
        assertContains(refused(shortRecord), "storage '0' holds 8 bytes", "need 48");
        // The storage is consistent, but the tensor's view (4x4 from offset 0) reaches past its 12 elements.
        Path shortStorage = TorchFiles.zip(dir.resolve("view.pth"), "view", PickleBytes.stateDict(one("model.1.weight",
                new TensorSpec("0", "FloatStorage", 12, 0, new long[] {4, 4}, new long[] {4, 1})), false), Map.of("0", TorchFiles.ramp(12)));
        assertContains(refused(shortStorage), "'model.1.weight'", "reaches element 15", "holds 12");
        // Offset past the end, and a stride that overflows a long.
        Path offset = TorchFiles.zip(dir.resolve("offset.pth"), "offset", PickleBytes.stateDict(one("w",
                new TensorSpec("0", "FloatStorage", 2, 5, new long[] {1}, new long[] {1})), false), Map.of("0", TorchFiles.ramp(2)));
        assertContains(refused(offset), "reaches element 5");
        Path overflow = TorchFiles.zip(dir.resolve("overflow.pth"), "overflow", PickleBytes.stateDict(one("w",
                new TensorSpec("0", "FloatStorage", 2, 0, new long[] {2, 2, 2}, new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 1})), false),
                Map.of("0", TorchFiles.ramp(2)));
        assertContains(refused(overflow), "'w'", "holds 2");
    }

    @Test void broadcastViewsCannotDemandMoreValuesThanTheFileHolds() throws IOException {
        // One float viewed with stride 0 as 2^30 values would be 4 GB of floats from a 1 KB file.
        Path f = TorchFiles.zip(dir.resolve("broadcast.pth"), "broadcast", PickleBytes.stateDict(one("w",
                new TensorSpec("0", "FloatStorage", 1, 0, new long[] {1 << 15, 1 << 15}, new long[] {0, 0})), false), Map.of("0", TorchFiles.floats(1)));
        assertContains(refused(f), "view 1073741824 values", "hold only 1");
    }

    @Test void missingRecordsAreRefused() throws IOException {
        Path noPickle = TorchFiles.zipEntries(dir.resolve("nopickle.pth"), Map.of("x/data/0", TorchFiles.floats(1), "x/version", "3\n".getBytes()));
        assertContains(refused(noPickle), "no <archive>/data.pkl", "x/data/0");
        Path noStorage = TorchFiles.zip(dir.resolve("nostorage.pth"), "nostorage",
                PickleBytes.stateDict(one("w", TensorSpec.contiguous("7", 2)), false), Map.of());
        assertContains(refused(noStorage), "storage '7' has no record nostorage/data/7");
    }

    @Test void storageKeysCannotBePaths() throws IOException {
        Path f = TorchFiles.zip(dir.resolve("traversal.pth"), "traversal",
                PickleBytes.stateDict(one("w", TensorSpec.contiguous("../../etc/passwd", 2)), false), Map.of());
        assertContains(refused(f), "storage key is not a short plain name");
    }

    @Test void bigEndianStoragesAreRefused() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("be/data.pkl", PickleBytes.stateDict(one("w", TensorSpec.contiguous("0", 1)), false));
        entries.put("be/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        entries.put("be/data/0", TorchFiles.floats(1));
        assertContains(refused(TorchFiles.zipEntries(dir.resolve("be.pth"), entries)), "big-endian");
    }

    @Test void neitherZipNorPickleIsRefused() throws IOException {
        assertContains(refused(Files.writeString(dir.resolve("notes.pth"), "these are not weights")), "not a PyTorch checkpoint");
        assertContains(refused(Files.write(dir.resolve("empty.pth"), new byte[0])), "not a PyTorch checkpoint");
        // A pickle, but not torch.save's: a bare dict instead of the magic number.
        assertContains(refused(Files.write(dir.resolve("pickle.pth"), PickleBytes.proto(2).op(0x8a).raw(1, 5).stop().bytes())),
                "without PyTorch's magic number");
    }

    @Test void contentsThatAreNoStateDictAreRefused() throws IOException {
        Path list = TorchFiles.zip(dir.resolve("list.pth"), "list", PickleBytes.proto(2).op(']').stop().bytes(), Map.of());
        assertContains(refused(list), "holds a list, not a state dict");
        Path tensor = TorchFiles.zip(dir.resolve("tensor.pth"), "tensor",
                PickleBytes.proto(2).tensor(TensorSpec.contiguous("0", 1), false).stop().bytes(), Map.of("0", TorchFiles.floats(1)));
        assertContains(refused(tensor), "holds a single tensor");
        byte[] mixed = PickleBytes.proto(2).emptyDict().mark().str("w").tensor(TensorSpec.contiguous("0", 1), false)
                .str("epoch").integer(3).setitems().stop().bytes();
        assertContains(refused(TorchFiles.zip(dir.resolve("mixed.pth"), "mixed", mixed, Map.of("0", TorchFiles.floats(1)))),
                "holds a int under key epoch");
        Path noTensors = TorchFiles.zip(dir.resolve("none.pth"), "none", PickleBytes.proto(2).emptyDict().mark().str("epoch").integer(3)
                .setitems().stop().bytes(), Map.of());
        assertContains(refused(noTensors), "holds no state dict", "epoch");
    }

    @Test void brokenLegacyFilesAreRefused() throws IOException {
        byte[] whole = TorchFiles.fixture("interop_legacy_resnet_6blocks.pth");
        assertContains(refused(Files.write(dir.resolve("cut.pth"), Arrays.copyOf(whole, whole.length - 100))), "remain in the file (truncated?)");
        assertContains(refused(Files.write(dir.resolve("cut2.pth"), Arrays.copyOf(whole, 300))), "truncated");
        // A storage whose element count runs far past the end of the file.
        byte[] pickle = PickleBytes.stateDict(one("w", new TensorSpec("1", "FloatStorage", 1L << 28, 0, new long[] {1}, new long[] {1})), true);
        byte[] file = TorchFiles.legacy(pickle, Map.of("1", TorchFiles.floats(1)), Map.of("1", 4));
        ByteBuffer.wrap(file, file.length - 12, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 28);
        assertContains(refused(Files.write(dir.resolve("far.pth"), file)), "storage '1' needs 1073741824 bytes");
        // A listed storage that no tensor refers to has no known element size.
        byte[] unreferenced = TorchFiles.legacy(PickleBytes.stateDict(one("w", TensorSpec.contiguous("1", 1)), true),
                Map.of("2", TorchFiles.floats(1)), Map.of("2", 4));
        assertContains(refused(Files.write(dir.resolve("unref.pth"), unreferenced)), "storage '2' is listed but no tensor refers to it");
    }

    /** Overwrites the compressed and uncompressed sizes of {@code name}'s central directory record. */
    private static void setCentralSizes(byte[] zip, String name, long size) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 + n.length <= zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2
                    && Arrays.equals(Arrays.copyOfRange(zip, i + 46, i + 46 + n.length), n)
                    && (ByteBuffer.wrap(zip, i + 28, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() == n.length)) {
                ByteBuffer.wrap(zip, i + 20, 8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) size).putInt((int) size);
                return;
            }
        }
        throw new IllegalStateException("no central directory record for " + name);
    }
}
