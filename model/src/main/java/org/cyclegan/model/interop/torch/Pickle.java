package org.cyclegan.model.interop.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of Python pickles restricted to what PyTorch state dicts are made of. It is a stack machine that
 * <em>interprets</em> the opcodes; it never executes anything. Python's own unpickler calls whatever callable a pickle
 * names (a pickle that says {@code os.system} runs a shell command); here a global is only a name, a
 * {@link Global} record, and the caller's {@link Resolver} decides which names may appear at all and what applying an
 * allowed one means. Any other global is refused at the opcode that names it, before anything could use it.
 *
 * <p>Python values become: dict → {@link LinkedHashMap} (keys str, int, float, bool or None), list →
 * {@link ArrayList}, tuple → {@link Tuple}, str → {@link String}, int → {@link Long} (or {@link BigInteger} beyond 64
 * bits), float → {@link Double}, bool → {@link Boolean}, None → {@code null}.
 *
 * <p>Opcodes: those of protocols 2 to 5 that state dicts use (PROTO, FRAME, STOP, MARK, EMPTY_DICT, DICT,
 * EMPTY_LIST, LIST, EMPTY_TUPLE, TUPLE, TUPLE1-3, BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, BINSTRING and
 * SHORT_BINSTRING (Python 2 str, read as UTF-8), BININT, BININT1, BININT2, LONG1, BINFLOAT, NEWTRUE, NEWFALSE, NONE,
 * SETITEM(S), APPEND(S), BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET, GLOBAL, STACK_GLOBAL, REDUCE, BINPERSID,
 * BUILD). Any other opcode is refused with its name (when known) and byte offset.
 *
 * <p>Every length is checked against the bytes that remain before anything is allocated, and each opcode adds at
 * most one value, so memory stays proportional to the pickle's size whatever it says.
 */
public final class Pickle {
    /** The longest LONG1 integer accepted, in bytes (PyTorch's legacy magic number needs 10). */
    static final int MAX_LONG1_BYTES = 16;
    /** The longest GLOBAL module or name line accepted. */
    static final int MAX_GLOBAL_LINE = 256;

    /** A global the pickle names ({@code module.name}): only a name, never resolved to code. */
    public record Global(String module, String name) {
        public String qualifiedName() {
            return module + "." + name;
        }
    }

    /** A Python tuple: an immutable list (it may hold nulls, which {@code List.of} refuses). */
    public record Tuple(List<Object> items) {
        public Tuple {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** What the caller allows and how it interprets it. */
    public interface Resolver {
        /** Whether the pickle may name this global at all. Anything refused here stops the read at its opcode. */
        boolean allows(Global global);

        /** REDUCE: "calls" an allowed global with its arguments, by hand. Throws if the global is not callable. */
        Object call(Global callable, Tuple args);

        /** BINPERSID: the object a persistent id refers to (PyTorch: a storage). */
        Object persistentLoad(Object pid);

        /** BUILD: applies {@code state} to {@code target}, or throws to refuse. */
        void build(Object target, Object state);
    }

    /** A value read and the offset just past its STOP opcode (several pickles may follow one another). */
    public record Result(Object value, int end) {}

    private static final Object MARK_SENTINEL = new Object();

    private final byte[] data;
    private final int limit;
    private final Resolver resolver;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;
    private int opStart;
    private String opName = "";

    private Pickle(byte[] data, int start, int end, Resolver resolver) {
        this.data = data;
        this.pos = start;
        this.limit = end;
        this.resolver = resolver;
    }

    /** Reads one pickle from {@code data[start, end)}; {@link IllegalArgumentException} says what is wrong and where. */
    public static Result load(byte[] data, int start, int end, Resolver resolver) {
        if (start < 0 || end > data.length || start > end) throw new IllegalArgumentException("pickle range " + start + ".." + end + " outside " + data.length + " bytes");
        Pickle p = new Pickle(data, start, end, resolver);
        Object v = p.run();
        return new Result(v, p.pos);
    }

    /** Reads one pickle that must fill all of {@code data}. */
    public static Object load(byte[] data, Resolver resolver) {
        Result r = load(data, 0, data.length, resolver);
        if (r.end() != data.length) throw new IllegalArgumentException("pickle ends at byte " + r.end() + " but " + (data.length - r.end()) + " bytes follow it");
        return r.value();
    }

    /** A short description of a value's Python type, for messages (never its contents, which may be huge or cyclic). */
    public static String typeName(Object v) {
        if (v == null) return "None";
        if (v instanceof String) return "str";
        if (v instanceof Long || v instanceof BigInteger) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Map) return "dict";
        if (v instanceof List) return "list";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof Global g) return "global " + g.qualifiedName();
        return v.getClass().getSimpleName();
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("pickle opcode " + opName + " at byte " + opStart + ": " + what);
    }

    private Object run() {
        while (true) {
            if (pos >= limit) {
                opStart = pos;
                opName = "(end)";
                throw error("the pickle ends without a STOP opcode (truncated?)");
            }
            opStart = pos;
            int op = data[pos++] & 0xff;
            opName = name(op);
            switch (op) {
                case 0x80 -> {   // PROTO
                    int version = u8();
                    if (version < 2 || version > 5) throw error("protocol " + version + " is not supported (2 to 5 are)");
                }
                case 0x95 -> {   // FRAME: a length hint for buffered reading; the frame's opcodes follow inline
                    long n = int64();
                    if (n < 0 || n > limit - pos) throw error("frame of " + n + " bytes, but only " + (limit - pos) + " remain");
                }
                case '.' -> {   // STOP
                    if (!marks.isEmpty()) throw error("a MARK is still open");
                    if (stack.size() != 1) throw error("the stack holds " + stack.size() + " values, expected 1");
                    return stack.get(0);
                }
                case '(' -> {   // MARK
                    marks.add(stack.size());
                    push(MARK_SENTINEL);
                }
                case '}' -> push(new LinkedHashMap<Object, Object>());   // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>());                // EMPTY_LIST
                case ')' -> push(new Tuple(List.of()));                   // EMPTY_TUPLE
                case 'd' -> {   // DICT
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putPairs(m, popMark());
                    push(m);
                }
                case 'l' -> push(new ArrayList<>(popMark()));   // LIST
                case 't' -> push(new Tuple(popMark()));          // TUPLE
                case 0x85 -> push(new Tuple(popN(1)));           // TUPLE1
                case 0x86 -> push(new Tuple(popN(2)));           // TUPLE2
                case 0x87 -> push(new Tuple(popN(3)));           // TUPLE3
                case 'X' -> push(utf8(length(uint32())));        // BINUNICODE
                case 0x8c -> push(utf8(length(u8())));           // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(int64())));        // BINUNICODE8
                case 'T' -> push(utf8(length(int32())));         // BINSTRING (Python 2 str)
                case 'U' -> push(utf8(length(u8())));            // SHORT_BINSTRING (Python 2 str)
                case 'J' -> push((long) int32());                // BININT
                case 'K' -> push((long) u8());                   // BININT1
                case 'M' -> push((long) (u8() | u8() << 8));     // BININT2
                case 0x8a -> push(long1());                      // LONG1
                case 'G' -> push(ByteBuffer.wrap(take(8)).order(ByteOrder.BIG_ENDIAN).getDouble());   // BINFLOAT
                case 0x88 -> push(Boolean.TRUE);                 // NEWTRUE
                case 0x89 -> push(Boolean.FALSE);                // NEWFALSE
                case 'N' -> push(null);                          // NONE
                case 's' -> {   // SETITEM
                    List<Object> kv = popN(2);
                    putPairs(dictOnTop(), kv);
                }
                case 'u' -> {   // SETITEMS
                    List<Object> items = popMark();
                    putPairs(dictOnTop(), items);
                }
                case 'a' -> {   // APPEND (the value is popped first: the list lies below it)
                    Object v = pop();
                    listOnTop().add(v);
                }
                case 'e' -> {   // APPENDS
                    List<Object> items = popMark();
                    listOnTop().addAll(items);
                }
                case 'q' -> memo.put((long) u8(), top());        // BINPUT
                case 'r' -> memo.put(uint32(), top());           // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), top());   // MEMOIZE
                case 'h' -> push(memoGet(u8()));                 // BINGET
                case 'j' -> push(memoGet(uint32()));             // LONG_BINGET
                case 'c' -> push(global(line(), line()));        // GLOBAL
                case 0x93 -> {   // STACK_GLOBAL
                    List<Object> mn = popN(2);
                    if (!(mn.get(0) instanceof String module) || !(mn.get(1) instanceof String name)) {
                        throw error("module and name must be strings, got " + typeName(mn.get(0)) + " and " + typeName(mn.get(1)));
                    }
                    push(global(module, name));
                }
                case 'R' -> {   // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) throw error("cannot call a " + typeName(callable));
                    if (!(args instanceof Tuple t)) throw error("arguments of " + g.qualifiedName() + " are a " + typeName(args) + ", not a tuple");
                    push(interpret(() -> resolver.call(g, t)));
                }
                case 'Q' -> {   // BINPERSID
                    Object pid = pop();
                    push(interpret(() -> resolver.persistentLoad(pid)));
                }
                case 'b' -> {   // BUILD
                    Object state = pop();
                    Object target = top();
                    interpret(() -> {
                        resolver.build(target, state);
                        return null;
                    });
                }
                default -> throw error("opcode 0x" + Integer.toHexString(op) + " is not allowed in a state dict");
            }
        }
    }

    /** Runs a resolver step, giving its refusal this opcode's position. */
    private Object interpret(java.util.function.Supplier<Object> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        if (!resolver.allows(g)) {
            throw error("global '" + g.qualifiedName() + "' is not allowed (a state dict holds only tensors, dicts and plain values;"
                    + " this reader never imports or calls anything)");
        }
        return g;
    }

    private void push(Object v) {
        stack.add(v);
    }

    private Object pop() {
        int n = stack.size();
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (n <= floor) throw error("stack underflow");
        return stack.remove(n - 1);
    }

    private Object top() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (stack.size() <= floor) throw error("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (stack.size() - n < floor) throw error("stack underflow");
        List<Object> tail = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    /** The values pushed since the last MARK, removing them and the mark. */
    private List<Object> popMark() {
        if (marks.isEmpty()) throw error("no MARK to pop to");
        int at = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(at + 1, stack.size());
        List<Object> out = new ArrayList<>(tail);
        stack.subList(at, stack.size()).clear();
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop() {
        Object t = top();
        if (!(t instanceof Map)) throw error("target is a " + typeName(t) + ", not a dict");
        return (Map<Object, Object>) t;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop() {
        Object t = top();
        if (!(t instanceof ArrayList)) throw error("target is a " + typeName(t) + ", not a list");
        return (List<Object>) t;
    }

    private void putPairs(Map<Object, Object> m, List<Object> kv) {
        if (kv.size() % 2 != 0) throw error("odd number of items (" + kv.size() + ") for key/value pairs");
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            // Plain immutable keys only: a tuple or list key could be cyclic or deeply nested, and hashing it recurses.
            if (!(k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double || k instanceof Boolean)) {
                throw error("dict key of type " + typeName(k) + " is not supported");
            }
            m.put(k, kv.get(i + 1));
        }
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) throw error("memo index " + index + " was never stored");
        return memo.get(index);
    }

    private byte[] take(int n) {
        if (n > limit - pos) throw error("needs " + n + " bytes but only " + (limit - pos) + " remain (truncated?)");
        byte[] b = new byte[n];
        System.arraycopy(data, pos, b, 0, n);
        pos += n;
        return b;
    }

    private int u8() {
        if (pos >= limit) throw error("the pickle ends inside the opcode (truncated?)");
        return data[pos++] & 0xff;
    }

    private int int32() {
        return ByteBuffer.wrap(take(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private long uint32() {
        return int32() & 0xffffffffL;
    }

    private long int64() {
        return ByteBuffer.wrap(take(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A declared length checked against the remaining bytes, before anything is allocated. */
    private int length(long n) {
        if (n < 0 || n > limit - pos) throw error("length " + n + " runs past the end (" + (limit - pos) + " bytes remain)");
        return (int) n;
    }

    private String utf8(int n) {
        ByteBuffer b = ByteBuffer.wrap(data, pos, length(n));
        pos += n;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw error("string is not valid UTF-8");
        }
    }

    /** LONG1: a little-endian two's-complement integer of n bytes. */
    private Object long1() {
        int n = u8();
        if (n > MAX_LONG1_BYTES) throw error(n + "-byte integer (at most " + MAX_LONG1_BYTES + " accepted)");
        byte[] le = take(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** A newline-terminated ASCII line (GLOBAL's module and name). */
    private String line() {
        int start = pos;
        while (pos < limit && data[pos] != '\n') {
            if (pos - start >= MAX_GLOBAL_LINE) throw error("GLOBAL name longer than " + MAX_GLOBAL_LINE + " bytes");
            int c = data[pos] & 0xff;
            if (c < 0x20 || c > 0x7e) throw error("GLOBAL name holds byte 0x" + Integer.toHexString(c));
            pos++;
        }
        if (pos >= limit) throw error("GLOBAL name runs past the end (truncated?)");
        String s = new String(data, start, pos - start, StandardCharsets.US_ASCII);
        pos++;   // the newline
        return s;
    }

    private static String name(int op) {
        return switch (op) {
            case 0x80 -> "PROTO";
            case 0x95 -> "FRAME";
            case '.' -> "STOP";
            case '(' -> "MARK";
            case '}' -> "EMPTY_DICT";
            case ']' -> "EMPTY_LIST";
            case ')' -> "EMPTY_TUPLE";
            case 'd' -> "DICT";
            case 'l' -> "LIST";
            case 't' -> "TUPLE";
            case 0x85 -> "TUPLE1";
            case 0x86 -> "TUPLE2";
            case 0x87 -> "TUPLE3";
            case 'X' -> "BINUNICODE";
            case 0x8c -> "SHORT_BINUNICODE";
            case 0x8d -> "BINUNICODE8";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'J' -> "BININT";
            case 'K' -> "BININT1";
            case 'M' -> "BININT2";
            case 0x8a -> "LONG1";
            case 'G' -> "BINFLOAT";
            case 0x88 -> "NEWTRUE";
            case 0x89 -> "NEWFALSE";
            case 'N' -> "NONE";
            case 's' -> "SETITEM";
            case 'u' -> "SETITEMS";
            case 'a' -> "APPEND";
            case 'e' -> "APPENDS";
            case 'q' -> "BINPUT";
            case 'r' -> "LONG_BINPUT";
            case 0x94 -> "MEMOIZE";
            case 'h' -> "BINGET";
            case 'j' -> "LONG_BINGET";
            case 'c' -> "GLOBAL";
            case 0x93 -> "STACK_GLOBAL";
            case 'R' -> "REDUCE";
            case 'Q' -> "BINPERSID";
            case 'b' -> "BUILD";
            // Opcodes that exist but are refused, named so the message says what the pickle tried.
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 'P' -> "PERSID";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 0x8b -> "LONG4";
            case 'F' -> "FLOAT";
            case 'S' -> "STRING";
            case 'V' -> "UNICODE";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            case 0x8e -> "BINBYTES8";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case '0' -> "POP";
            case '1' -> "POP_MARK";
            case '2' -> "DUP";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            default -> "0x" + Integer.toHexString(op);
        };
    }
}
