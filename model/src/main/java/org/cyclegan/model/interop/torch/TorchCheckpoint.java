package org.cyclegan.model.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the state dict out of a file written by PyTorch's {@code torch.save}, in either of its two formats:
 *
 * <ul>
 *   <li><b>zip</b> (PyTorch 1.6 and later): {@code <archive>/data.pkl}, the pickled object, whose tensors refer by
 *       persistent id to storages stored raw in {@code <archive>/data/<key>};
 *   <li><b>legacy</b> (before 1.6, or {@code _use_new_zipfile_serialization=False}): five pickles in a row (a magic
 *       number, the protocol version 1001, system info, the object, the list of storage keys) followed by each
 *       storage as an 8-byte element count and its raw bytes.
 * </ul>
 *
 * <p>The pickle is read by {@link Pickle}, which allows only the globals a state dict is made of:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} (and {@code _rebuild_tensor} of PyTorch
 * 0.3, {@code _rebuild_parameter}) and the storage classes as dtype names. Anything else (a pickled model class,
 * {@code os.system}, ...) is refused by name and nothing is ever executed.
 *
 * <p>Nothing in the file is trusted: entry sizes are checked against the file's real size before anything is
 * allocated, a storage must hold exactly the bytes its persistent id declares, every tensor view (offset, shape,
 * strides) must lie inside its storage, and the tensors together may not hold more values than their storages do.
 * Only the tensors of the chosen state dict are read.
 */
public final class TorchCheckpoint {
    /** The legacy format's first pickle (torch/serialization.py MAGIC_NUMBER). */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    /** The legacy format's second pickle (torch/serialization.py PROTOCOL_VERSION). */
    static final long LEGACY_PROTOCOL = 1001;
    /** Tensors of higher rank are refused (state dicts have rank 0 to 4). */
    static final int MAX_RANK = 8;
    /** Files (legacy: read whole) and entries (zip) beyond this are refused. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private TorchCheckpoint() {}

    /** The two layouts of {@code torch.save}. */
    public enum Format {
        ZIP("PyTorch zip checkpoint"), LEGACY("PyTorch legacy checkpoint");

        public final String description;

        Format(String description) {
            this.description = description;
        }
    }

    /**
     * The state dict found in a checkpoint: its tensors in the file's order, and the top-level entry it was found
     * under ({@code null} when the file's top level is the state dict itself).
     */
    public record StateDict(Format format, String entry, Map<String, StoredTensor> tensors) {}

    /** The file holds several state dicts under different names and none was chosen. */
    public static final class SeveralStateDictsException extends IOException {
        public final List<String> names;

        SeveralStateDictsException(String message, List<String> names) {
            super(message);
            this.names = List.copyOf(names);
        }
    }

    /** Which format the first bytes announce, or null when they announce neither (then it is no PyTorch checkpoint). */
    public static Format detect(byte[] head) {
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Format.ZIP;
        // PROTO n, then LONG1: the legacy magic number is the first thing pickled.
        if (head.length >= 3 && (head[0] & 0xff) == 0x80 && (head[2] & 0xff) == 0x8a) return Format.LEGACY;
        return null;
    }

    /** The format of a file by its first bytes, or null when it is not a PyTorch checkpoint. */
    public static Format detect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return detect(in.readNBytes(4));
        }
    }

    /**
     * Reads the state dict of {@code file}. The file's top level may be the state dict itself or a dict holding one
     * (e.g. {@code {"state_dict": ...}}); {@code entry} names the one to take when it holds several (null otherwise).
     * Every problem is an {@link IOException} whose message names the file.
     */
    public static StateDict readStateDict(Path file, String entry) throws IOException {
        long size;
        Format format;
        try {
            size = Files.size(file);
            format = detect(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (format == null) {
            throw new IOException(file + ": not a PyTorch checkpoint: it is neither a zip archive (torch.save since PyTorch 1.6)"
                    + " nor a legacy pickle checkpoint");
        }
        try {
            return format == Format.ZIP ? readZip(file, size, entry) : readLegacy(file, size, entry);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // zip format

    private static StateDict readZip(Path file, long fileSize, String entry) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable zip archive (truncated or damaged?): " + e.getMessage(), e);
        }
        try (zip) {
            String pickleName = null;
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                names.add(name);
                // PyTorch puts every record in one folder named after the file: <archive>/data.pkl, <archive>/data/0, ...
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (pickleName != null) throw new IOException(file + ": the zip holds two data.pkl records (" + pickleName + ", " + name + ")");
                    pickleName = name;
                }
            }
            if (pickleName == null) {
                throw new IOException(file + ": the zip archive has no <archive>/data.pkl record, so it is not a PyTorch checkpoint (entries: "
                        + abbreviate(names) + ")");
            }
            String archive = pickleName.substring(0, pickleName.length() - "data.pkl".length());
            // PyTorch stores records uncompressed, so together they cannot hold more than the file: a budget of the
            // file's size for everything read stops entries that share data, or many small bombs, from adding up.
            long[] budget = {fileSize};
            ZipEntry byteOrder = zip.getEntry(archive + "byteorder");   // written since PyTorch 2.1; absent means little
            if (byteOrder != null) {
                String order = new String(readEntry(zip, byteOrder, budget, file), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) throw new IOException(file + ": storages are stored " + order + "-endian; only little-endian is supported");
            }
            byte[] pickle = readEntry(zip, zip.getEntry(pickleName), budget, file);
            TorchResolver resolver = new TorchResolver(false);
            Object root = Pickle.load(pickle, resolver);
            Selection chosen = select(root, entry, file);
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, StoredTensor> tensors = materialize(chosen, key -> {
                ByteBuffer b = storages.get(key.key());
                if (b == null) {
                    ZipEntry e = zip.getEntry(archive + "data/" + key.key());
                    if (e == null) throw new IOException(file + ": storage '" + key.key() + "' has no record " + archive + "data/" + key.key());
                    byte[] bytes = readEntry(zip, e, budget, file);
                    long needed = key.numel() * key.dtype().bytes;
                    if (bytes.length != needed) {
                        throw new IOException(file + ": storage '" + key.key() + "' holds " + bytes.length + " bytes, but its "
                                + key.numel() + " " + key.dtype().torchName() + " elements need " + needed);
                    }
                    b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    storages.put(key.key(), b);
                }
                return b;
            });
            return new StateDict(Format.ZIP, chosen.entry(), tensors);
        }
    }

    /**
     * An entry's bytes, its declared size checked before anything is allocated against what is left of
     * {@code budget[0]} (the file's size, less every entry read before), which it then takes.
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, long[] budget, Path file) throws IOException {
        long size = e.getSize();
        if (size < 0) throw new IOException(file + ": zip entry " + e.getName() + " does not declare its size");
        // A record larger than the whole file is a lie or a compression bomb; PyTorch stores its records uncompressed.
        if (size > budget[0] || size > MAX_BYTES) {
            throw new IOException(file + ": zip entry " + e.getName() + " declares " + size + " bytes, more than the whole file ("
                    + Files.size(file) + " bytes) holds besides the records read before it");
        }
        budget[0] -= size;
        if (e.getMethod() == ZipEntry.STORED && e.getCompressedSize() != size) {
            throw new IOException(file + ": zip entry " + e.getName() + " is stored uncompressed but declares " + e.getCompressedSize()
                    + " stored bytes for " + size + " bytes");
        }
        byte[] b = new byte[(int) size];
        try (InputStream in = zip.getInputStream(e)) {
            int n = in.readNBytes(b, 0, b.length);
            if (n != b.length) throw new IOException(file + ": zip entry " + e.getName() + " ends after " + n + " of its " + size + " bytes (truncated?)");
            if (in.read() != -1) throw new IOException(file + ": zip entry " + e.getName() + " holds more than the " + size + " bytes it declares");
        } catch (ZipException | java.io.EOFException ex) {
            throw new IOException(file + ": zip entry " + e.getName() + " cannot be read (truncated or damaged?): " + ex.getMessage(), ex);
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------------------------
    // legacy format

    private static StateDict readLegacy(Path file, long fileSize, String entry) throws IOException {
        if (fileSize > MAX_BYTES) throw new IOException(file + ": " + fileSize + " bytes is more than this reader handles (2 GB)");
        byte[] bytes = Files.readAllBytes(file);
        Pickle.Resolver plain = new TorchResolver(true).plainValuesOnly();
        Pickle.Result magic = Pickle.load(bytes, 0, bytes.length, plain);
        if (!(magic.value() instanceof BigInteger m) || !m.equals(LEGACY_MAGIC)) {
            throw new IOException(file + ": not a PyTorch checkpoint (a pickle, but without PyTorch's magic number)");
        }
        Pickle.Result protocol = Pickle.load(bytes, magic.end(), bytes.length, plain);
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol.value())) {
            throw new IOException(file + ": legacy checkpoint protocol " + protocol.value() + " is not supported (only " + LEGACY_PROTOCOL + ")");
        }
        Pickle.Result sysInfo = Pickle.load(bytes, protocol.end(), bytes.length, plain);
        if (!(sysInfo.value() instanceof Map<?, ?> info)) throw new IOException(file + ": legacy checkpoint system info is a " + Pickle.typeName(sysInfo.value()) + ", not a dict");
        if (Boolean.FALSE.equals(info.get("little_endian"))) throw new IOException(file + ": saved on a big-endian machine; only little-endian checkpoints are supported");

        TorchResolver resolver = new TorchResolver(true);
        Pickle.Result main = Pickle.load(bytes, sysInfo.end(), bytes.length, resolver);
        Pickle.Result keyList = Pickle.load(bytes, main.end(), bytes.length, plain);
        if (!(keyList.value() instanceof List<?> keys)) throw new IOException(file + ": legacy checkpoint storage key list is a " + Pickle.typeName(keyList.value()));

        // The storages follow in the listed order, each as an int64 element count and the raw bytes. They are sliced,
        // not copied; only those the chosen state dict uses are converted.
        Map<String, ByteBuffer> storages = new HashMap<>();
        int at = keyList.end();
        for (Object k : keys) {
            if (!(k instanceof String key)) throw new IOException(file + ": legacy checkpoint storage key is a " + Pickle.typeName(k));
            StorageRef ref = resolver.storages.get(key);
            if (ref == null) throw new IOException(file + ": storage '" + key + "' is listed but no tensor refers to it");
            if (bytes.length - at < 8) throw new IOException(file + ": the file ends before storage '" + key + "' (truncated?)");
            long count = ByteBuffer.wrap(bytes, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            at += 8;
            if (count != ref.numel()) {
                throw new IOException(file + ": storage '" + key + "' declares " + count + " elements where its tensors' record says " + ref.numel());
            }
            long needed = ref.numel() * ref.dtype().bytes;   // numel was bounded when the id was read: no overflow
            if (needed > bytes.length - at) {
                throw new IOException(file + ": storage '" + key + "' needs " + needed + " bytes but only " + (bytes.length - at)
                        + " remain in the file (truncated?)");
            }
            if (storages.put(key, ByteBuffer.wrap(bytes, at, (int) needed).slice().order(ByteOrder.LITTLE_ENDIAN)) != null) {
                throw new IOException(file + ": storage '" + key + "' is listed twice");
            }
            at += (int) needed;
        }
        // Bytes after the last storage are ignored, as torch.load ignores them.
        Selection chosen = select(main.value(), entry, file);
        Map<String, StoredTensor> tensors = materialize(chosen, ref -> {
            ByteBuffer b = storages.get(ref.key());
            if (b == null) throw new IOException(file + ": storage '" + ref.key() + "' is missing from the file's storage list");
            return b;
        });
        return new StateDict(Format.LEGACY, chosen.entry(), tensors);
    }

    // ------------------------------------------------------------------------------------------------------------
    // the pickle's vocabulary

    /** A storage as a persistent id names it: its key, element type and element count. */
    record StorageRef(String key, TorchDType dtype, long numel) {}

    /** A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. */
    record TensorRef(StorageRef storage, long offset, int[] shape, long[] stride) {}

    /** The globals a state dict may name, and their meaning. */
    static final class TorchResolver implements Pickle.Resolver {
        private final boolean legacy;
        final Map<String, StorageRef> storages = new LinkedHashMap<>();

        TorchResolver(boolean legacy) {
            this.legacy = legacy;
        }

        /** A resolver for the legacy format's header pickles: plain values, no globals, no persistent ids. */
        Pickle.Resolver plainValuesOnly() {
            return new Pickle.Resolver() {
                @Override public boolean allows(Pickle.Global g) {
                    return false;
                }

                @Override public Object call(Pickle.Global g, Pickle.Tuple args) {
                    throw new IllegalArgumentException(g.qualifiedName() + " is not allowed here");
                }

                @Override public Object persistentLoad(Object pid) {
                    throw new IllegalArgumentException("a persistent id is not allowed here");
                }

                @Override public void build(Object target, Object state) {
                    throw new IllegalArgumentException("BUILD is not allowed here");
                }
            };
        }

        @Override
        public boolean allows(Pickle.Global g) {
            return switch (g.qualifiedName()) {
                case "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
                     "torch._utils._rebuild_parameter" -> true;
                default -> TorchDType.ofStorageGlobal(g) != null;   // only as a dtype name inside a persistent id
            };
        }

        @Override
        public Object call(Pickle.Global g, Pickle.Tuple args) {
            switch (g.qualifiedName()) {
                case "collections.OrderedDict" -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (args.size() == 0) return m;
                    // Python 2 pickled an OrderedDict as OrderedDict([[key, value], ...]).
                    if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                        for (Object p : pairs) {
                            List<?> kv = p instanceof Pickle.Tuple t ? t.items() : p instanceof List<?> l ? l : null;
                            if (kv == null || kv.size() != 2 || !(kv.get(0) instanceof String key)) {
                                throw new IllegalArgumentException("OrderedDict item is not a (str, value) pair");
                            }
                            m.put(key, kv.get(1));
                        }
                        return m;
                    }
                    throw new IllegalArgumentException("OrderedDict called with " + args.size() + " arguments of unexpected types");
                }
                case "torch._utils._rebuild_tensor_v2" -> {
                    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                    if (args.size() != 6 && args.size() != 7) throw new IllegalArgumentException("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + args.size());
                    if (!(args.get(4) instanceof Boolean)) throw new IllegalArgumentException("_rebuild_tensor_v2: requires_grad is a " + Pickle.typeName(args.get(4)));
                    if (!(args.get(5) instanceof Map)) throw new IllegalArgumentException("_rebuild_tensor_v2: backward_hooks is a " + Pickle.typeName(args.get(5)));
                    if (args.size() == 7 && args.get(6) != null && !(args.get(6) instanceof Map<?, ?> meta && meta.isEmpty())) {
                        // Tensor metadata marks conjugate or negative views; their values would need the flag applied.
                        throw new IllegalArgumentException("_rebuild_tensor_v2: tensor metadata (conjugate or negative views) is not supported");
                    }
                    return tensorRef(args);
                }
                case "torch._utils._rebuild_tensor" -> {   // PyTorch 0.3: (storage, storage_offset, size, stride)
                    if (args.size() != 4) throw new IllegalArgumentException("_rebuild_tensor takes 4 arguments, got " + args.size());
                    return tensorRef(args);
                }
                case "torch._utils._rebuild_parameter" -> {   // (data, requires_grad, backward_hooks): a Parameter is its data
                    if (args.size() != 3 || !(args.get(0) instanceof TensorRef t)) throw new IllegalArgumentException("_rebuild_parameter takes (tensor, bool, hooks)");
                    return t;
                }
                default -> throw new IllegalArgumentException(g.qualifiedName() + " names a dtype and cannot be called");
            }
        }

        private static TensorRef tensorRef(Pickle.Tuple args) {
            if (!(args.get(0) instanceof StorageRef storage)) throw new IllegalArgumentException("tensor storage is a " + Pickle.typeName(args.get(0)) + ", not a storage");
            if (!(args.get(1) instanceof Long offset) || offset < 0) throw new IllegalArgumentException("tensor storage offset is not a non-negative int");
            if (!(args.get(2) instanceof Pickle.Tuple size)) throw new IllegalArgumentException("tensor size is a " + Pickle.typeName(args.get(2)) + ", not a tuple");
            if (!(args.get(3) instanceof Pickle.Tuple stride)) throw new IllegalArgumentException("tensor stride is a " + Pickle.typeName(args.get(3)) + ", not a tuple");
            if (size.size() > MAX_RANK) throw new IllegalArgumentException("tensor of rank " + size.size() + " (at most " + MAX_RANK + ")");
            if (stride.size() != size.size()) throw new IllegalArgumentException("tensor has " + size.size() + " dimensions but " + stride.size() + " strides");
            int[] shape = new int[size.size()];
            long[] strides = new long[size.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(size.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor size holds an invalid dimension");
                if (!(stride.get(i) instanceof Long s) || s < 0 || s > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor stride holds an invalid value");
                shape[i] = (int) (long) d;
                strides[i] = s;
            }
            org.cyclegan.engine.Shape.numel(shape);   // refuses more than 2^31-1 elements
            return new TensorRef(storage, offset, shape, strides);
        }

        @Override
        public Object persistentLoad(Object pid) {
            // zip:    ('storage', storage_type, key, location, numel)
            // legacy: ('storage', storage_type, key, location, numel, view_metadata)
            if (!(pid instanceof Pickle.Tuple t) || t.size() == 0) throw new IllegalArgumentException("persistent id is a " + Pickle.typeName(pid) + ", not a tuple");
            if ("module".equals(t.get(0))) {
                throw new IllegalArgumentException("the file holds a pickled module with its source code (torch.save of a whole model), not a state dict");
            }
            if (!"storage".equals(t.get(0))) throw new IllegalArgumentException("persistent id of unknown kind (not 'storage')");
            int expected = legacy ? 6 : 5;
            if (t.size() != expected) throw new IllegalArgumentException("storage persistent id has " + t.size() + " fields, expected " + expected);
            if (!(t.get(1) instanceof Pickle.Global type) || TorchDType.ofStorageGlobal(type) == null) {
                throw new IllegalArgumentException("storage type is not a storage class");
            }
            if (!(t.get(2) instanceof String key) || !key.matches("[A-Za-z0-9_.]{1,64}")) throw new IllegalArgumentException("storage key is not a short plain name");
            if (!(t.get(3) instanceof String)) throw new IllegalArgumentException("storage location is not a string");
            if (!(t.get(4) instanceof Long numel) || numel < 0) throw new IllegalArgumentException("storage size is not a non-negative int");
            if (legacy && t.get(5) != null) throw new IllegalArgumentException("storage views (PyTorch before 0.4) are not supported");
            TorchDType dtype = TorchDType.ofStorageGlobal(type);
            if (numel > MAX_BYTES / dtype.bytes) throw new IllegalArgumentException("storage '" + key + "' of " + numel + " elements is larger than 2 GB");
            StorageRef ref = new StorageRef(key, dtype, numel);
            StorageRef seen = storages.putIfAbsent(key, ref);
            if (seen != null && !seen.equals(ref)) {
                throw new IllegalArgumentException("storage '" + key + "' is described twice, differently (" + seen.dtype().torchName() + "[" + seen.numel()
                        + "] and " + dtype.torchName() + "[" + numel + "])");
            }
            return seen != null ? seen : ref;
        }

        @Override
        public void build(Object target, Object state) {
            // A state dict is an OrderedDict with a _metadata attribute (per-module versions): instance attributes,
            // set by BUILD, that loading does not need.
            if (target instanceof Map && state instanceof Map) return;
            throw new IllegalArgumentException("cannot set state on a " + Pickle.typeName(target));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // choosing the state dict and reading its tensors

    private record Selection(String entry, Map<String, TensorRef> tensors) {}

    private static Selection select(Object root, String entry, Path file) throws IOException {
        if (!(root instanceof Map<?, ?> top)) {
            throw new IOException(file + ": holds a " + describe(root) + ", not a state dict (a dict of tensors)");
        }
        if (entry != null) {
            if (!top.containsKey(entry)) throw new IOException(file + ": has no entry '" + entry + "' (its entries: " + abbreviate(keysOf(top)) + ")");
            Map<String, TensorRef> sd = asStateDict(top.get(entry), file, entry);
            if (sd == null) throw new IOException(file + ": entry '" + entry + "' holds a " + describe(top.get(entry)) + ", not a state dict");
            return new Selection(entry, sd);
        }
        Map<String, TensorRef> sd = asStateDict(top, file, null);
        if (sd != null) return new Selection(null, sd);
        List<String> found = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            if (e.getKey() instanceof String name && asStateDict(e.getValue(), file, name) != null) found.add(name);
        }
        if (found.size() == 1) return new Selection(found.get(0), asStateDict(top.get(found.get(0)), file, found.get(0)));
        if (found.isEmpty()) throw new IOException(file + ": holds no state dict (a dict of tensors); its entries: " + abbreviate(keysOf(top)));
        throw new SeveralStateDictsException(file + ": holds several state dicts (" + String.join(", ", found) + "); name the one to use", found);
    }

    /**
     * The value as a state dict (string keys, every value a tensor), null when it holds no tensor at all; a dict that
     * mixes tensors with other values is refused naming the first odd key.
     */
    private static Map<String, TensorRef> asStateDict(Object v, Path file, String where) throws IOException {
        if (!(v instanceof Map<?, ?> m) || m.isEmpty()) return null;
        boolean anyTensor = false;
        for (Object value : m.values()) anyTensor |= value instanceof TensorRef;
        if (!anyTensor) return null;
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TensorRef t)) {
                throw new IOException(file + ": state dict" + (where == null ? "" : " '" + where + "'") + " holds a " + Pickle.typeName(e.getValue())
                        + " under key " + e.getKey() + " where a tensor belongs");
            }
            out.put(key, t);
        }
        return out;
    }

    private interface StorageSource {
        ByteBuffer bytes(StorageRef ref) throws IOException;
    }

    private static Map<String, StoredTensor> materialize(Selection chosen, StorageSource source) throws IOException {
        // Every view must lie inside its storage, and the tensors together may not hold more values than their storages:
        // a view with stride 0, or views of one storage repeated under many keys, could otherwise make a small file
        // demand gigabytes. State dicts never alias storages that way; the same tensor under two keys is read once.
        long storageElements = 0, tensorElements = 0;
        Map<String, StorageRef> distinct = new HashMap<>();
        Map<TensorRef, Boolean> seen = new IdentityHashMap<>();
        for (Map.Entry<String, TensorRef> e : chosen.tensors().entrySet()) {
            TensorRef t = e.getValue();
            checkInside(e.getKey(), t);
            if (distinct.putIfAbsent(t.storage().key(), t.storage()) == null) storageElements += t.storage().numel();
            if (seen.put(t, Boolean.TRUE) == null) tensorElements += org.cyclegan.engine.Shape.numel(t.shape());
        }
        if (tensorElements > storageElements) {
            throw new IllegalArgumentException("its tensors view " + tensorElements + " values but their storages hold only " + storageElements
                    + " (overlapping or broadcast views are not supported)");
        }
        Map<TensorRef, StoredTensor> done = new IdentityHashMap<>();
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : chosen.tensors().entrySet()) {
            TensorRef t = e.getValue();
            StoredTensor s = done.get(t);
            if (s == null) {
                s = gather(t, source.bytes(t.storage()));
                done.put(t, s);
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** The view's last element must lie inside its storage (computed without overflow). */
    private static void checkInside(String key, TensorRef t) {
        if (org.cyclegan.engine.Shape.numel(t.shape()) == 0) return;
        long last = t.offset();
        try {
            for (int i = 0; i < t.shape().length; i++) last = Math.addExact(last, Math.multiplyExact(t.shape()[i] - 1L, t.stride()[i]));
        } catch (ArithmeticException overflow) {
            last = Long.MAX_VALUE;
        }
        if (last >= t.storage().numel()) {
            throw new IllegalArgumentException("tensor '" + key + "' (shape " + Arrays.toString(t.shape()) + ", offset " + t.offset() + ", strides "
                    + Arrays.toString(t.stride()) + ") reaches element " + last + " of storage '" + t.storage().key() + "', which holds "
                    + t.storage().numel());
        }
    }

    /** The view's elements in row-major order, converted by dtype. */
    private static StoredTensor gather(TensorRef t, ByteBuffer storage) {
        TorchDType dtype = t.storage().dtype();
        int n = org.cyclegan.engine.Shape.numel(t.shape());
        int[] shape = t.shape();
        long[] stride = t.stride();
        float[] floats = dtype.floatingPoint ? new float[n] : null;
        long[] integers = dtype.floatingPoint ? null : new long[n];
        int rank = shape.length;
        int[] index = new int[rank];
        long at = t.offset();
        for (int i = 0; i < n; i++) {
            if (floats != null) floats[i] = dtype.floatAt(storage, (int) at);
            else integers[i] = dtype.integerAt(storage, (int) at);
            // Advance the row-major index (an odometer over the dimensions), keeping the storage position in step.
            for (int d = rank - 1; d >= 0; d--) {
                at += stride[d];
                if (++index[d] < shape[d]) break;
                at -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return new StoredTensor(dtype, shape, floats, integers);
    }

    private static String describe(Object v) {
        return v instanceof TensorRef ? "single tensor" : Pickle.typeName(v);
    }

    private static List<String> keysOf(Map<?, ?> m) {
        List<String> out = new ArrayList<>();
        for (Object k : m.keySet()) out.add(String.valueOf(k));
        return out;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names) : String.join(", ", names.subList(0, 8)) + ", ... (" + names.size() + " in all)";
    }
}
